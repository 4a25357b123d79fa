"""GET /v1/health and GET /v1/me."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter

import jixiao
from api.deps import CurrentUser, ServicesDep
from assistant.auth import permissions_of, role_zh

router = APIRouter(tags=["系统"])
log = logging.getLogger("jixiao.api")


@router.get("/health", summary="服务状态与模式（规则模式/大模型）")
def health(services: ServicesDep) -> dict[str, Any]:
    counts: dict[str, Any] = {"documents": None, "clauses": None}
    status = "ok"
    try:
        counts = services.knowledge_base().stats()
    except Exception:  # noqa: BLE001 — health must answer even when the index cannot be opened
        log.exception("knowledge base unavailable")
        status = "degraded"
    return {"status": status, "version": getattr(jixiao, "__version__", "0.1.0"), "mode": services.mode,
            "mode_label": services.mode_label, "documents": counts.get("documents"),
            "clauses": counts.get("clauses")}


@router.get("/me", summary="当前用户、角色与权限")
def me(user: CurrentUser) -> dict[str, Any]:
    return {"username": user.username, "display_name": user.display_name, "role": user.role,
            "role_zh": role_zh(user.role), "permissions": sorted(p.value for p in permissions_of(user.role))}
