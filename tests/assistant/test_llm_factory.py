"""LLM factory, mode labels, structured output (tool calling and JSON-in-text), prompt files."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import HumanMessage
from pydantic import BaseModel
from support.lang_fixtures import stub, stub_settings  # noqa: F401
from support.openai_stub import StubReply

from assistant.llm import (
    RULES_ONLY_LABEL,
    LLMUnavailable,
    StructuredOutputError,
    invoke_structured,
    make_chat_model,
    mode_label,
    mode_of,
    parse_json_model,
)
from core.settings import Settings, get_settings


class Verdict(BaseModel):
    summary: str
    score: int = 0


def test_unconfigured_means_rules_only(tmp_data_dir: Path) -> None:
    settings = get_settings()
    assert make_chat_model(settings) is None
    assert mode_label(settings) == ("rules-only", "未配置大模型：规则模式，以下为检索到的条文与规则结论")
    assert mode_of(None) == ("rules-only", RULES_ONLY_LABEL)


def test_factory_reads_env(tmp_data_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JIXIAO_LLM_BASE_URL", "http://127.0.0.1:9/v1")
    monkeypatch.setenv("JIXIAO_LLM_MODEL", "qwen2.5-7b-instruct")
    monkeypatch.setenv("JIXIAO_LLM_TIMEOUT_S", "7.5")
    monkeypatch.setenv("JIXIAO_LLM_MAX_RETRIES", "4")
    get_settings.cache_clear()
    settings = get_settings()
    llm = make_chat_model(settings)
    assert llm is not None
    assert llm.model_name == "qwen2.5-7b-instruct"
    assert str(llm.openai_api_base).startswith("http://127.0.0.1:9/v1")
    assert llm.request_timeout == 7.5 and llm.max_retries == 4 and llm.streaming is True
    assert mode_label(settings) == ("llm", "大模型：qwen2.5-7b-instruct")
    assert mode_of(llm) == ("llm", "大模型：qwen2.5-7b-instruct")


def test_blank_base_url_is_not_configured() -> None:
    settings = Settings(llm_base_url="  ", llm_model="m")
    assert make_chat_model(settings) is None


def test_parse_json_model_accepts_fences_and_prose() -> None:
    assert parse_json_model('好的：\n```json\n{"summary": "甲", "score": 2}\n```', Verdict).score == 2
    assert parse_json_model('结果如下 {"summary": "乙"} 以上', Verdict).summary == "乙"
    with pytest.raises(StructuredOutputError):
        parse_json_model("没有JSON", Verdict)
    with pytest.raises(StructuredOutputError):
        parse_json_model('{"score": 1}', Verdict)  # required field missing


def test_structured_output_via_tool_call_on_stub(stub) -> None:  # noqa: F811
    stub.push(StubReply(tool_args={"summary": "工具调用", "score": 3}))
    llm = make_chat_model(stub_settings(stub))
    out = invoke_structured(llm, [HumanMessage(content="评审")], Verdict)
    assert out == Verdict(summary="工具调用", score=3)
    assert len(stub.requests) == 1
    body = stub.requests[0]
    assert body["tools"][0]["function"]["name"] == "Verdict" and body["stream"] is True


def test_structured_output_server_ignores_tools(stub) -> None:  # noqa: F811
    stub.push('```json\n{"summary": "文本里的JSON", "score": 5}\n```')
    out = invoke_structured(make_chat_model(stub_settings(stub)), [HumanMessage(content="x")], Verdict)
    assert out.score == 5 and len(stub.requests) == 1


def test_structured_output_server_rejects_tools(stub) -> None:  # noqa: F811
    stub.push(StubReply(status=400, text="tools not supported"), '{"summary": "退回纯文本", "score": 1}')
    out = invoke_structured(make_chat_model(stub_settings(stub)), [HumanMessage(content="x")], Verdict)
    assert out.summary == "退回纯文本"
    assert "tools" in stub.requests[0] and "tools" not in stub.requests[1]
    assert "JSON Schema" in stub.requests[1]["messages"][-1]["content"]


def test_structured_output_on_model_without_tools() -> None:
    fake = GenericFakeChatModel(messages=iter(['{"summary": "假模型", "score": 9}']))
    assert invoke_structured(fake, [HumanMessage(content="x")], Verdict).score == 9


def test_structured_output_garbage_raises() -> None:
    fake = GenericFakeChatModel(messages=iter(["我拒绝输出JSON"]))
    with pytest.raises(StructuredOutputError):
        invoke_structured(fake, [HumanMessage(content="x")], Verdict)


def test_timeout_is_reported_in_chinese(stub) -> None:  # noqa: F811
    stub.push(StubReply(delay_s=3, text='{"summary": "太慢"}'))
    llm = make_chat_model(stub_settings(stub, llm_timeout_s=0.5))
    start = time.monotonic()
    with pytest.raises(LLMUnavailable) as err:
        invoke_structured(llm, [HumanMessage(content="x")], Verdict)
    assert "超时" in err.value.reason
    assert time.monotonic() - start < 2.5  # no second attempt after a timeout


def test_server_error_is_unavailable(stub) -> None:  # noqa: F811
    stub.push(StubReply(status=500, text="boom"))
    with pytest.raises(LLMUnavailable) as err:
        invoke_structured(make_chat_model(stub_settings(stub)), [HumanMessage(content="x")], Verdict)
    assert "HTTP 500" in err.value.reason


def test_stub_serves_plain_and_streaming(stub) -> None:  # noqa: F811
    from langchain_openai import ChatOpenAI

    stub.push("非流式回答", "流式回答分块")
    plain = ChatOpenAI(base_url=stub.base_url, model="m", api_key="k", max_retries=0, streaming=False)
    assert plain.invoke("问").content == "非流式回答"
    chunks = [c.content for c in make_chat_model(stub_settings(stub)).stream("问")]
    assert "".join(chunks) == "流式回答分块" and len([c for c in chunks if c]) > 1
    assert stub.requests[0].get("stream") in (None, False) and stub.requests[1]["stream"] is True
