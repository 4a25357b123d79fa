"""The optional precheck callback: POST {event: "precheck.done", …} to the submitter's URL.

Runs after the response (a background task), with a short timeout; any failure is written to the
audit log and never reaches the caller or crashes the service.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from sqlalchemy.orm import Session, sessionmaker

from assistant.records import record_audit, transaction

CALLBACK_TIMEOUT_S = 3.0
log = logging.getLogger("jixiao.api")


def precheck_payload(submission_id: int, precheck: dict[str, Any]) -> dict[str, Any]:
    return {
        "event": "precheck.done",
        "submission_id": submission_id,
        "grade": precheck.get("grade"),
        "findings": precheck.get("findings", []),
    }


def send_precheck_callback(
    session_factory: sessionmaker[Session],
    *,
    url: str,
    submission_id: int,
    precheck: dict[str, Any],
    timeout_s: float = CALLBACK_TIMEOUT_S,
) -> None:
    outcome: dict[str, Any] = {"url": url}
    try:
        response = httpx.post(url, json=precheck_payload(submission_id, precheck), timeout=timeout_s)
        outcome["status_code"] = response.status_code
        action = "callback.sent" if response.is_success else "callback.failed"
        if not response.is_success:
            outcome["error"] = f"回调地址返回 HTTP {response.status_code}"
    except httpx.HTTPError as exc:
        action = "callback.failed"
        outcome["error"] = f"回调失败（{type(exc).__name__}）：{exc}"[:500]
    try:
        transaction(
            session_factory,
            lambda session: record_audit(
                session, actor="system", action=action, submission_id=submission_id, details=outcome
            ),
        )
    except Exception:
        log.exception("could not record callback outcome for submission %s", submission_id)
