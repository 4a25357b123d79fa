"""Submissions: submit (JSON or file), list, detail, resubmit, the stored precheck report, and the
stateless precheck endpoint."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, PlainTextResponse

from api.deps import CurrentUser, ServicesDep, SessionDep, Submitter
from api.idempotency import create_once, fingerprint
from api.intake import Intake, read_intake
from api.routers.standards import check_options
from api.schemas import check_result_public, submission_detail, submission_summary
from assistant import workflow
from assistant.export_docx import precheck_report
from assistant.records import SubmissionRecord, read_scope
from core.errors import UserError

router = APIRouter(tags=["申报与预审"])
INLINE_PRECHECK_MAX = 5

_BODY_DOC = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {"description": "规范 JSON：一个申报对象、对象列表或 {submissions: [...]}"}
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "file": {"type": "array", "items": {"type": "string", "format": "binary"}},
                        "callback_url": {"type": "string"},
                    },
                }
            },
        },
    }
}


def _detail(session, record: SubmissionRecord) -> dict[str, Any]:
    return submission_detail(record, workflow.latest_precheck(session, submission_id=record.id))


def _schedule_callbacks(
    background: BackgroundTasks, services, details: list[dict[str, Any]], url: str | None
) -> None:
    if not url:
        return
    for item in details:  # a bounded queue with its own threads (api/callbacks.py), never this request's
        services.callbacks.enqueue(url=url, submission_id=item["id"], precheck=item["precheck"])


def _intake_fingerprint(intake: Intake, *extra: Any) -> str:
    return fingerprint([s.canonical() for s in intake.submissions], intake.callback_url, *extra)


@router.post(
    "/submissions",
    status_code=201,
    summary="提交绩效目标（自动预审；可带 Idempotency-Key 请求头防止重复提交）",
    openapi_extra=_BODY_DOC,
)
async def create_submissions(
    request: Request, user: Submitter, services: ServicesDep, background: BackgroundTasks
) -> JSONResponse:
    intake: Intake = await read_intake(request)

    def store(session) -> tuple[int, dict[str, Any]]:
        records = [
            workflow.submit(
                session=session,
                submitter=user,
                submission=s,
                callback_url=intake.callback_url,
                grading=services.grading,
                **check_options(services, session),
            )
            for s in intake.submissions
        ]
        items = [_detail(session, r) for r in records]
        return 201, {"items": items, "errors": [i.model_dump() for i in intake.issues]}

    created = await run_in_threadpool(
        create_once,
        services.session_factory,
        request,
        user=user,
        request_sha256=_intake_fingerprint(intake),
        create=store,
    )
    if not created.replayed:
        _schedule_callbacks(background, services, created.body["items"], intake.callback_url)
    return created.response()


@router.get("/submissions", summary="申报列表（提交单位只看到自己的）")
def list_submissions(
    user: CurrentUser,
    session: SessionDep,
    status: Literal["pending", "returned", "approved"] | None = None,
    grade: Literal["优", "良", "中", "差"] | None = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> dict[str, Any]:
    records = workflow.list_submissions(session, viewer=user, status=status, grade=grade, query=q)
    return {"items": [submission_summary(r) for r in records]}


@router.get("/submissions/{submission_id}", summary="申报详情与预审结果")
def get_submission(submission_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    return _detail(session, workflow.get_submission(session, viewer=user, submission_id=submission_id))


@router.post(
    "/submissions/{submission_id}/resubmit",
    status_code=201,
    summary="退回修改后重新报送（每个被退回的申报只能重新报送一次；可带 Idempotency-Key）",
    openapi_extra=_BODY_DOC,
)
async def resubmit(
    submission_id: int,
    request: Request,
    user: Submitter,
    services: ServicesDep,
    background: BackgroundTasks,
) -> JSONResponse:
    intake = await read_intake(request)
    if len(intake.submissions) != 1:
        raise UserError(
            f"重新报送只能包含一个项目，本次读取到 {len(intake.submissions)} 个。",
            code="one_submission_expected",
        )

    def store(session) -> tuple[int, dict[str, Any]]:
        record = workflow.resubmit(
            session=session,
            submitter=user,
            previous_id=submission_id,
            submission=intake.submissions[0],
            callback_url=intake.callback_url,
            grading=services.grading,
            **check_options(services, session),
        )
        return 201, _detail(session, record)

    created = await run_in_threadpool(
        create_once,
        services.session_factory,
        request,
        user=user,
        request_sha256=_intake_fingerprint(intake, submission_id),
        create=store,
    )
    if not created.replayed:
        item = created.body
        callback_url = intake.callback_url or _stored_callback(services, user, item["id"])
        _schedule_callbacks(background, services, [item], callback_url)
    return created.response()


def _stored_callback(services, user, submission_id: int) -> str | None:
    with read_scope(services.session_factory) as session:
        return workflow.get_submission(session, viewer=user, submission_id=submission_id).callback_url


@router.get("/submissions/{submission_id}/precheck", summary="预审报告（JSON 或 Markdown）")
def get_precheck(
    submission_id: int, user: CurrentUser, session: SessionDep, format: Literal["json", "markdown"] = "json"
):
    workflow.get_submission(session, viewer=user, submission_id=submission_id)
    result = workflow.latest_precheck(session, submission_id=submission_id)
    if format == "markdown":
        text, media_type = precheck_report(result, "markdown")
        return PlainTextResponse(text, media_type=media_type)
    return check_result_public(result)


@router.post("/prechecks", summary="即时预审（不保存）", openapi_extra=_BODY_DOC)
async def precheck(request: Request, _user: CurrentUser, services: ServicesDep) -> dict[str, Any]:
    intake = await read_intake(request)
    with read_scope(services.session_factory) as session:  # the stored 支出标准 library
        options = check_options(services, session)
    # the rules take about a millisecond per submission: cheaper inline than a thread hop
    if len(intake.submissions) <= INLINE_PRECHECK_MAX:
        results = [workflow.run_precheck(s, grading=services.grading, **options) for s in intake.submissions]
    else:
        results = await run_in_threadpool(
            lambda: [
                workflow.run_precheck(s, grading=services.grading, **options) for s in intake.submissions
            ]
        )
    return {
        "submissions": [check_result_public(r) for r in results],
        "errors": [i.model_dump() for i in intake.issues],
    }
