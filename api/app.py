"""The FastAPI app factory: records, services (knowledge base, chat model) on app.state, routers
under /v1, Chinese error JSON, the request-size limit and, when present, the web UI at /."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import core
from api.errors import BodySizeLimitMiddleware, install_error_handlers
from api.routers import audit, chat, dashboard, knowledge, reviews, submissions, system, training
from api.state import AppServices
from assistant.checks.grading import load_grading
from assistant.llm import make_chat_model, mode_of
from assistant.records import open_records
from core.settings import Settings, get_settings

log = logging.getLogger("jixiao.api")

API_DESCRIPTION = (
    "绩效目标审核助手 API：提交绩效目标并自动预审、起草与审批审核意见、导出 Word、检索政策条文、问答。"
    "鉴权：请求头 Authorization: Bearer <令牌>（由 `jixiao users token 用户名` 生成）。"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    chat_model = make_chat_model(settings)
    mode, label = mode_of(chat_model)
    services = AppServices(
        settings=settings,
        session_factory=open_records(settings),
        grading=load_grading(settings.grading_file) if settings.grading_file else None,
        chat_model=chat_model,
        mode=mode,
        mode_label=label,
    )

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.warm_up()
        yield
        services.close()

    app = FastAPI(
        title="绩效目标审核助手 API",
        version=core.__version__,
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url="/docs",
        openapi_url="/openapi.json",
    )
    app.state.services = services
    install_error_handlers(app)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=int(settings.max_upload_mb * 1024 * 1024),
        limit_mb=settings.max_upload_mb,
    )
    for module in (system, submissions, reviews, audit, knowledge, chat, training, dashboard):
        app.include_router(module.router, prefix="/v1")
    _mount_ui_if_present(app)
    return app


def _mount_ui_if_present(app: FastAPI) -> None:
    try:
        from api.ui import mount_ui
    except ImportError:
        log.info("api.ui not present; serving the API only")
        return
    mount_ui(app)
