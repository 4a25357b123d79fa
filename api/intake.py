"""Reading a submission request body: canonical JSON, or multipart `file`(s) of any kind the CLI reads
(.json, .xlsx / .xls, .docx, text PDF, or a .zip of them), with the settings' import limits."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from api.callbacks import check_callback_url
from assistant.models import Submission
from core.errors import ImportIssue, UnsupportedMediaType, UserError

if TYPE_CHECKING:
    from ingest.targets import ImportLimits

# what `jixiao check` and the dashboard upload read (api/routers/dashboard.py UPLOAD_SUFFIXES, a test holds
# them together)
ACCEPTED_SUFFIXES = (".json", ".xlsx", ".xlsm", ".xls", ".docx", ".pdf", ".zip")
ACCEPTED_ZH = (
    ".json（规范 JSON）、.xlsx / .xls（申报表或一体化系统导出）、.docx 申报表、文字版 .pdf，"
    "或它们的 .zip 压缩包"
)


@dataclass
class Intake:
    submissions: list[Submission] = field(default_factory=list)
    issues: list[ImportIssue] = field(default_factory=list)
    callback_url: str | None = None


async def read_intake(request: Request) -> Intake:
    """Submissions and import issues from the body; raises UserError (400) or UnsupportedMediaType (415)
    when nothing is usable."""
    content_type = request.headers.get("content-type", "").lower()
    if content_type.startswith("multipart/form-data"):
        intake = await _from_multipart(request)
    elif content_type.startswith("application/json") or content_type.endswith("+json"):
        intake = _from_json_bytes(await request.body(), source="请求体", limits=_limits(request))
    else:
        raise UnsupportedMediaType(
            "不支持的内容类型：请以 application/json 提交规范 JSON，"
            f"或以 multipart/form-data 上传申报文件（字段名 file）：{ACCEPTED_ZH}。",
            details={"content_type": content_type or None},
        )
    intake.callback_url = check_callback_url(
        request.query_params.get("callback_url") or intake.callback_url,
        request.app.state.services.settings,
    )
    if not intake.submissions:
        raise UserError(
            _nothing_usable_message(intake.issues),
            code="no_submissions",
            details={"errors": [i.model_dump() for i in intake.issues]},
        )
    return intake


def _nothing_usable_message(issues: list[ImportIssue]) -> str:
    if issues:
        return "未能读取到任何申报项目：" + "；".join(str(i) for i in issues[:5])
    return "未能读取到任何申报项目：请求中没有项目。"


async def _from_multipart(request: Request) -> Intake:
    form = await request.form()
    uploads = [v for key in ("file", "files") for v in form.getlist(key) if isinstance(v, UploadFile)]
    if not uploads:
        raise UserError(f"请以 multipart 字段 file 上传申报文件：{ACCEPTED_ZH}。", code="file_missing")
    intake = Intake(callback_url=_form_text(form.get("callback_url")))
    limits = _limits(request)
    for upload in uploads:
        name = PurePath(upload.filename or "未命名文件").name
        if not name.lower().endswith(ACCEPTED_SUFFIXES):
            raise UnsupportedMediaType(
                f"文件“{name}”的类型不受支持：只接受 {ACCEPTED_ZH}。",
                code="unsupported_file_type",
                details={"file": name},
            )
        data = await upload.read()
        result = await run_in_threadpool(_import_file, name, data, limits)  # openpyxl must not block the loop
        intake.submissions.extend(result.submissions)
        intake.issues.extend(result.issues)
    return intake


def _limits(request: Request) -> ImportLimits:
    """The import limits of the app's settings (zip members and sizes, cells, rows, field lengths)."""
    from ingest.targets import ImportLimits

    return ImportLimits.from_settings(request.app.state.services.settings)


def _form_text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _import_file(name: str, data: bytes, limits: ImportLimits):
    from ingest.targets import load_submissions_bytes

    if not data:
        raise UserError(f"文件“{name}”是空文件。", code="empty_file", details={"file": name})
    try:
        return load_submissions_bytes(data, name, limits)
    except UserError as exc:  # the importer's own error (its status kept), named after the upload
        if name not in exc.message:
            exc.message = f"文件“{name}”无法读取：{exc.message}"
        exc.details = {**(exc.details or {}), "file": name}
        raise


def _from_json_bytes(body: bytes, *, source: str, limits: ImportLimits) -> Intake:
    from ingest.targets import parse_submissions_json

    try:
        data = json.loads(body.decode("utf-8-sig")) if body else None
    except UnicodeDecodeError as exc:
        raise UserError(f"{source}不是 UTF-8 编码的 JSON。", code="bad_encoding") from exc
    except json.JSONDecodeError as exc:
        raise UserError(
            f"{source}不是有效的 JSON：第{exc.lineno}行第{exc.colno}列附近{exc.msg}。",
            code="bad_json",
            details={"line": exc.lineno, "column": exc.colno},
        ) from exc
    if data is None:
        raise UserError(
            f'{source}为空：请提交一个申报对象、对象列表或 {{"submissions": [...]}}。', code="empty_body"
        )
    result = parse_submissions_json(data, source=source, limits=limits)
    return Intake(submissions=list(result.submissions), issues=list(result.issues))
