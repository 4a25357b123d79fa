"""Error JSON for the API: `{"error": {"code", "message" (Chinese), "details"}}`, never a traceback.

One family: services and routers raise `core.errors.UserError` subclasses, each carrying its HTTP status
(`NotFound` 404, `Conflict` 409 …); one handler turns any of them into the JSON above. Framework errors
(unknown route, wrong method, validation) get the same shape with a Chinese message.

Also the request-size limit (settings.max_upload_mb → 413), enforced on the raw ASGI stream so a
body without Content-Length is cut off too.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.records.db import BUSY_MESSAGE, is_busy
from core.errors import PayloadTooLarge, UserError

log = logging.getLogger("jixiao.api")


def error_body(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def error_response(
    status: int, code: str, message: str, details: dict[str, Any] | None = None
) -> JSONResponse:
    return JSONResponse(error_body(code, message, details), status_code=status)


def user_error_response(exc: UserError) -> JSONResponse:
    return error_response(exc.status, exc.code, exc.message, exc.public_details())


def body_too_large_message(limit_mb: float) -> str:
    return f"请求体超过上限 {limit_mb:g} MB，请拆分文件后再提交。"


class BodyTooLarge(PayloadTooLarge, HTTPException):
    """Raised from the receive channel while a body streams in. Also an HTTPException, so FastAPI's
    body parsing re-raises it as is instead of turning it into a generic 400."""

    def __init__(self, limit_mb: float):
        message = body_too_large_message(limit_mb)
        PayloadTooLarge.__init__(self, message, details={"limit_mb": limit_mb})
        self.status_code, self.detail, self.headers = PayloadTooLarge.status, message, None


_STATUS_CODES = {
    400: ("bad_request", "请求无效。"),
    401: ("unauthorized", "未登录或令牌无效，请在请求头提供 Authorization: Bearer <令牌>。"),
    403: ("forbidden", "当前角色无权执行此操作。"),
    404: ("not_found", "请求的资源不存在。"),
    405: ("method_not_allowed", "不支持该请求方法。"),
    409: ("conflict", "当前状态下不能执行此操作。"),
    413: ("payload_too_large", "请求体过大。"),
    415: ("unsupported_media_type", "不支持的内容类型。"),
    422: ("validation_error", "请求参数校验失败。"),
}


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors():
        item = {"loc": [str(p) for p in err.get("loc", ())], "type": err.get("type"), "msg": err.get("msg")}
        limit = (err.get("ctx") or {}).get("max_length")
        if err.get("type") == "string_too_long" and isinstance(limit, int):
            item["max_length"] = limit
        details.append(item)
    return details


def _field(detail: dict[str, Any]) -> str:
    return ".".join(detail["loc"][1:] or detail["loc"])


def _validation_message(details: list[dict[str, Any]]) -> str:
    if details and all("max_length" in d for d in details):  # over-long text: say the limit
        limits = "、".join(f"{_field(d)} 超过长度上限 {d['max_length']} 字" for d in details)
        return f"请求参数校验失败：{limits}，请精简后重新提交。"
    fields = "、".join(dict.fromkeys(_field(d) for d in details)) or "请求体"
    return f"请求参数校验失败：{fields} 缺失或格式不正确。"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(UserError)
    async def _user_error(_request: Request, exc: UserError) -> JSONResponse:
        return user_error_response(exc)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        return error_response(422, "validation_error", _validation_message(details), {"errors": details})

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code, default = _STATUS_CODES.get(exc.status_code, ("http_error", "请求失败。"))
        message = exc.detail if isinstance(exc.detail, str) and _is_chinese(exc.detail) else default
        return error_response(exc.status_code, code, message)

    @app.exception_handler(DBAPIError)
    async def _database(_request: Request, exc: DBAPIError) -> JSONResponse:
        """Safety net under `records.transaction`: a lost race is a 409, a busy database a 503."""
        if isinstance(exc, IntegrityError):
            log.warning("integrity error reached the API: %s", exc)
            return error_response(409, "conflict", "该记录刚被其他请求修改，本次操作未执行，请刷新后重试。")
        if is_busy(exc):
            log.warning("database busy: %s", exc)
            return error_response(503, "database_busy", BUSY_MESSAGE)
        log.exception("database error", exc_info=exc)
        return error_response(500, "internal_error", "服务器内部错误，已记录日志，请稍后重试或联系管理员。")

    @app.exception_handler(Exception)
    async def _internal(_request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal_error", "服务器内部错误，已记录日志，请稍后重试或联系管理员。")


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= c <= "\u9fff" for c in text)


class BodySizeLimitMiddleware:
    """Reject bodies over the limit: early by Content-Length, else while streaming."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, limit_mb: float):
        self.app, self.max_bytes, self.limit_mb = app, max_bytes, limit_mb

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await user_error_response(BodyTooLarge(self.limit_mb))(scope, receive, send)
            return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise BodyTooLarge(self.limit_mb)
            return message

        await self.app(scope, limited_receive, send)
