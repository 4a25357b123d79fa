"""Headers on every response, API docs off by default (and, when on, behind login without a CDN), request
ids in responses and log lines, Prometheus metrics, owner-only data files — against the real app."""

from __future__ import annotations

import io
import json
import logging
import logging.config
import re
import stat
from pathlib import Path

import pytest
from support.review_env import build_env

HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "SAMEORIGIN",
}


@pytest.fixture()
def env(tmp_path: Path):
    env = build_env(tmp_path / "var", None)
    yield env
    env.app.state.services.close()


@pytest.fixture()
def docs_env(tmp_path: Path):
    env = build_env(tmp_path / "var", None, api_docs=True)
    yield env
    env.app.state.services.close()


def _assert_secure(response, what: str) -> None:
    for name, value in HEADERS.items():
        assert response.headers.get(name) == value, (what, name, dict(response.headers))
    csp = response.headers.get("content-security-policy", "")
    assert "frame-ancestors 'self'" in csp and "default-src 'self'" in csp, what
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp, what


def test_every_response_carries_the_security_headers(env, monkeypatch):
    client, token = env.client, env.headers("unit1")
    cases = {
        "ui page": client.get("/"),
        "static asset": client.get("/static/js/app.js"),
        "labels": client.get("/v1/labels"),
        "unauthorized": client.get("/v1/me"),
        "not found": client.get("/v1/nope"),
        "validation": client.get("/v1/submissions/abc", headers=token),
        "bad json": client.post(
            "/v1/prechecks", content=b"{", headers={**token, "content-type": "application/json"}
        ),
        "too large (declared)": client.post(
            "/v1/prechecks",
            content=b"x",
            headers={**token, "content-type": "application/json", "content-length": str(10**10)},
        ),
        "metrics": client.get("/metrics"),
    }

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom at /secret/path")

    monkeypatch.setattr("api.routers.system.role_zh", broken)
    cases["unhandled error"] = client.get("/v1/me", headers=token)
    for what, response in cases.items():
        _assert_secure(response, what)
    crash = cases["unhandled error"]
    assert crash.status_code == 500 and "服务器内部错误" in crash.json()["error"]["message"]
    assert "secret" not in crash.text and crash.headers.get("x-request-id")
    assert cases["too large (declared)"].status_code == 413
    assert cases["labels"].headers["cache-control"].startswith("public")  # a route's own caching is kept
    assert cases["unauthorized"].headers["cache-control"] == "no-store"  # API answers are not cached


def test_api_docs_are_off_by_default(env):
    for path in ("/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"):
        response = env.client.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["message"] == "请求的资源不存在。"


def test_api_docs_when_on_need_login_and_load_nothing_from_elsewhere(docs_env):
    client = docs_env.client
    anonymous = client.get("/openapi.json")
    assert anonymous.status_code == 401 and "令牌" in anonymous.json()["error"]["message"]
    schema = client.get("/openapi.json", headers=docs_env.headers("unit1"))
    assert schema.status_code == 200 and "/v1/submissions" in schema.json()["paths"]
    page = client.get("/docs")
    assert page.status_code == 200
    _assert_secure(page, "docs page")
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # no CDN, no other origin
    assert "<script>" not in page.text  # no inline script: the CSP forbids it
    sources = re.findall(r"(?:src|href)=\"([^\"]+)\"", page.text)
    assert sources and all(s.startswith("/docs/") for s in sources)
    for source in sources:
        asset = client.get(source)
        assert asset.status_code == 200 and len(asset.content) > 100, source
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert "SwaggerUIBundle" in bundle.text
    assert client.get("/docs/assets/..%2F..%2Fsecurity.py").status_code == 404
    assert client.get("/docs/assets/index.html").status_code == 404  # only the three files it needs
    assert client.get("/redoc").status_code == 404


# --- request ids and logs -----------------------------------------------------------------------------


@pytest.fixture()
def json_log_lines():
    from api.logging import JsonFormatter, RequestIdFilter

    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in buffer.getvalue().splitlines() if line.strip()]
    root.removeHandler(handler)
    root.setLevel(old_level)


def test_request_id_is_echoed_or_made_and_in_every_log_line_of_the_request(env, json_log_lines, monkeypatch):
    given = env.client.get("/v1/labels", headers={"X-Request-ID": "yth-20250101-0001"})
    assert given.headers["x-request-id"] == "yth-20250101-0001"
    made = env.client.get("/v1/labels")
    assert re.fullmatch(r"[0-9a-f]{32}", made.headers["x-request-id"])
    hostile = env.client.get("/v1/labels", headers={"X-Request-ID": 'x" injected {'})
    assert re.fullmatch(r"[0-9a-f]{32}", hostile.headers["x-request-id"])  # replaced, not echoed

    def broken(*_args, **_kwargs):
        logging.getLogger("jixiao.test").warning("inside the handler (thread pool)")
        raise RuntimeError("boom")

    monkeypatch.setattr("api.routers.system.role_zh", broken)
    crash = env.client.get("/v1/me", headers={**env.headers("unit1"), "X-Request-ID": "req-crash-1"})
    assert crash.status_code == 500 and crash.headers["x-request-id"] == "req-crash-1"
    lines = json_log_lines()
    mine = [line for line in lines if line["request_id"] == "req-crash-1"]
    loggers = {line["logger"] for line in mine}
    assert {"jixiao.test", "jixiao.api", "jixiao.access"} <= loggers, mine
    access = next(line for line in mine if line["logger"] == "jixiao.access")
    assert access["status"] == 500 and access["path"] == "/v1/me" and access["duration_ms"] >= 0
    assert all({"ts", "level", "logger", "message", "request_id"} <= set(line) for line in lines)
    crash_line = next(line for line in mine if line["logger"] == "jixiao.api")
    assert "RuntimeError" in crash_line["exc"]
    assert any(line["request_id"] == "yth-20250101-0001" for line in lines)


def test_log_config_is_json_with_the_request_id_filter(tmp_path):
    from support.review_env import rules_only_settings

    from api.logging import log_config

    config = log_config(rules_only_settings(tmp_path))
    handler = config["handlers"]["stderr"]
    assert handler["formatter"] == "json" and handler["filters"] == ["request_id"]
    assert config["loggers"]["uvicorn.access"]["propagate"] is False
    logging.config.dictConfig({**config, "root": {"handlers": [], "level": "WARNING"}})


# --- metrics ------------------------------------------------------------------------------------------


def test_metrics_count_requests_by_route_template(env):
    client = env.client
    for sid in (1, 2, 3):
        client.get(f"/v1/submissions/{sid}", headers=env.headers("unit1"))
    client.get("/v1/labels")
    body = client.get("/metrics").text
    assert (
        'jixiao_http_requests_total{method="GET",route="/v1/submissions/{submission_id}",status="404"} 3.0'
        in body
    )
    assert 'jixiao_http_requests_total{method="GET",route="/v1/labels",status="200"} 1.0' in body
    assert "jixiao_http_request_duration_seconds_bucket" in body
    assert 'jixiao_callbacks_total{outcome="sent"} 0.0' in body and "jixiao_callback_queue_depth 0.0" in body
    assert "/v1/submissions/1" not in body  # ids never become labels


def test_metrics_can_require_a_token(tmp_path):
    env = build_env(tmp_path / "var", None, metrics_token="scrape-secret")
    try:
        refused = env.client.get("/metrics")
        assert refused.status_code == 401 and "监控令牌" in refused.json()["error"]["message"]
        wrong = env.client.get("/metrics", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        ok = env.client.get("/metrics", headers={"Authorization": "Bearer scrape-secret"})
        assert ok.status_code == 200 and "jixiao_http_requests_total" in ok.text
    finally:
        env.app.state.services.close()


# --- data files ---------------------------------------------------------------------------------------


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_is_0700_and_the_files_the_service_writes_are_0600(tmp_path, data_dir_shared):
    data_dir = tmp_path / "var"
    data_dir.mkdir(mode=0o755)
    env = build_env(data_dir, None)
    try:
        form = (data_dir_shared / "targets_form_D07.xlsx").read_bytes()
        xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        response = env.client.post(
            "/v1/submissions", files={"file": ("D07.xlsx", form, xlsx)}, headers=env.headers("unit1")
        )
        assert response.status_code == 201, response.text
        assert _mode(data_dir) == 0o700
        db = data_dir / "jixiao.sqlite3"
        assert _mode(db) == 0o600
        for extra in ("jixiao.sqlite3-wal", "jixiao.sqlite3-shm"):
            if (data_dir / extra).exists():
                assert _mode(data_dir / extra) == 0o600, extra
        written = data_dir / "later.txt"
        written.write_text("x")  # anything the process writes from now on (uploads, indexes, exports)
        assert _mode(written) == 0o600
    finally:
        env.app.state.services.close()
