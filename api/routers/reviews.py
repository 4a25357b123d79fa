"""The 审核意见: draft, read, edit, approve, return (退回修改), export as Word.

Each change is one locked transaction (`records.transaction` around a `workflow` function); the slow
part of drafting (retrieval, a model's prose) runs before it, outside any lock. Responses carry the
opinion's version as `version` and as the `ETag` header; a change may send it back (`If-Match: "3"` or
`"version": 3` in the body) and is refused with 409 when someone else changed the opinion meanwhile."""

from __future__ import annotations

import re
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, Response

from api.deps import Approver, CurrentUser, Reviewer, ServicesDep, SessionDep
from api.schemas import ApproveBody, DraftBody, EditReviewBody, ReturnBody, review_public
from api.state import AppServices
from assistant import workflow
from assistant.export_docx import DOCX_MEDIA_TYPE, export_review_docx
from assistant.opinion_models import ReviewOpinion
from assistant.records import User, read_scope, transaction
from core.errors import UserError

router = APIRouter(prefix="/reviews", tags=["审核意见"])
KB_WAIT_S = 15.0  # how long a draft waits for a knowledge base that is still loading
IfMatch = Annotated[str | None, Header(description='审核意见的版本号，例如 "3"（GET 响应的 ETag）')]
_ETAG = re.compile(r'^(?:W/)?"?(\d{1,9})"?$')


def expected_version(if_match: str | None, body_version: int | None) -> int | None:
    """The version the client based its change on: If-Match wins over the body's `version`."""
    if if_match is None or if_match.strip() == "*":
        return body_version
    found = _ETAG.match(if_match.strip())
    if found is None:
        raise UserError(
            f'请求头 If-Match 无效（“{if_match[:40]}”）：应为审核意见的版本号，例如 "3"。',
            code="bad_if_match",
        )
    return int(found.group(1))


def _public(session, user: User, submission_id: int, response: Response) -> dict[str, Any]:
    record = workflow.get_submission(session, viewer=user, submission_id=submission_id)
    review = workflow.get_review(session, viewer=user, submission_id=submission_id)
    data = review_public(record, review)
    response.headers["ETag"] = f'"{data["version"]}"'
    return data


def _fresh(services: AppServices, user: User, submission_id: int, response: Response) -> dict[str, Any]:
    """The opinion as committed, read in a new session (after the write transaction)."""
    with read_scope(services.session_factory) as session:
        return _public(session, user, submission_id, response)


def _prepare(services: AppServices, user: User, submission_id: int) -> ReviewOpinion:
    """The draft, made before any lock; without the clause texts (and saying so) while the knowledge
    base is still loading, rather than holding the request for minutes."""
    knowledge_base = services.knowledge_base_within(KB_WAIT_S)
    with read_scope(services.session_factory) as session:
        return workflow.prepare_opinion(
            session,
            actor=user,
            submission_id=submission_id,
            knowledge_base=knowledge_base,
            chat_model=services.chat_model,
            knowledge_loading=knowledge_base is None,
        )


@router.post("/{submission_id}/draft", summary="起草审核意见（重新起草须注明当前版本）")
def draft(
    submission_id: int,
    user: Reviewer,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
    body: DraftBody | None = None,
) -> dict[str, Any]:
    version = expected_version(if_match, body.version if body else None)
    opinion = _prepare(services, user, submission_id)
    transaction(
        services.session_factory,
        lambda session: workflow.draft_review(
            session=session,
            actor=user,
            submission_id=submission_id,
            opinion=opinion,
            expected_version=version,
        ),
    )
    return _fresh(services, user, submission_id, response)


@router.get("/{submission_id}", summary="审核意见及其版本历史")
def get_review(
    submission_id: int, user: CurrentUser, session: SessionDep, response: Response
) -> dict[str, Any]:
    return _public(session, user, submission_id, response)


@router.put("/{submission_id}", summary="修改审核意见（生成新版本）")
def edit(
    submission_id: int,
    body: EditReviewBody,
    user: Reviewer,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    version = expected_version(if_match, body.version)
    transaction(
        services.session_factory,
        lambda session: workflow.edit_review(
            session=session,
            actor=user,
            submission_id=submission_id,
            text=body.text,
            comment=body.comment,
            expected_version=version,
        ),
    )
    return _fresh(services, user, submission_id, response)


@router.post("/{submission_id}/approve", summary="审批通过（审批人；不能审批自己起草或修改的意见）")
def approve(
    submission_id: int,
    user: Approver,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
    body: ApproveBody | None = None,
) -> dict[str, Any]:
    version = expected_version(if_match, body.version if body else None)
    transaction(
        services.session_factory,
        lambda session: workflow.approve_review(
            session=session,
            actor=user,
            submission_id=submission_id,
            comment=body.comment if body else None,
            expected_version=version,
        ),
    )
    return _fresh(services, user, submission_id, response)


@router.post("/{submission_id}/return", summary="退回修改（审核人员，须填写意见）")
def return_for_revision(
    submission_id: int,
    body: ReturnBody,
    user: Reviewer,
    services: ServicesDep,
    response: Response,
    if_match: IfMatch = None,
) -> dict[str, Any]:
    version = expected_version(if_match, body.version)
    opinion = None
    with read_scope(services.session_factory) as session:
        drafted = workflow.has_review(session, viewer=user, submission_id=submission_id)
    if not drafted:  # returned before any draft: the draft is written first, prepared here outside the lock
        opinion = _prepare(services, user, submission_id)
    transaction(
        services.session_factory,
        lambda session: workflow.return_review(
            session=session,
            actor=user,
            submission_id=submission_id,
            comment=body.comment,
            opinion=opinion,
            expected_version=version,
        ),
    )
    return _fresh(services, user, submission_id, response)


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
    filename = f"审核意见_{(record.project or str(submission_id))[:80]}.docx"
    return Response(
        data,
        media_type=DOCX_MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="review-{submission_id}.docx"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )
