"""GET /v1/audit: the append-only log (staff only). There is no route that changes it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from api.deps import SessionDep, Staff
from assistant.records import list_audit

router = APIRouter(tags=["审计"])


@router.get("/audit", summary="审计日志（只追加）")
def audit(
    _user: Staff,
    session: SessionDep,
    submission_id: int | None = None,
    limit: Annotated[int, Query(ge=1, le=5000)] = 500,
) -> list[dict[str, Any]]:
    return list_audit(session, submission_id=submission_id, limit=limit)
