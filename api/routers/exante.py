"""事前绩效评估: the projects that need one, one project's assessment (evidence from the rules run with the
stored 支出标准, the reviewer's scores, comments and conclusion), saving it (审核人员), and the report .docx.

A draft is rebuilt from the submission each time it is read (so a standard added since shows up), with the
reviewer's saved scores, comments, conclusion and texts laid over it; a final (定稿) assessment is kept
exactly as it was decided.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from api.deps import ServicesDep, SessionDep, Staff
from api.routers.standards import check_options
from api.state import AppServices
from assistant import workflow
from assistant.auth import Permission, has_permission, role_zh
from assistant.checks import check_submission
from assistant.exante import (
    DOCX_MEDIA_TYPE,
    Assessment,
    AssessmentInput,
    apply_input,
    build_assessment,
    conclusion_sentence,
    export_assessment_docx,
    needs_assessment,
)
from assistant.models import Submission
from assistant.records import User, transaction
from assistant.records.assessments import AssessmentRecord, assessed_ids, get_assessment, save_assessment
from assistant.records.models import as_utc
from core.errors import Forbidden

router = APIRouter(tags=["事前绩效评估"])


def _fresh(services: AppServices, session: Session, user: User, submission_id: int) -> Assessment:
    record = workflow.get_submission(session, viewer=user, submission_id=submission_id)
    sub = Submission.model_validate(record.canonical)
    result = check_submission(sub, grading=services.grading, **check_options(services, session))
    return build_assessment(sub, result, submission_id=submission_id)


def _stored(record: AssessmentRecord) -> Assessment:
    return Assessment.model_validate(record.data)


def _overlay(fresh: Assessment, saved: Assessment) -> Assessment:
    """The fresh evidence with the reviewer's saved part laid over it."""
    out = fresh.model_copy(deep=True)
    by_key = {d.key: d for d in saved.dimensions}
    for d in out.dimensions:
        if d.key in by_key:
            d.score, d.comment = by_key[d.key].score, by_key[d.key].comment
    out.conclusion, out.adjusted_budget_yuan = saved.conclusion, saved.adjusted_budget_yuan
    out.conclusion_text, out.problems, out.suggestions = (
        saved.conclusion_text,
        saved.problems,
        saved.suggestions,
    )
    return out


def current_assessment(services: AppServices, session: Session, user: User, submission_id: int) -> Assessment:
    fresh = _fresh(services, session, user, submission_id)  # also checks the viewer may see it
    record = get_assessment(session, submission_id)
    if record is None:
        return fresh
    saved = _stored(record)
    out = saved if record.status == "final" else _overlay(fresh, saved)
    return out.model_copy(
        update={
            "status": record.status,
            "version": record.version,
            "assessor": record.assessor,
            "updated_at": as_utc(record.updated_at),
            "stored": True,
        }
    )


def assessment_public(a: Assessment) -> dict[str, Any]:
    data = a.model_dump(mode="json")
    data["total_score"] = a.total_score
    data["suggested_total"] = round(sum(d.suggested_score for d in a.dimensions), 1)
    data["conclusion_sentence"] = conclusion_sentence(a)
    for d, dim in zip(data["dimensions"], a.dimensions, strict=True):
        d["final_score"] = dim.final_score
    return data


@router.get("/exante", summary="事前绩效评估项目：需评估的新增项目和已有评估")
def candidates(user: Staff, services: ServicesDep, session: SessionDep, all: bool = False) -> dict[str, Any]:
    threshold = services.settings.exante_min_budget_wan * 10_000
    stored = assessed_ids(session)
    items = []
    for record in workflow.list_submissions(session, viewer=user, status=None, grade=None, query=None):
        if record.superseded_by_id is not None:
            continue
        sub = Submission.model_validate(record.canonical)
        needed = needs_assessment(sub, threshold)
        saved = stored.get(record.id)
        if not (all or needed or saved):
            continue
        items.append(
            {
                "submission_id": record.id,
                "project": record.project,
                "unit": record.unit,
                "year": record.year,
                "budget_yuan": sub.budget_yuan,
                "project_kind": (sub.model_extra or {}).get("ex_ante", {}).get("project_kind")
                if isinstance((sub.model_extra or {}).get("ex_ante"), dict)
                else sub.project_type,
                "required": needed,
                "status": saved.status if saved else None,
                "conclusion": saved.conclusion if saved else None,
                "total_score": saved.total_score if saved else None,
                "adjusted_budget_yuan": saved.adjusted_budget_yuan if saved else None,
            }
        )
    return {"items": items, "threshold_wan": services.settings.exante_min_budget_wan}


@router.get(
    "/submissions/{submission_id}/exante", summary="一个项目的事前绩效评估（五个方面的证据、评分与结论）"
)
def get_one(submission_id: int, user: Staff, services: ServicesDep, session: SessionDep) -> dict[str, Any]:
    return assessment_public(current_assessment(services, session, user, submission_id))


def _reviewer(user: User) -> None:
    if not has_permission(user, Permission.review):
        raise Forbidden(
            f"当前角色（{role_zh(user.role)}）无权填写事前绩效评估，请由审核人员评估。",
            details={"required": Permission.review.value, "role": user.role},
        )


@router.put("/submissions/{submission_id}/exante", summary="保存事前绩效评估（审核人员；final=true 定稿）")
def save(submission_id: int, body: AssessmentInput, user: Staff, services: ServicesDep) -> dict[str, Any]:
    _reviewer(user)

    def work(session: Session) -> Assessment:
        base = current_assessment(services, session, user, submission_id)
        if base.stored and base.status == "final":  # reopening a final one starts from the fresh evidence
            base = _overlay(_fresh(services, session, user, submission_id), base)
        decided = apply_input(base, body)
        record = save_assessment(
            session,
            submission_id=submission_id,
            data=decided.model_dump(mode="json", exclude={"stored", "version", "updated_at", "assessor"}),
            conclusion=decided.conclusion,
            adjusted_budget_yuan=decided.adjusted_budget_yuan,
            total_score=decided.total_score if decided.scored_by_reviewer else None,
            status=decided.status,
            actor=user.username,
            expected_version=body.version,
        )
        return decided.model_copy(
            update={
                "stored": True,
                "version": record.version,
                "assessor": record.assessor,
                "updated_at": as_utc(record.updated_at),
            }
        )

    return assessment_public(transaction(services.session_factory, work))


@router.get(
    "/submissions/{submission_id}/exante/report.docx",
    summary="导出事前绩效评估报告（Word）",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}},
)
def report(submission_id: int, user: Staff, services: ServicesDep, session: SessionDep) -> Response:
    assessment = current_assessment(services, session, user, submission_id)
    data = export_assessment_docx(assessment)
    filename = f"事前绩效评估报告_{assessment.project[:80]}.docx"
    return Response(
        data,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="exante-{submission_id}.docx"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )
