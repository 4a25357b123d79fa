"""The review workflow as plain keyword-only service functions (no HTTP).

submit → automatic precheck → draft opinion (审核人员) → reviewer edits → approve (审批人) or return
(退回修改, 审核人员); a returned submission may be resubmitted once, linked to the one it replaces with the
diff of findings. Every step is stored with who, when and what changed (records + the audit log).

Correct under concurrency: every state change runs in the caller's writing transaction
(`records.session_scope` / `records.transaction`: BEGIN IMMEDIATE on SQLite) and first locks the
submission row (`SELECT … FOR UPDATE` on PostgreSQL), then re-checks the state it depends on, so of two
requests racing on one submission (approve vs return, two resubmits, resubmit vs approve, two first
drafts) exactly one succeeds and the other gets `Conflict` (409) with a Chinese reason. Optional
`expected_version` (the API's If-Match) refuses a change based on a stale version of the opinion.

Separation of duties: 审核人员 draft, edit and return; 审批人 approve, and never an opinion they drafted or
edited themselves; 管理员 decide nothing.
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.auth import PERMISSION_ZH, Permission, can_view_submission, has_permission, role_zh
from assistant.checks import check_submission
from assistant.checks.grading import GradingConfig
from assistant.labels import STATUS_ZH
from assistant.models import CheckResult, Finding, Submission
from assistant.opinion import draft_opinion
from assistant.opinion_models import ReviewOpinion
from assistant.opinion_render import render_opinion_text
from assistant.records.audit import record_audit
from assistant.records.models import (
    PrecheckRecord,
    ReviewRecord,
    ReviewVersion,
    SubmissionRecord,
    User,
    utcnow,
)
from core.errors import Conflict, Forbidden, NotFound, UserError
from core.models import Standard


class FindingsDiff(BaseModel):
    added: list[Finding]
    resolved: list[Finding]
    unchanged: int


# ---- findings diff (pure) -------------------------------------------------------------------


def _finding_key(finding: Finding) -> tuple:
    loc = finding.location
    return (finding.code, loc.field, loc.indicator, loc.cell)


def diff_findings(previous: CheckResult, current: CheckResult) -> FindingsDiff:
    """Findings added, resolved and unchanged between two prechecks, keyed by code + location."""
    before = {_finding_key(f): f for f in previous.findings}
    after = {_finding_key(f): f for f in current.findings}
    return FindingsDiff(
        added=[f for k, f in after.items() if k not in before],
        resolved=[f for k, f in before.items() if k not in after],
        unchanged=sum(1 for k in after if k in before),
    )


# ---- submit / resubmit ----------------------------------------------------------------------


def run_precheck(
    submission: Submission,
    *,
    grading: GradingConfig | None = None,
    standards: tuple[Standard, ...] = (),
    ex_ante_min_yuan: float | None = None,
) -> CheckResult:
    """The rules' precheck; `standards` is the stored 支出标准 library the caller read (formats.md §5)."""
    return check_submission(
        submission, grading=grading, standards=standards, ex_ante_min_yuan=ex_ante_min_yuan
    )


def _severity_counts(result: CheckResult) -> dict[str, int]:
    counts = {"error": 0, "warning": 0, "info": 0}
    for finding in result.findings:
        counts[finding.severity.value] += 1
    return counts


def _store(
    session: Session,
    *,
    submitter: User,
    submission: Submission,
    result: CheckResult,
    callback_url: str | None,
    previous: SubmissionRecord | None = None,
) -> SubmissionRecord:
    record = SubmissionRecord(
        external_id=submission.id,
        project=submission.project,
        unit=submission.unit,
        year=submission.year,
        canonical=submission.canonical(),
        source=submission.source,
        submitter_id=submitter.id,
        status="pending",
        grade=result.grade.value if result.grade else None,
        findings_count=len(result.findings),
        severity_counts=_severity_counts(result),
        callback_url=callback_url,
        version=previous.version + 1 if previous else 1,
        previous_id=previous.id if previous else None,
    )
    session.add(record)
    session.flush()
    session.add(PrecheckRecord(submission_id=record.id, result=result.model_dump(mode="json")))
    return record


def submit(
    *,
    session: Session,
    submitter: User,
    submission: Submission,
    callback_url: str | None = None,
    grading: GradingConfig | None = None,
    standards: tuple[Standard, ...] = (),
    ex_ante_min_yuan: float | None = None,
) -> SubmissionRecord:
    """Store a submission and its automatic precheck; status 待审."""
    _require(submitter, Permission.submit)
    result = run_precheck(submission, grading=grading, standards=standards, ex_ante_min_yuan=ex_ante_min_yuan)
    record = _store(
        session, submitter=submitter, submission=submission, result=result, callback_url=callback_url
    )
    record_audit(
        session,
        actor=submitter.username,
        action="submission.create",
        submission_id=record.id,
        details={"project": record.project, "external_id": record.external_id, "source": record.source},
    )
    _audit_precheck(session, record)
    return record


def resubmit(
    *,
    session: Session,
    submitter: User,
    previous_id: int,
    submission: Submission,
    callback_url: str | None = None,
    grading: GradingConfig | None = None,
    standards: tuple[Standard, ...] = (),
    ex_ante_min_yuan: float | None = None,
) -> SubmissionRecord:
    """A corrected version of a returned submission, linked to it with the findings diff.

    Only the submitting unit, only from 已退回, and only once: the replaced record is locked and gets
    `superseded_by_id`, so a second (or concurrent) resubmission of it is a Conflict."""
    _require(submitter, Permission.submit)
    # before the lock: the rules need no database
    result = run_precheck(submission, grading=grading, standards=standards, ex_ante_min_yuan=ex_ante_min_yuan)
    previous = _locked_submission(session, viewer=submitter, submission_id=previous_id)
    if previous.submitter_id != submitter.id:
        raise Forbidden("只有原提交单位可以重新报送该项目。")
    if previous.superseded_by_id is not None:
        raise Conflict(
            f"申报 #{previous_id} 已重新报送过（新版本为 #{previous.superseded_by_id}），不能再次重新报送；"
            "如需再改，请在最新版本被退回后重新报送。",
            code="already_resubmitted",
        )
    if previous.status != "returned":
        reason = "已审核通过" if previous.status == "approved" else "尚在审核中（待审），请等待审核结果"
        raise Conflict(
            f"申报 #{previous_id} {reason}，只有被退回修改的申报才能重新报送。", code="invalid_state"
        )
    record = _store(
        session,
        submitter=submitter,
        submission=submission,
        result=result,
        callback_url=callback_url or previous.callback_url,
        previous=previous,
    )
    diff = diff_findings(latest_precheck(session, submission_id=previous.id), result)
    record.diff = diff.model_dump(mode="json")
    previous.superseded_by_id = record.id
    record_audit(
        session,
        actor=submitter.username,
        action="submission.resubmit",
        submission_id=record.id,
        details={
            "previous_id": previous.id,
            "version": record.version,
            "added": [f.code for f in diff.added],
            "resolved": [f.code for f in diff.resolved],
            "unchanged": diff.unchanged,
        },
    )
    _audit_precheck(session, record)
    return record


def _audit_precheck(session: Session, record: SubmissionRecord) -> None:
    record_audit(
        session,
        actor="system",
        action="precheck.done",
        submission_id=record.id,
        details={"grade": record.grade, "findings": record.findings_count, "counts": record.severity_counts},
    )


# ---- reading --------------------------------------------------------------------------------


def _not_found(submission_id: int) -> NotFound:
    return NotFound(f"申报 #{submission_id} 不存在或无权查看。", code="submission_not_found")


def get_submission(session: Session, *, viewer: User, submission_id: int) -> SubmissionRecord:
    """The record if the viewer may see it; otherwise NotFound (a submitter cannot probe others' ids)."""
    record = session.get(SubmissionRecord, submission_id)
    if record is None or not can_view_submission(viewer, record):
        raise _not_found(submission_id)
    return record


def _locked_submission(session: Session, *, viewer: User, submission_id: int) -> SubmissionRecord:
    """The record, locked for this transaction and read fresh (never from the session's cache)."""
    record = session.scalar(
        select(SubmissionRecord)
        .where(SubmissionRecord.id == submission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if record is None or not can_view_submission(viewer, record):
        raise _not_found(submission_id)
    return record


def list_submissions(
    session: Session,
    *,
    viewer: User,
    status: str | None = None,
    grade: str | None = None,
    query: str | None = None,
    include_superseded: bool = False,
) -> list[SubmissionRecord]:
    stmt = select(SubmissionRecord).order_by(SubmissionRecord.id.desc())
    if not has_permission(viewer, Permission.view_all):
        stmt = stmt.where(SubmissionRecord.submitter_id == viewer.id)
    if not include_superseded:
        stmt = stmt.where(SubmissionRecord.superseded_by_id.is_(None))
    if status:
        if status not in STATUS_ZH:
            raise UserError(f"状态“{status}”无效，可选：pending、returned、approved。", code="bad_status")
        stmt = stmt.where(SubmissionRecord.status == status)
    if grade:
        stmt = stmt.where(SubmissionRecord.grade == grade)
    if query:
        like = f"%{query.strip()}%"
        stmt = stmt.where(
            or_(
                SubmissionRecord.project.like(like),
                SubmissionRecord.unit.like(like),
                SubmissionRecord.external_id.like(like),
            )
        )
    return list(session.scalars(stmt))


def latest_precheck(session: Session, *, submission_id: int) -> CheckResult:
    row = session.scalar(
        select(PrecheckRecord)
        .where(PrecheckRecord.submission_id == submission_id)
        .order_by(PrecheckRecord.id.desc())
        .limit(1)
    )
    if row is None:
        raise NotFound(f"申报 #{submission_id} 没有预审结果。", code="precheck_not_found")
    return CheckResult.model_validate(row.result)


def get_review(session: Session, *, viewer: User, submission_id: int) -> ReviewRecord:
    get_submission(session, viewer=viewer, submission_id=submission_id)
    review = _review_of(session, submission_id)
    if review is None:
        raise NotFound(f"申报 #{submission_id} 尚未起草审核意见。", code="review_not_found")
    return review


def has_review(session: Session, *, viewer: User, submission_id: int) -> bool:
    get_submission(session, viewer=viewer, submission_id=submission_id)
    return _review_of(session, submission_id) is not None


def _review_of(session: Session, submission_id: int) -> ReviewRecord | None:
    return session.scalar(
        select(ReviewRecord)
        .where(ReviewRecord.submission_id == submission_id)
        .execution_options(populate_existing=True)
    )


def current_version(review: ReviewRecord) -> int:
    """The opinion's version number (1 after the first draft; every draft/edit/approve/return adds one)."""
    return max((v.version for v in review.versions), default=0)


# ---- the opinion ----------------------------------------------------------------------------


def _require(user: User, permission: Permission) -> None:
    if not has_permission(user, permission):
        raise Forbidden(f"当前角色（{role_zh(user.role)}）无权{PERMISSION_ZH[permission]}。")


def _state_conflict(record: SubmissionRecord, doing: str) -> Conflict | None:
    if record.superseded_by_id is not None:
        return Conflict(
            f"申报 #{record.id} 已被重新报送的 #{record.superseded_by_id} 替代，不能再{doing}。",
            code="invalid_state",
        )
    if record.status != "pending":
        return Conflict(
            f"申报 #{record.id} 当前状态为“{STATUS_ZH[record.status]}”，不能再{doing}。",
            code="invalid_state",
        )
    return None


def _pending_submission(session: Session, actor: User, submission_id: int, doing: str) -> SubmissionRecord:
    """The submission, locked, if it still awaits a decision; otherwise Conflict naming its state."""
    record = _locked_submission(session, viewer=actor, submission_id=submission_id)
    conflict = _state_conflict(record, doing)
    if conflict is not None:
        raise conflict
    return record


def _check_version(review: ReviewRecord, expected: int | None, submission_id: int) -> None:
    if expected is None:
        return
    now = current_version(review)
    if expected != now:
        raise Conflict(
            f"申报 #{submission_id} 的审核意见已被他人更新（您看到的是第{expected}版，当前为第{now}版），"
            "请刷新后在最新版本上操作。",
            code="stale_version",
            details={"expected_version": expected, "current_version": now},
        )


def _add_version(
    session: Session, review: ReviewRecord, *, actor: User, action: str, comment: str | None
) -> ReviewVersion:
    version = ReviewVersion(
        review=review,
        version=current_version(review) + 1,
        author_id=actor.id,
        author_role=actor.role,
        action=action,
        comment=comment,
        text=review.text,
        opinion=review.opinion,
    )
    session.add(version)
    review.updated_at = utcnow()
    return version


KNOWLEDGE_LOADING = (
    "知识库仍在加载（首次启动正在建立入门知识索引），本稿引用的条文未能与原文核对；"
    "加载完成后重新起草即可核对引用。"
)


def prepare_opinion(
    session: Session,
    *,
    actor: User,
    submission_id: int,
    knowledge_base: Any = None,
    chat_model: Any = None,
    knowledge_loading: bool = False,
) -> ReviewOpinion:
    """Draft the 审核意见 from the stored precheck without writing anything (the slow part: retrieval and,
    with a model, its prose). The API calls this outside the write transaction and hands the result to
    `draft_review(opinion=…)`, which re-checks the state under the lock."""
    _require(actor, Permission.review)
    record = get_submission(session, viewer=actor, submission_id=submission_id)
    conflict = _state_conflict(record, "起草审核意见")  # fail fast; draft_review re-checks under the lock
    if conflict is not None:
        raise conflict
    opinion = draft_opinion(
        Submission.model_validate(record.canonical),
        latest_precheck(session, submission_id=submission_id),
        kb=knowledge_base,
        llm=chat_model,
    )
    if knowledge_loading:  # said where the reviewer reads the draft's caveats, never in the document
        opinion.notes.append(KNOWLEDGE_LOADING)
        opinion.caveats.append(KNOWLEDGE_LOADING)
    return opinion


def draft_review(
    *,
    session: Session,
    actor: User,
    submission_id: int,
    knowledge_base: Any = None,
    chat_model: Any = None,
    opinion: ReviewOpinion | None = None,
    expected_version: int | None = None,
) -> ReviewRecord:
    """Draft the 审核意见 (the grade is the rules' grade). A submission has one opinion: once drafted,
    re-drafting needs `expected_version` (the version the reviewer sees), else Conflict; so two
    concurrent first drafts give one draft and one 409."""
    _require(actor, Permission.review)
    _pending_submission(session, actor, submission_id, "起草审核意见")
    review = _review_of(session, submission_id)
    if review is not None and expected_version is None:
        raise Conflict(
            f"申报 #{submission_id} 已起草审核意见（当前为第{current_version(review)}版）。"
            "如需重新起草，请在最新版本上操作（注明版本号）。",
            code="review_exists",
            details={"current_version": current_version(review)},
        )
    if review is not None:
        _check_version(review, expected_version, submission_id)
    if opinion is None:
        opinion = draft_opinion(
            Submission.model_validate(_submission_canonical(session, submission_id)),
            latest_precheck(session, submission_id=submission_id),
            kb=knowledge_base,
            llm=chat_model,
        )
    return _write_draft(session, actor=actor, submission_id=submission_id, review=review, opinion=opinion)


def _submission_canonical(session: Session, submission_id: int) -> dict[str, Any]:
    record = session.get(SubmissionRecord, submission_id)
    assert record is not None  # locked by the caller
    return record.canonical


def _write_draft(
    session: Session, *, actor: User, submission_id: int, review: ReviewRecord | None, opinion: ReviewOpinion
) -> ReviewRecord:
    text, opinion_json = render_opinion_text(opinion), opinion.model_dump(mode="json")
    if review is None:
        review = ReviewRecord(
            submission_id=submission_id,
            text=text,
            opinion=opinion_json,
            mode=opinion.mode,
            mode_label=opinion.mode_label,
        )
        session.add(review)
    else:
        review.text, review.opinion, review.mode, review.mode_label = (
            text,
            opinion_json,
            opinion.mode,
            opinion.mode_label,
        )
    version = _add_version(session, review, actor=actor, action="draft", comment=None)
    record_audit(
        session,
        actor=actor.username,
        action="review.draft",
        submission_id=submission_id,
        details={
            "version": version.version,
            "grade": opinion.grade.value if opinion.grade else None,
            "mode": opinion.mode,
            "findings": len(opinion.findings()),
        },
    )
    return review


def edit_review(
    *,
    session: Session,
    actor: User,
    submission_id: int,
    text: str,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ReviewRecord:
    """A reviewer's edit of the opinion text, stored as a new version with the changed lines audited."""
    _require(actor, Permission.review)
    new_text = (text or "").strip()
    if not new_text:
        raise UserError("审核意见正文不能为空。", code="empty_text")
    _pending_submission(session, actor, submission_id, "修改审核意见")
    review = get_review(session, viewer=actor, submission_id=submission_id)
    _check_version(review, expected_version, submission_id)
    changed = _changed_lines(review.text, new_text)
    review.text = new_text
    version = _add_version(session, review, actor=actor, action="edit", comment=comment)
    record_audit(
        session,
        actor=actor.username,
        action="review.edit",
        submission_id=submission_id,
        details={"version": version.version, "comment": comment, "changes": changed},
    )
    return review


def _changed_lines(old: str, new: str, limit: int = 40) -> list[str]:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [ln for ln in lines if ln[:1] in "+-" and not ln.startswith(("+++", "---"))][:limit]


def approve_review(
    *,
    session: Session,
    actor: User,
    submission_id: int,
    comment: str | None = None,
    expected_version: int | None = None,
) -> ReviewRecord:
    """审批通过 by an approver who neither drafted nor edited this opinion (审核与审批分离)."""
    _require(actor, Permission.approve)
    record = _pending_submission(session, actor, submission_id, "审批通过")
    review = _review_of(session, submission_id)
    if review is None:
        raise Conflict("请先起草审核意见，再审批通过。", code="review_not_drafted")
    _check_version(review, expected_version, submission_id)
    if any(v.author_id == actor.id and v.action in ("draft", "edit") for v in review.versions):
        raise Forbidden(
            "审核与审批须由不同人员完成：您起草或修改过该审核意见，不能再由您审批通过。",
            code="separation_of_duties",
        )
    record.status = "approved"
    version = _add_version(session, review, actor=actor, action="approve", comment=comment)
    record_audit(
        session,
        actor=actor.username,
        action="review.approve",
        submission_id=submission_id,
        details={"version": version.version, "comment": comment, "status": "approved", "grade": record.grade},
    )
    return review


def return_review(
    *,
    session: Session,
    actor: User,
    submission_id: int,
    comment: str,
    knowledge_base: Any = None,
    chat_model: Any = None,
    opinion: ReviewOpinion | None = None,
    expected_version: int | None = None,
) -> ReviewRecord:
    """退回修改: the comment is required and reaches the submitter with the opinion (drafted first if
    there is none yet; `opinion` is that draft when the caller prepared it outside the transaction)."""
    _require(actor, Permission.review)
    if not (comment or "").strip():
        raise UserError("退回修改必须填写退回意见（comment）。", code="comment_required")
    record = _pending_submission(session, actor, submission_id, "退回修改")
    review = _review_of(session, submission_id)
    if review is None:
        if opinion is None:
            opinion = draft_opinion(
                Submission.model_validate(record.canonical),
                latest_precheck(session, submission_id=submission_id),
                kb=knowledge_base,
                llm=chat_model,
            )
        review = _write_draft(session, actor=actor, submission_id=submission_id, review=None, opinion=opinion)
    else:
        _check_version(review, expected_version, submission_id)
    record.status = "returned"
    version = _add_version(session, review, actor=actor, action="return", comment=comment.strip())
    record_audit(
        session,
        actor=actor.username,
        action="review.return",
        submission_id=submission_id,
        details={"version": version.version, "comment": comment.strip(), "status": "returned"},
    )
    return review
