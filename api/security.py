"""What every request and response passes through: security headers, the hostile-input guard, the data
directory's permissions, and the API docs (off by default; when on, behind login and without any CDN).

- `SecurityHeadersMiddleware`: CSP (same origin only, no framing by other sites), nosniff,
  X-Frame-Options, no referrer, and `Cache-Control: no-store` on API answers, on EVERY response
  (errors and static files included).
- `RequestGuardMiddleware`: a path or query number beyond 64-bit (an id of 10^23) is a 422, not a
  database overflow; a JSON body nested deeper than `max_json_depth` is a 400 before it is parsed; a lone
  surrogate anywhere in a JSON body is a 400 naming the field; NUL and other control or invisible
  characters in JSON strings are removed at the edge (so nothing stored can break a .docx export later).
- `secure_data_dir`: the data directory 0700, the SQLite database 0600, and the process umask 077 so
  every file the service writes (uploads, indexes, exports) is readable by its own user only.
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import Depends, FastAPI
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse
from sqlalchemy.engine import make_url
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.deps import CurrentUser
from api.errors import error_response, user_error_response
from core.errors import NotFound, UserError
from core.settings import Settings
from ingest.targets.limits import clean_str, json_text_depth

# Everything a page loads comes from this origin; a stray CDN link or an injected inline script fails.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'self'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"SAMEORIGIN"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
INT64_MAX = 2**63 - 1
INTERNAL_ERROR_MESSAGE = "服务器内部错误，已记录日志，请稍后重试或联系管理员。"
log = logging.getLogger("jixiao.api")


class OutOfRange(UserError):
    status = 422
    default_code = "number_out_of_range"


class SecurityHeadersMiddleware:
    """The headers on every response, and the last-resort Chinese 500 (an unhandled exception would
    otherwise be answered by Starlette's outermost layer, outside every middleware, without them)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_api = str(scope.get("path", "")).startswith("/v1/")
        started = False

        async def send_with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if is_api and b"cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        except Exception:
            if started:
                raise
            log.exception("unhandled error")
            response = error_response(500, "internal_error", INTERNAL_ERROR_MESSAGE)
            await response(scope, receive, send_with_headers)


# --- hostile input --------------------------------------------------------------------------------------

_INT_TEXT = re.compile(r"^[+-]?\d{19,}$")
# escapes or raw characters that make a JSON body worth walking: controls, invisibles, surrogates, long ints
_SUSPECT = re.compile(
    r"\\u(?:00[0-1]|007f|008|009|00ad|061c|180e|200[b-f]|202[a-e]|206|feff|d[89a-f])|\d{19,}"
    "|[\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]",
    re.IGNORECASE,
)
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_JSON_METHODS = {"POST", "PUT", "PATCH"}


def _too_big(text: str) -> bool:
    return bool(_INT_TEXT.match(text)) and abs(int(text)) > INT64_MAX


def _number_problem(scope: Scope) -> OutOfRange | None:
    for segment in str(scope.get("path", "")).split("/"):
        if _too_big(segment):
            return OutOfRange(
                f"路径中的编号“{segment[:30]}”超出有效范围（最大 {INT64_MAX}），对应的记录不存在。",
                code="id_out_of_range",
            )
    query = scope.get("query_string", b"").decode("latin-1")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if _too_big(value.strip()):
            return OutOfRange(
                f"查询参数 {name[:40]} 的数值“{value[:30]}”超出有效范围（最大 {INT64_MAX}）。",
                code="number_out_of_range",
            )
    return None


def _field_name(path: list[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "请求体"


def clean_json(value: Any, max_int: int = INT64_MAX) -> tuple[Any, bool]:
    """The value with every string cleaned (controls, invisibles removed); whether anything changed.
    Raises UserError on a lone surrogate or an integer beyond 64 bits (naming the field). Iterative: the
    depth was bounded before parsing, but no recursion is needed anyway."""
    changed = False
    root: list[Any] = [value]
    stack: list[tuple[Any, Any, list[str | int]]] = [(root, 0, [])]
    while stack:
        parent, key, path = stack.pop()
        item = parent[key]
        if isinstance(item, str):
            if _LONE_SURROGATE.search(item):
                raise UserError(
                    f"请求体字段“{_field_name(path)}”含有无效的 Unicode 字符（孤立的代理码位），"
                    "请检查数据来源的字符编码（应为 UTF-8）后重新提交。",
                    code="invalid_unicode",
                    details={"field": _field_name(path)},
                )
            cleaned = clean_str(item)
            if cleaned != item:
                parent[key], changed = cleaned, True
        elif isinstance(item, bool) or item is None or isinstance(item, float):
            continue
        elif isinstance(item, int):
            if abs(item) > max_int:
                raise UserError(
                    f"请求体字段“{_field_name(path)}”的数值超出有效范围（最大 {max_int}）。",
                    code="number_out_of_range",
                    details={"field": _field_name(path)},
                )
        elif isinstance(item, list):
            stack.extend((item, i, [*path, i]) for i in range(len(item)))
        elif isinstance(item, dict):
            for name in list(item):
                if _LONE_SURROGATE.search(name) or clean_str(name) != name:
                    raise UserError(
                        "请求体中的字段名含有控制字符或无效的 Unicode 字符，请检查后重新提交。",
                        code="invalid_unicode",
                    )
                stack.append((item, name, [*path, name]))
    return root[0], changed


def _content_type(scope: Scope) -> str:
    for name, value in scope.get("headers") or []:
        if name == b"content-type":
            return value.decode("latin-1").lower()
    return ""


class RequestGuardMiddleware:
    """Refuse or clean hostile input before any router sees it (see the module docstring)."""

    def __init__(self, app: ASGIApp, *, max_json_depth: int):
        self.app, self.max_json_depth = app, max_json_depth

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = _number_problem(scope)
        if problem is not None:
            await user_error_response(problem)(scope, receive, send)
            return
        content_type = _content_type(scope)
        is_json = content_type.startswith("application/json") or content_type.split(";")[0].endswith("+json")
        if scope.get("method") not in _JSON_METHODS or not is_json:
            await self.app(scope, receive, send)
            return
        try:
            body, more = await _read_body(receive)
            body = self._guard_json(body)
        except UserError as exc:
            await user_error_response(exc)(scope, receive, send)
            return
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await more()

        headers = [(k, v) for k, v in scope.get("headers", []) if k != b"content-length"]
        headers.append((b"content-length", str(len(body)).encode()))
        await self.app({**scope, "headers": headers}, replay, send)

    def _guard_json(self, body: bytes) -> bytes:
        try:
            text = body.decode("utf-8-sig")
        except UnicodeDecodeError:
            return body  # the router answers with its own message about the encoding
        if json_text_depth(text, self.max_json_depth) > self.max_json_depth:
            raise UserError(
                f"请求体的 JSON 嵌套超过 {self.max_json_depth} 层，已拒绝（一份申报只需 4 层左右）。",
                code="json_too_deep",
                details={"max_depth": self.max_json_depth},
            )
        if not _SUSPECT.search(text):
            return body
        try:
            data = json.loads(text)
        except (ValueError, RecursionError):
            return body  # invalid JSON: the router's own 400/422 names the line and column
        data, changed = clean_json(data)
        return json.dumps(data, ensure_ascii=False).encode("utf-8") if changed else body


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body (its size is bounded by BodySizeLimitMiddleware outside), and the receive
    channel for what comes after it (a disconnect)."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), receive


# --- the data directory ---------------------------------------------------------------------------------


def secure_data_dir(settings: Settings) -> None:
    """The data dir 0700 (made if missing), the SQLite database created 0600 before SQLAlchemy opens it
    (its -wal/-shm files take the database's mode), and the umask 077 for everything written later."""
    os.umask(0o077)
    data_dir = settings.data_dir
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    _chmod(data_dir, 0o700)
    url = make_url(settings.resolved_database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return
    db = Path(url.database)
    db.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    if not db.exists():
        os.close(os.open(db, os.O_CREAT | os.O_WRONLY, 0o600))
    for path in (db, Path(f"{db}-wal"), Path(f"{db}-shm"), Path(f"{db}-journal")):
        if path.exists():
            _chmod(path, 0o600)


def _chmod(path: Path, mode: int) -> None:
    try:
        if stat.S_IMODE(path.stat().st_mode) != mode:
            path.chmod(mode)
    except OSError:  # not ours to change (a mounted volume): the umask still covers new files
        pass


# --- API docs -------------------------------------------------------------------------------------------

_DOCS_DIR = Path(__file__).resolve().parent / "static" / "docs"
_SWAGGER_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")


def swagger_dir() -> Path | None:
    """Swagger UI's files from the swagger-ui-bundle package (no CDN), or None when it is not installed."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    path = Path(swagger_ui_bundle.swagger_ui_path)
    return path if all((path / name).is_file() for name in _SWAGGER_FILES) else None


def install_docs(app: FastAPI, settings: Settings) -> None:
    """/openapi.json for logged-in users and /docs (the local Swagger UI, which fetches the schema with
    the token the web UI stored at login). Off unless settings.api_docs; ReDoc is never served (it has
    no local copy)."""
    if not settings.api_docs:
        return

    @app.get("/openapi.json", include_in_schema=False)
    def openapi_schema(_user: CurrentUser) -> JSONResponse:
        return JSONResponse(app.openapi())

    assets = swagger_dir()

    @app.get("/docs", include_in_schema=False)
    def docs_page() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(_DOCS_UNAVAILABLE, headers={"Cache-Control": "no-cache"})
        return HTMLResponse((_DOCS_DIR / "index.html").read_text(encoding="utf-8"))

    @app.get("/docs/init.js", include_in_schema=False)
    def docs_init() -> FileResponse:
        return FileResponse(_DOCS_DIR / "init.js", media_type="text/javascript; charset=utf-8")

    @app.get("/docs/assets/{name}", include_in_schema=False)
    def docs_asset(name: Annotated[str, Depends(_swagger_asset_name)]) -> Any:
        if assets is None:
            return error_response(404, "not_found", "接口文档的界面文件未安装。")
        return FileResponse(assets / name, headers={"Cache-Control": "public, max-age=86400"})


def _swagger_asset_name(name: str) -> str:
    if name not in _SWAGGER_FILES:
        raise NotFound("请求的资源不存在。")
    return name


_DOCS_UNAVAILABLE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<title>接口文档</title></head><body>
<p>本机未安装 Swagger UI 的本地文件（Python 包 swagger-ui-bundle），接口文档页面不可用。</p>
<p>已登录用户可直接读取接口描述：GET /openapi.json（请求头 Authorization: Bearer &lt;令牌&gt;）。</p>
</body></html>"""
