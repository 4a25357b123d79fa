"""The FastAPI app factory: records, services (knowledge base, chat model) on app.state, routers
under /v1, Chinese error JSON, the request-size limit and, when present, the web UI at /.

Every request passes (outermost first): request id and access log (api/logging.py), security headers
and the last-resort Chinese 500 (api/security.py), metrics (api/metrics.py), the body-size limit, and the
hostile-input guard. API docs are off unless settings.api_docs (then behind login, no CDN)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

import core
from api.callbacks import CallbackDispatcher
from api.errors import BodySizeLimitMiddleware, install_error_handlers
from api.ingest_jobs import IngestWorker
from api.logging import RequestIdMiddleware, bind_request_id, current_request_id
from api.metrics import AppMetrics, CallbackCollector, MetricsMiddleware, install_metrics
from api.routers import (
    audit,
    chat,
    dashboard,
    exante,
    knowledge,
    reviews,
    standards,
    submissions,
    system,
    training,
)
from api.security import RequestGuardMiddleware, SecurityHeadersMiddleware, install_docs, secure_data_dir
from api.state import AppServices
from assistant.checks.grading import load_grading
from assistant.llm import endpoint_public, llm_endpoint, make_chat_model, mode_of
from assistant.records import open_records
from core.settings import Settings, get_settings

log = logging.getLogger("jixiao.api")

API_DESCRIPTION = (
    "绩效目标审核助手 API：提交绩效目标并自动预审、起草与审批审核意见、导出 Word、检索政策条文、问答。"
    "鉴权：请求头 Authorization: Bearer <令牌>（由 `jixiao users token 用户名` 生成）。"
)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    secure_data_dir(settings)
    endpoint = llm_endpoint(settings)  # 数据不出域: refuses an outside model endpoint unless allowed
    chat_model = make_chat_model(settings)
    mode, label = mode_of(chat_model)
    services = AppServices(
        settings=settings,
        session_factory=open_records(settings),
        grading=load_grading(settings.grading_file) if settings.grading_file else None,
        chat_model=chat_model,
        mode=mode,
        mode_label=label,
        llm_endpoint=endpoint_public(endpoint),
    )
    services.callbacks = CallbackDispatcher(
        settings, services.session_factory, request_id=current_request_id, bind_request_id=bind_request_id
    )
    services.ingest_worker = IngestWorker(
        services, lease_s=settings.job_lease_s, max_attempts=settings.job_max_attempts
    )
    metrics = AppMetrics()
    metrics.add_local(CallbackCollector(services.callbacks))

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        services.warm_up()
        services.ingest_worker.start()  # takes over queued jobs and those of a crashed worker
        yield
        services.close()

    app = FastAPI(
        title="绩效目标审核助手 API",
        version=core.__version__,
        description=API_DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    app.state.services = services
    install_error_handlers(app)
    # added innermost first: the guard reads bodies the size limit has already bounded
    app.add_middleware(RequestGuardMiddleware, max_json_depth=settings.max_json_depth)
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=int(settings.max_upload_mb * 1024 * 1024),
        limit_mb=settings.max_upload_mb,
    )
    app.add_middleware(MetricsMiddleware, metrics=metrics)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_metrics(app, metrics, settings.metrics_token)
    install_docs(app, settings)
    routers = (system, submissions, reviews, audit, knowledge, chat, training, dashboard, standards, exante)
    for module in routers:
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
