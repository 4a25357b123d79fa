"""The 审核意见: draft, read, edit, approve, return (退回修改), export as Word."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from api.deps import Approver, CurrentUser, Reviewer, ServicesDep, SessionDep
from api.schemas import ApproveBody, EditReviewBody, ReturnBody, review_public
from assistant import workflow
from assistant.export_docx import DOCX_MEDIA_TYPE, export_review_docx

router = APIRouter(prefix="/reviews", tags=["审核意见"])


def _public(session, user, submission_id: int) -> dict[str, Any]:
    record = workflow.get_submission(session, viewer=user, submission_id=submission_id)
    review = workflow.get_review(session, viewer=user, submission_id=submission_id)
    return review_public(record, review)


@router.post("/{submission_id}/draft", summary="起草（或重新起草）审核意见")
def draft(submission_id: int, user: Reviewer, session: SessionDep, services: ServicesDep) -> dict[str, Any]:
    workflow.draft_review(
        session=session,
        actor=user,
        submission_id=submission_id,
        knowledge_base=services.knowledge_base(),
        chat_model=services.chat_model,
    )
    return _public(session, user, submission_id)


@router.get("/{submission_id}", summary="审核意见及其版本历史")
def get_review(submission_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    return _public(session, user, submission_id)


@router.put("/{submission_id}", summary="修改审核意见（生成新版本）")
def edit(submission_id: int, body: EditReviewBody, user: Reviewer, session: SessionDep) -> dict[str, Any]:
    workflow.edit_review(
        session=session, actor=user, submission_id=submission_id, text=body.text, comment=body.comment
    )
    return _public(session, user, submission_id)


@router.post("/{submission_id}/approve", summary="审批通过")
def approve(
    submission_id: int, user: Approver, session: SessionDep, body: ApproveBody | None = None
) -> dict[str, Any]:
    workflow.approve_review(
        session=session, actor=user, submission_id=submission_id, comment=body.comment if body else None
    )
    return _public(session, user, submission_id)


@router.post("/{submission_id}/return", summary="退回修改（须填写意见）")
def return_for_revision(
    submission_id: int, body: ReturnBody, user: Reviewer, session: SessionDep, services: ServicesDep
) -> dict[str, Any]:
    workflow.return_review(
        session=session,
        actor=user,
        submission_id=submission_id,
        comment=body.comment,
        knowledge_base=services.knowledge_base(),
        chat_model=services.chat_model,
    )
    return _public(session, user, submission_id)


@router.get(
    "/{submission_id}/export.docx",
    summary="导出审核意见 Word 文件",
    response_class=Response,
    responses={200: {"content": {DOCX_MEDIA_TYPE: {}}}},
)
def export_docx(submission_id: int, user: CurrentUser, session: SessionDep) -> Response:
    """The approved opinion; before approval the file is marked 草稿 and the 审批人 line stays blank."""
    record = workflow.get_submission(session, viewer=user, submission_id=submission_id)
    review = workflow.get_review(session, viewer=user, submission_id=submission_id)
    data = export_review_docx(
        record=record, review=review, precheck=workflow.latest_precheck(session, submission_id=submission_id)
    )
    filename = f"审核意见_{record.project or submission_id}.docx"
    return Response(
        data,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="review-{submission_id}.docx"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )
