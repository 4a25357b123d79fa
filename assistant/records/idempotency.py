"""Idempotency keys for creating requests: the first request with a key stores its response in the same
transaction as the records it created; a repeat with the same key (same user) gets that response back and
creates nothing. The same key sent with a different request is refused (Conflict), never silently
answered with the first request's result."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from assistant.records.models import IdempotencyKey
from core.errors import Conflict

KEY_MAX = 128


def run_once(
    session: Session,
    *,
    user_id: int,
    key: str,
    method: str,
    path: str,
    request_sha256: str,
    create: Callable[[Session], tuple[int, dict[str, Any]]],
) -> tuple[int, dict[str, Any], bool]:
    """(status, response, replayed): the stored response for a known key, else `create(session)` stored."""
    stored = session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.user_id == user_id, IdempotencyKey.key == key)
    )
    if stored is not None:
        if (stored.method, stored.path, stored.request_sha256) != (method, path, request_sha256):
            raise Conflict(
                f"幂等键“{key}”已用于另一个内容不同的请求（{stored.method} {stored.path}），"
                "请为新的请求换一个幂等键。",
                code="idempotency_key_reused",
            )
        return stored.status_code, stored.response, True
    status, response = create(session)
    session.add(
        IdempotencyKey(
            user_id=user_id,
            key=key,
            method=method,
            path=path,
            request_sha256=request_sha256,
            status_code=status,
            response=response,
        )
    )
    session.flush()
    return status, response, False


def is_key_race(exc: BaseException) -> bool:
    """Another request with the same key committed first (PostgreSQL): retrying replays its response."""
    return isinstance(exc, IntegrityError) and "idempotency_keys" in str(exc)
