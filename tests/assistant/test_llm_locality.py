"""数据不出域: a model endpoint outside loopback and the configured private hosts is refused (at startup and
at first use) with a Chinese message unless explicitly allowed; the health route says where text goes.

Address literals need no DNS; `localhost` resolves from /etc/hosts; `*.invalid` never resolves (RFC 6761).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import review_env
from support.review_env import rules_only_settings

from assistant.llm import EndpointRefused, endpoint_label, llm_endpoint, make_chat_model

CHINESE = re.compile(r"[\u4e00-\u9fff]")
starter_index = review_env.starter_index  # the session's indexed starter pack, as the fixture `starter_index`


def _settings(tmp_path: Path, url: str | None, **extra):
    return rules_only_settings(tmp_path, llm_base_url=url, llm_model="qwen2.5-7b" if url else None, **extra)


@pytest.mark.parametrize(
    ("url", "label"),
    [
        ("http://127.0.0.1:8001/v1", "大模型：127.0.0.1 本机"),
        ("http://localhost:11434/v1", "大模型：localhost 本机"),
        ("http://[::1]:8001/v1", "大模型：::1 本机"),
    ],
)
def test_loopback_endpoints_are_used(tmp_path, url, label):
    settings = _settings(tmp_path, url)
    place = llm_endpoint(settings)
    assert place is not None and place.kind == "loopback"
    assert endpoint_label(place) == label
    assert make_chat_model(settings) is not None


@pytest.mark.parametrize(
    "url",
    ["http://8.8.8.8/v1", "https://203.0.113.9/v1", "http://10.20.30.40:8000/v1", "http://[2001:db8::1]/v1"],
)
def test_endpoints_outside_the_bureau_are_refused_in_chinese(tmp_path, url):
    settings = _settings(tmp_path, url, llm_api_key="sk-secret-key")
    with pytest.raises(EndpointRefused) as refused:
        make_chat_model(settings)
    message = refused.value.message
    assert CHINESE.search(message) and "数据不出域" in message
    assert "JIXIAO_LLM_PRIVATE_HOSTS" in message and "JIXIAO_LLM_ALLOW_EXTERNAL" in message
    assert "sk-secret-key" not in message


def test_configured_private_hosts_and_networks_are_inside(tmp_path):
    by_network = _settings(tmp_path, "http://10.20.30.40:8000/v1", llm_private_hosts=["10.20.0.0/16"])
    place = llm_endpoint(by_network)
    assert place.kind == "private" and endpoint_label(place) == "大模型：10.20.30.40 内网"
    by_name = _settings(tmp_path, "http://vllm.czj.invalid:8000/v1", llm_private_hosts=["*.czj.invalid"])
    place = llm_endpoint(
        by_name
    )  # listed by the administrator: inside, even though it cannot be resolved here
    assert place.kind == "private" and make_chat_model(by_name) is not None
    other = _settings(tmp_path, "http://10.99.0.1/v1", llm_private_hosts=["10.20.0.0/16"])
    with pytest.raises(EndpointRefused):
        llm_endpoint(other)


def test_an_unresolvable_unlisted_name_is_refused(tmp_path):
    with pytest.raises(EndpointRefused) as refused:
        llm_endpoint(_settings(tmp_path, "https://api.somewhere.invalid/v1"))
    assert "无法解析" in refused.value.message and "数据不出域" in refused.value.message


def test_external_use_needs_the_explicit_setting(tmp_path):
    settings = _settings(tmp_path, "https://203.0.113.9/v1", llm_allow_external=True)
    place = llm_endpoint(settings)
    assert place.kind == "external" and endpoint_label(place) == "大模型：203.0.113.9 外部（已允许外部服务）"
    assert make_chat_model(settings) is not None


def test_rules_only_mode_needs_no_endpoint(tmp_path):
    settings = _settings(tmp_path, None)
    assert llm_endpoint(settings) is None and make_chat_model(settings) is None
    assert endpoint_label(None) == "未配置大模型（规则模式）"


def test_the_service_refuses_to_start_and_health_shows_the_place(tmp_path, starter_index):
    from fastapi.testclient import TestClient
    from support.review_env import seed_starter_index

    from api.app import create_app

    with pytest.raises(EndpointRefused):
        create_app(_settings(tmp_path / "a", "http://8.8.8.8/v1"))
    (tmp_path / "b").mkdir()
    seed_starter_index(starter_index, tmp_path / "b")
    app = create_app(_settings(tmp_path / "b", "http://127.0.0.1:9/v1"))
    try:
        endpoint = TestClient(app).get("/v1/health").json()["llm_endpoint"]
        assert endpoint == {
            "configured": True,
            "host": "127.0.0.1",
            "place": "loopback",
            "place_zh": "本机",
            "label": "大模型：127.0.0.1 本机",
        }
    finally:
        app.state.services.close()
    app = create_app(_settings(tmp_path / "c", None))
    try:
        endpoint = app.state.services.llm_endpoint  # what /v1/health shows
        assert endpoint["configured"] is False and endpoint["label"] == "未配置大模型（规则模式）"
    finally:
        app.state.services.close()


def test_jixiao_serve_stops_with_a_chinese_message(tmp_data_dir, monkeypatch):
    from typer.testing import CliRunner

    from core.settings import get_settings
    from jixiao.cli.main import app

    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", "http://8.8.8.8/v1")
    monkeypatch.setenv("JIXIAO_LLM_MODEL", "deepseek-chat")
    get_settings.cache_clear()
    result = CliRunner().invoke(app, ["serve", "--port", "1"])
    assert result.exit_code == 2
    assert "数据不出域" in result.output and "Traceback" not in result.output
