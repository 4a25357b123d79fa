"""The Idempotency-Key header on POSTs that create: a client that retries after a timeout sends the same
key and gets the first response again (with `Idempotent-Replayed: true`) instead of a second record."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session, sessionmaker

from assistant.records import User, transaction
from assistant.records.idempotency import KEY_MAX, is_key_race, run_once
from core.errors import UserError

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"


def idempotency_key(request: Request) -> str | None:
    raw = request.headers.get(HEADER)
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > KEY_MAX or not key.isascii() or not key.isprintable():
        raise UserError(
            f"请求头 {HEADER} 无效：须为 1–{KEY_MAX} 个可见 ASCII 字符（例如一个 UUID）。",
            code="bad_idempotency_key",
        )
    return key


def fingerprint(*parts: Any) -> str:
    """A digest of what the request asks for (parsed content, not raw bytes: a retried multipart upload
    has a new boundary but asks for the same thing)."""
    data = json.dumps(parts, ensure_ascii=False, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


@dataclass
class Created:
    status: int
    body: dict[str, Any]
    replayed: bool  # True: the stored answer to an earlier request with the same key

    def response(self) -> JSONResponse:
        headers = {REPLAYED: "true"} if self.replayed else {}
        return JSONResponse(self.body, status_code=self.status, headers=headers)


def create_once(
    factory: sessionmaker[Session],
    request: Request,
    *,
    user: User,
    request_sha256: str,
    create: Callable[[Session], tuple[int, dict[str, Any]]],
) -> Created:
    """Run `create` in one transaction, at most once per Idempotency-Key."""
    key = idempotency_key(request)
    if key is None:
        status, body = transaction(factory, create)
        return Created(status, body, replayed=False)

    def work(session: Session) -> tuple[int, dict[str, Any], bool]:
        return run_once(
            session,
            user_id=user.id,
            key=key,
            method=request.method,
            path=request.url.path,
            request_sha256=request_sha256,
            create=create,
        )

    return Created(*transaction(factory, work, retry_on=is_key_race))
