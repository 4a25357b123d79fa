"""The round dashboard (本轮审核总览): statistics and the project table of the current submissions, a batch
upload that matches re-uploaded projects to their earlier versions, the 汇总表 and a zip of opinions, bulk
approval, and the 整改闭环 of one submission. The domain work is assistant.rounds'; this is HTTP only."""

from __future__ import annotations

import tempfile
from pathlib import Path, PurePath
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import Response
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from api.deps import Approver, CurrentUser, ServicesDep, SessionDep, Submitter
from api.routers.standards import check_options
from api.schemas import finding_public
from assistant import rounds
from assistant.batch.report_xlsx import DEFAULT_TITLE, write_report
from assistant.records import read_scope
from assistant.records.models import as_utc
from core.errors import UnsupportedMediaType, UserError

router = APIRouter(tags=["本轮审核总览"])

ECHARTS_FILE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "echarts.common.min.js"
UPLOAD_SUFFIXES = (".json", ".xlsx", ".xlsm", ".xls", ".docx", ".pdf", ".zip")
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
GRADE_CHOICES = ("优", "良", "中", "差", rounds.NO_GRADE)


class TableQuery(BaseModel):
    year: int | None = None
    unit: str | None = None
    grade: str | None = None
    code: str | None = None
    status: str | None = None
    review: str | None = None
    min_wan: float | None = None
    max_wan: float | None = None
    q: str | None = None
    resubmitted: bool | None = None

    def filter(self) -> rounds.TableFilter:
        return rounds.TableFilter(
            unit=self.unit or None,
            grade=self.grade or None,
            code=self.code or None,
            status=self.status or None,
            review=self.review or None,
            min_wan=self.min_wan,
            max_wan=self.max_wan,
            query=(self.q or "").strip() or None,
            resubmitted=self.resubmitted,
        )


def table_query(
    year: Annotated[int | None, Query(ge=1990, le=2100, description="预算年度（轮次）")] = None,
    unit: Annotated[str | None, Query(max_length=200, description="单位（完整名称）")] = None,
    grade: Annotated[str | None, Query(description="预审等级：优、良、中、差或未评级")] = None,
    code: Annotated[str | None, Query(max_length=64, description="问题代码，如 VAGUE_VALUE")] = None,
    status: Annotated[str | None, Query(description="状态：pending、returned、approved")] = None,
    review: Annotated[
        str | None, Query(description="审核意见：none、draft、edit、return、approve 或 approvable（可审批）")
    ] = None,
    min_wan: Annotated[float | None, Query(ge=0, description="预算下限（万元）")] = None,
    max_wan: Annotated[float | None, Query(ge=0, description="预算上限（万元）")] = None,
    q: Annotated[str | None, Query(max_length=100, description="项目、单位或编号中的文字")] = None,
    resubmitted: Annotated[bool | None, Query(description="只看重新报送（整改）的项目")] = None,
) -> TableQuery:
    if grade and grade not in GRADE_CHOICES:
        raise UserError(f"等级“{grade}”无效，可选：{'、'.join(GRADE_CHOICES)}。", code="bad_grade")
    if status and status not in ("pending", "returned", "approved"):
        raise UserError(f"状态“{status}”无效，可选：pending、returned、approved。", code="bad_status")
    if review and review not in (*rounds.REVIEW_STATES, "approvable"):
        raise UserError(
            f"审核意见状态“{review}”无效，可选：{'、'.join(rounds.REVIEW_STATES)}、approvable。",
            code="bad_review_state",
        )
    if min_wan is not None and max_wan is not None and min_wan > max_wan:
        raise UserError("预算下限不能大于上限。", code="bad_amount_range")
    return TableQuery(
        year=year,
        unit=unit,
        grade=grade,
        code=code,
        status=status,
        review=review,
        min_wan=min_wan,
        max_wan=max_wan,
        q=q,
        resubmitted=resubmitted,
    )


TableQueryDep = Annotated[TableQuery, Depends(table_query)]
Sort = Annotated[
    str,
    Query(pattern=r"^-?(id|budget|grade|unit)$", description="排序：id、budget、grade、unit，前加 - 为倒序"),
]


@router.get("/dashboard", summary="本轮审核总览：统计、图表数据、筛选项和项目表第一页")
def dashboard(
    user: CurrentUser,
    session: SessionDep,
    query: TableQueryDep,
    sort: Sort = "id",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=rounds.PAGE_MAX)] = 50,
) -> dict[str, Any]:
    facts, stats, facets = rounds.overview(session, viewer=user, year=query.year)
    return {
        "year": query.year,
        "stats": stats,
        "facets": facets,
        "table": rounds.table(facts, query.filter(), sort=sort, offset=offset, limit=limit),
        "charts": {"available": ECHARTS_FILE.is_file(), "script": "/static/vendor/echarts.common.min.js"},
    }


@router.get("/dashboard/projects", summary="本轮项目表（按单位、等级、问题、状态、金额筛选）")
def projects(
    user: CurrentUser,
    session: SessionDep,
    query: TableQueryDep,
    sort: Sort = "id",
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=rounds.PAGE_MAX)] = 50,
) -> dict[str, Any]:
    facts = rounds.load_facts(session, viewer=user, year=query.year)
    return rounds.table(facts, query.filter(), sort=sort, offset=offset, limit=limit)


# ---- upload ---------------------------------------------------------------------------------------------


@router.post(
    "/dashboard/upload",
    summary="批量上传本轮申报文件（.json .xlsx .xls .docx .pdf 或 .zip，可多个；同一项目再次上传记为新版本）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "array", "items": {"type": "string", "format": "binary"}}
                        },
                    }
                }
            },
        }
    },
)
async def upload(request: Request, user: Submitter, services: ServicesDep) -> dict[str, Any]:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType(
            "请以 multipart/form-data 上传申报文件（字段名 file，可多个）。", code="multipart_expected"
        )
    form = await request.form()
    uploads = [v for key in ("file", "files") for v in form.getlist(key) if isinstance(v, UploadFile)]
    if not uploads:
        raise UserError("请选择要上传的申报文件（字段名 file）。", code="file_missing")
    files: list[dict[str, Any]] = []
    refused_types = 0
    for upload_file in uploads:
        name = PurePath(upload_file.filename or "未命名文件").name
        if not name.lower().endswith(UPLOAD_SUFFIXES):
            refused_types += 1
            files.append(_file_error(name, _type_message(name), "unsupported_file_type"))
            continue
        data = await upload_file.read()
        files.extend(await run_in_threadpool(_place_file, services, user, name, data))
    if refused_types == len(uploads):
        raise UnsupportedMediaType(
            files[0]["error"] if len(files) == 1 else "所选文件的类型均不受支持：" + _type_hint(),
            code="unsupported_file_type",
            details={"files": [f["file"] for f in files]},
        )
    counts = dict.fromkeys(("new", "version", "resubmitted", "same", "refused"), 0)
    for f in files:
        for item in f["items"]:
            counts[item["outcome"]] += 1
    return {"files": files, "counts": counts, "unreadable": sum(1 for f in files if f["error"])}


def _type_hint() -> str:
    return "只接受 .json、.xlsx、.xls、.docx、.pdf 申报文件，或把它们打包成 .zip。"


def _type_message(name: str) -> str:
    return f"文件“{name}”的类型不受支持：{_type_hint()}"


def _file_error(name: str, message: str, code: str) -> dict[str, Any]:
    return {"file": name, "items": [], "issues": [], "error": message, "code": code}


def _place_file(services, user, name: str, data: bytes) -> list[dict[str, Any]]:
    """Each file read (a .zip gives its members), its submissions stored one by one."""
    from ingest.targets import ImportLimits, load_file_parts

    if not data:
        return [_file_error(name, f"文件“{name}”是空文件。", "empty_file")]
    out: list[dict[str, Any]] = []
    with read_scope(services.session_factory) as session:  # the stored 支出标准 library, read once
        options = check_options(services, session)
    for part in load_file_parts(data, name, ImportLimits.from_settings(services.settings)):
        result = part.result
        items = rounds.place_uploads(
            services.session_factory,
            submitter=user,
            file=part.name,
            submissions=result.submissions,
            grading=services.grading,
            check_options=options,
        )
        issues = [i.model_dump() for i in result.issues]
        error = None
        if not result.submissions:
            error = (
                "；".join(str(i) for i in result.issues[:3]) or f"文件“{part.name}”中没有可识别的申报项目。"
            )
        out.append(
            {
                "file": part.name,
                "items": [i.as_dict() for i in items],
                "issues": issues,
                "error": error,
                "code": "no_submissions" if error else None,
            }
        )
    return out


# ---- exports --------------------------------------------------------------------------------------------


def _attachment(data: bytes, media_type: str, filename: str, ascii_name: str) -> Response:
    return Response(
        data,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{ascii_name}"; '
            f"filename*=UTF-8''{quote(filename)}"
        },
    )


@router.get(
    "/dashboard/export.xlsx",
    summary="导出审核结果汇总表（.xlsx，按当前筛选）",
    response_class=Response,
    responses={200: {"content": {XLSX_MEDIA_TYPE: {}}}},
)
def export_xlsx(user: CurrentUser, services: ServicesDep, query: TableQueryDep) -> Response:
    with read_scope(services.session_factory) as session:
        ids = rounds.filtered_ids(session, viewer=user, flt=query.filter(), year=query.year)
        if not ids:
            raise UserError("当前筛选条件下没有项目，无法导出。", code="nothing_to_export")
        rows = [row for row, _ in rounds.export_rows(session, viewer=user, ids=ids)]
    title = f"{query.year}年度{DEFAULT_TITLE}" if query.year else DEFAULT_TITLE
    with tempfile.TemporaryDirectory(prefix="jixiao-export-") as tmp:
        path = Path(tmp) / "report.xlsx"
        write_report(path, rows, title=title)
        data = path.read_bytes()
    return _attachment(data, XLSX_MEDIA_TYPE, "审核结果汇总表.xlsx", "summary.xlsx")


@router.get(
    "/dashboard/opinions.zip",
    summary="打包下载审核意见（.docx，按当前筛选；已起草的用当前版本，未起草的为规则草稿）",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
)
def export_opinions(user: CurrentUser, services: ServicesDep, query: TableQueryDep) -> Response:
    with read_scope(services.session_factory) as session:
        ids = rounds.filtered_ids(session, viewer=user, flt=query.filter(), year=query.year)
        if not ids:
            raise UserError("当前筛选条件下没有项目，无法导出。", code="nothing_to_export")
        rows = rounds.export_rows(session, viewer=user, ids=ids)
        data, count = rounds.opinions_zip(session, rows)
    if not count:
        raise UserError("当前筛选的项目都未能预审，没有可导出的审核意见。", code="nothing_to_export")
    return _attachment(data, "application/zip", "审核意见.zip", "opinions.zip")


# ---- bulk approval ----------------------------------------------------------------------------------------


class ApproveManyBody(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=rounds.BULK_MAX, description="要审批通过的申报编号")
    comment: str | None = Field(default=None, max_length=2000, description="审批意见（每项相同）")


@router.post("/dashboard/approve", summary="批量审批通过（逐项走审批流程，逐项记录；失败的单独列出）")
def approve_many(body: ApproveManyBody, user: Approver, services: ServicesDep) -> dict[str, Any]:
    outcomes = rounds.approve_many(
        services.session_factory,
        actor=user,
        submission_ids=body.ids,
        comment=(body.comment or "").strip() or None,
    )
    return {
        "approved": sum(1 for o in outcomes if o.ok),
        "failed": sum(1 for o in outcomes if not o.ok),
        "items": [o.as_dict() for o in outcomes],
    }


# ---- 整改闭环 --------------------------------------------------------------------------------------


@router.get("/submissions/{submission_id}/review-state", summary="审核意见是否已起草（版本号与最近一步）")
def review_state(submission_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    return rounds.review_state(session, viewer=user, submission_id=submission_id)


def _findings(items) -> list[dict[str, Any]]:
    return [finding_public(f.model_dump(mode="json")) for f in items]


@router.get(
    "/submissions/{submission_id}/closure", summary="整改闭环：与上一版相比已整改、仍存在和新出现的问题"
)
def closure(submission_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    report = rounds.closure_report(session, viewer=user, submission_id=submission_id)
    return {
        "id": report.current.id,
        "previous_id": report.previous.id if report.previous else None,
        "chain": [
            {
                "id": r.id,
                "version": r.version,
                "grade": r.grade,
                "status": r.status,
                "findings": r.findings_count,
                "created_at": as_utc(r.created_at).isoformat() if r.created_at else None,
                "current": r.id == report.current.id,
                "latest": r.superseded_by_id is None,
            }
            for r in report.chain
        ],
        "fixed": _findings(report.fixed),
        "remaining": _findings(report.remaining),
        "new": _findings(report.new),
        "since_first": report.since_first.as_dict() if report.since_first else None,
    }
