"""GET /v1/health, GET /v1/labels and GET /v1/me."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter, Response

import core
from api.deps import CurrentUser, ServicesDep
from assistant.auth import permissions_of, role_zh
from assistant.labels import labels_public

router = APIRouter(tags=["系统"])
log = logging.getLogger("jixiao.api")


@router.get("/health", summary="服务状态与模式（规则模式/大模型）")
def health(services: ServicesDep) -> dict[str, Any]:
    """Never waits for the knowledge base: while it loads, status is "starting" and counts are null."""
    counts: dict[str, Any] = {"documents": None, "clauses": None}
    status, message = "ok", None
    kb = services.knowledge_base_if_open()
    if kb is None:
        services.warm_up()
        status, message = "starting", "知识库正在加载（首次启动需建立入门知识索引），检索与问答稍后可用。"
    else:
        try:
            counts = kb.stats()
        except Exception:
            log.exception("knowledge base unavailable")
            status, message = "degraded", "知识库暂不可用，请查看服务日志。"
    return {
        "status": status,
        "message": message,
        "version": core.__version__,
        "mode": services.mode,
        "mode_label": services.mode_label,
        "llm_endpoint": services.llm_endpoint,  # where text is sent: 规则模式 / 本机 / 内网 (UI badge)
        "documents": counts.get("documents"),
        "clauses": counts.get("clauses"),
    }


@router.get("/labels", summary="界面用语：等级、严重程度、审核方面、状态、角色、权限、单元格名称")
def labels(response: Response) -> dict[str, Any]:
    """Public (no token): the words only, the same ones the opinion and the Word export use."""
    response.headers["Cache-Control"] = "public, max-age=300"
    return labels_public()


@router.get("/me", summary="当前用户、角色与权限")
def me(user: CurrentUser) -> dict[str, Any]:
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_zh": role_zh(user.role),
        "permissions": sorted(p.value for p in permissions_of(user.role)),
    }
