"""The review workflow as plain keyword-only service functions (no HTTP).

submit → automatic precheck → draft opinion → reviewer edits → approve or return (退回修改);
a resubmission is linked to the one it replaces, with the diff of findings. Every step is
stored with who, when and what changed (records + the append-only audit log).
"""

from __future__ import annotations

import difflib
from typing import Any

from pydantic import BaseModel
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from assistant.auth import Permission, can_view_submission, has_permission, role_zh
from assistant.labels import STATUS_ZH
from assistant.models import CheckResult, Finding, Submission
from assistant.opinion import draft_opinion
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


def run_precheck(submission: Submission) -> CheckResult:
    from assistant.checks import check_submission

    return check_submission(submission)


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
        grade=result.grade.value,
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
    *, session: Session, submitter: User, submission: Submission, callback_url: str | None = None
) -> SubmissionRecord:
    """Store a submission and its automatic precheck; status 待审."""
    _require(submitter, Permission.submit)
    result = run_precheck(submission)
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
) -> SubmissionRecord:
    """A corrected version of a pending or returned submission, linked to it with the findings diff."""
    previous = get_submission(session, viewer=submitter, submission_id=previous_id)
    if previous.submitter_id != submitter.id:
        raise Forbidden("只有原提交单位可以重新报送该项目。")
    if previous.superseded_by_id is not None:
        raise Conflict(
            f"申报 #{previous_id} 已被 #{previous.superseded_by_id} 替代，请在最新版本上重新报送。",
            code="invalid_state",
        )
    if previous.status == "approved":
        raise Conflict(f"申报 #{previous_id} 已审核通过，不能再重新报送。", code="invalid_state")
    result = run_precheck(submission)
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


def get_submission(session: Session, *, viewer: User, submission_id: int) -> SubmissionRecord:
    """The record if the viewer may see it; otherwise NotFound (a submitter cannot probe others' ids)."""
    record = session.get(SubmissionRecord, submission_id)
    if record is None or not can_view_submission(viewer, record):
        raise NotFound(f"申报 #{submission_id} 不存在或无权查看。", code="submission_not_found")
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


def _review_of(session: Session, submission_id: int) -> ReviewRecord | None:
    return session.scalar(select(ReviewRecord).where(ReviewRecord.submission_id == submission_id))


# ---- the opinion ----------------------------------------------------------------------------


def _require(user: User, permission: Permission) -> None:
    if not has_permission(user, permission):
        raise Forbidden(f"当前角色（{role_zh(user.role)}）无权执行此操作。")


def _pending_submission(session: Session, actor: User, submission_id: int) -> SubmissionRecord:
    record = get_submission(session, viewer=actor, submission_id=submission_id)
    if record.superseded_by_id is not None:
        raise Conflict(
            f"申报 #{submission_id} 已被重新报送的 #{record.superseded_by_id} 替代。", code="invalid_state"
        )
    if record.status != "pending":
        raise Conflict(
            f"申报 #{submission_id} 当前状态为“{STATUS_ZH[record.status]}”，不能再修改审核意见。",
            code="invalid_state",
        )
    return record


def _add_version(
    session: Session, review: ReviewRecord, *, actor: User, action: str, comment: str | None
) -> ReviewVersion:
    number = len(review.versions) + 1
    version = ReviewVersion(
        review=review,
        version=number,
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


def draft_review(
    *, session: Session, actor: User, submission_id: int, knowledge_base: Any = None, chat_model: Any = None
) -> ReviewRecord:
    """(Re)draft the 审核意见 from the stored precheck; the grade is the rules' grade."""
    _require(actor, Permission.review)
    record = _pending_submission(session, actor, submission_id)
    opinion = draft_opinion(
        Submission.model_validate(record.canonical),
        latest_precheck(session, submission_id=submission_id),
        kb=knowledge_base,
        llm=chat_model,
    )
    text, opinion_json = render_opinion_text(opinion), opinion.model_dump(mode="json")
    review = _review_of(session, submission_id)
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
            "grade": opinion.grade.value,
            "mode": opinion.mode,
            "findings": len(opinion.findings()),
        },
    )
    return review


def edit_review(
    *, session: Session, actor: User, submission_id: int, text: str, comment: str | None = None
) -> ReviewRecord:
    """A reviewer's edit of the opinion text, stored as a new version with the changed lines audited."""
    _require(actor, Permission.review)
    _pending_submission(session, actor, submission_id)
    review = get_review(session, viewer=actor, submission_id=submission_id)
    new_text = (text or "").strip()
    if not new_text:
        raise UserError("审核意见正文不能为空。", code="empty_text")
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
    *, session: Session, actor: User, submission_id: int, comment: str | None = None
) -> ReviewRecord:
    _require(actor, Permission.approve)
    record = _pending_submission(session, actor, submission_id)
    review = _review_of(session, submission_id)
    if review is None:
        raise Conflict("请先起草审核意见，再审批通过。", code="review_not_drafted")
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
) -> ReviewRecord:
    """退回修改: the comment is required and reaches the submitter with the opinion."""
    _require(actor, Permission.review)
    if not (comment or "").strip():
        raise UserError("退回修改必须填写退回意见（comment）。", code="comment_required")
    record = _pending_submission(session, actor, submission_id)
    review = _review_of(session, submission_id)
    if review is None:
        review = draft_review(
            session=session,
            actor=actor,
            submission_id=submission_id,
            knowledge_base=knowledge_base,
            chat_model=chat_model,
        )
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
