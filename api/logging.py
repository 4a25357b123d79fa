"""Structured logs: one JSON object per line, each carrying the id of the request it belongs to.

`RequestIdMiddleware` takes the caller's `X-Request-ID` (when it is a short token) or makes one, echoes it
on the response, keeps it in a context variable for every log line written while the request runs (also
in the thread pool and in callbacks queued by it) and writes one access line per request.
`log_config(settings)` is the `logging.config.dictConfig` the server starts with (uvicorn's own loggers
included, its access log replaced by ours).
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.settings import Settings

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str | None] = contextvars.ContextVar("jixiao_request_id", default=None)
_ACCEPTED_ID = re.compile(r"^[A-Za-z0-9._:\-]{1,128}$")
access_log = logging.getLogger("jixiao.access")

# attributes every LogRecord has; anything else was passed as `extra=` and goes into the JSON line
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "taskName", "color_message"}


def current_request_id() -> str | None:
    return _request_id.get()


def bind_request_id(request_id: str | None) -> None:
    """Set the request id of the current thread or task (background workers carry a request's id on)."""
    _request_id.set(request_id)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = _request_id.get()
        return True


class JsonFormatter(logging.Formatter):
    """`{"ts", "level", "logger", "message", "request_id", …extra, "exc"}` on one line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None) or _request_id.get(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and key not in line:
                line[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def log_config(settings: Settings) -> dict[str, Any]:
    """The dictConfig for the server process (and each worker process)."""
    formatter = "json" if settings.log_format == "json" else "text"
    level = settings.log_level.upper()
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"json": {"()": JsonFormatter}, "text": {"()": TextFormatter}},
        "handlers": {
            "stderr": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stderr",
                "formatter": formatter,
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["stderr"], "level": level},
        "loggers": {
            "uvicorn": {"handlers": [], "level": level, "propagate": True},
            "uvicorn.error": {"handlers": [], "level": level, "propagate": True},
            # one access line per request comes from RequestIdMiddleware, with the request id
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
        },
    }


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope.get("headers") or []:
        if name == b"x-request-id":
            text = value.decode("latin-1").strip()
            return text if _ACCEPTED_ID.match(text) else None
    return None


class RequestIdMiddleware:
    """Outermost middleware: request id in, request id out, one access log line."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        token = _request_id.set(request_id)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            access_log.info(
                "%s %s %s",
                scope.get("method"),
                scope.get("path"),
                status,
                extra={
                    "method": scope.get("method"),
                    "path": scope.get("path"),
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                    "client": (scope.get("client") or ("", 0))[0],
                },
            )
            _request_id.reset(token)
