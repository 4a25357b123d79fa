"""Prometheus metrics at GET /metrics (prometheus-client).

Requests are counted by method, route template (`/v1/submissions/{submission_id}`, never the raw path, so
ids cannot blow up the label set) and status, with a latency histogram; callbacks by outcome with the
queue depth. Each app keeps its own registry. With several worker processes set PROMETHEUS_MULTIPROC_DIR
(an empty directory, cleared before start): each process writes its numbers there and /metrics adds them
up. When `metrics_token` is set, /metrics asks for it as a bearer token.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import error_response

_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class AppMetrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self._local: list[Collector] = []  # per-process collectors (not shared through the multiproc dir)
        self.requests = Counter(
            "jixiao_http_requests",
            "HTTP requests answered, by method, route template and status",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "jixiao_http_request_duration_seconds",
            "Time from request to the end of the response, by method and route template",
            ["method", "route"],
            buckets=_BUCKETS,
            registry=self.registry,
        )
        self.in_progress = Gauge(
            "jixiao_http_requests_in_progress",
            "Requests being served",
            registry=self.registry,
            multiprocess_mode="livesum",
        )

    def exposition(self) -> bytes:
        directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
        if directory:
            from prometheus_client import multiprocess

            merged = CollectorRegistry()
            multiprocess.MultiProcessCollector(merged, path=directory)
            return generate_latest(merged) + generate_latest(self._local_only())
        return generate_latest(self.registry)

    def _local_only(self) -> CollectorRegistry:
        """Collectors that are not process-shared values (the callback queue of this process)."""
        local = CollectorRegistry()
        for collector in self._local:
            local.register(collector)
        return local

    def add_local(self, collector: Collector) -> None:
        self.registry.register(collector)
        self._local.append(collector)


class CallbackCollector(Collector):
    """The callback dispatcher's counts and queue depth, read at scrape time."""

    def __init__(self, dispatcher: Any):
        self._dispatcher = dispatcher

    def collect(self) -> Iterator[Any]:
        stats = self._dispatcher.stats
        outcomes = CounterMetricFamily(
            "jixiao_callbacks", "Precheck callbacks by final outcome (and retries)", labels=["outcome"]
        )
        for outcome in ("sent", "failed", "refused", "dropped", "retried"):
            outcomes.add_metric([outcome], getattr(stats, outcome))
        yield outcomes
        yield GaugeMetricFamily(
            "jixiao_callback_queue_depth", "Callbacks queued or being sent", value=self._dispatcher.depth
        )


def _route_template(scope: Scope) -> str:
    """`/v1/submissions/{submission_id}` for `/v1/submissions/42`: the matched route's path with its
    parameters put back as names (routers included with a prefix keep only their own part in
    `scope["route"]`, so the template is rebuilt from the request path)."""
    path = str(scope.get("path", ""))
    if path.startswith("/static/"):
        return "/static"
    if scope.get("route") is None:
        return "<unmatched>"
    names = {str(value): name for name, value in (scope.get("path_params") or {}).items()}
    if not names:
        return path
    return "/".join(f"{{{names[part]}}}" if part in names else part for part in path.split("/"))


class MetricsMiddleware:
    def __init__(self, app: ASGIApp, *, metrics: AppMetrics):
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") == "/metrics":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            self.metrics.in_progress.dec()
            method, route = scope.get("method", ""), _route_template(scope)
            self.metrics.requests.labels(method, route, str(status)).inc()
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)


def install_metrics(app: FastAPI, metrics: AppMetrics, token: str | None) -> None:
    @app.get("/metrics", include_in_schema=False)
    def metrics_endpoint(request: Request) -> Response:
        if token:
            given = request.headers.get("authorization", "")
            if not secrets.compare_digest(given.encode(), f"Bearer {token}".encode()):
                return error_response(
                    401, "unauthorized", "读取监控指标须提供监控令牌（Authorization: Bearer）。"
                )
        return Response(metrics.exposition(), media_type=CONTENT_TYPE_LATEST)
