"""The LLM factory and the few helpers every language-side feature needs.

Any OpenAI-compatible endpoint (vLLM, Ollama, Xinference, DeepSeek, Qwen) is reached through
LangChain's `ChatOpenAI`. No endpoint configured -> `None` -> rules-only mode. The model only ever
phrases and explains; callers keep the rule data and merge the model's prose into it.

Data stays in the bureau (数据不出域): the endpoint's host must resolve to loopback or to the bureau's own
hosts (`llm_private_hosts`); anything else is refused, with a Chinese message, when the model is made (at
service start and at a command's first use) unless `llm_allow_external` is set.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlparse

from pydantic import BaseModel, ValidationError

from assistant.netpolicy import Place, ResolutionError, place_of
from core.errors import UserError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel
    from langchain_core.messages import BaseMessage

    from core.settings import Settings

RULES_ONLY_MODE = "rules-only"
LLM_MODE = "llm"
RULES_ONLY_LABEL = "未配置大模型：规则模式，以下为检索到的条文与规则结论"
RULES_ONLY_ENDPOINT_LABEL = "未配置大模型（规则模式）"

T = TypeVar("T", bound=BaseModel)


class LLMUnavailable(Exception):
    """The model could not be reached or failed; `reason` is Chinese and shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class StructuredOutputError(Exception):
    """The model answered, but its answer could not be read into the requested pydantic model."""


class EndpointRefused(UserError):
    """The model endpoint is outside the bureau (or cannot be checked) and external use is not allowed."""

    default_code = "llm_endpoint_refused"


def llm_endpoint(settings: Settings) -> Place | None:
    """Where the configured model endpoint is (本机 / 内网 / 外部), None in rules-only mode.

    Raises EndpointRefused when the host resolves outside loopback and `llm_private_hosts` (or does not
    resolve) and `llm_allow_external` is not set."""
    if not settings.llm_configured:
        return None
    url = str(settings.llm_base_url)
    parsed = urlparse(url)
    try:
        port = parsed.port or (443 if parsed.scheme == "https" else 80)
    except ValueError:
        port = 0
    if parsed.scheme not in ("http", "https") or not parsed.hostname or port == 0:
        raise EndpointRefused(
            f"大模型服务地址（JIXIAO_LLM_BASE_URL）“{url[:200]}”无效："
            "须为 http:// 或 https:// 开头的完整地址。"
        )
    host = parsed.hostname
    try:
        place = place_of(host, port, settings.llm_private_hosts)
    except ResolutionError as exc:
        if settings.llm_allow_external:
            return Place(host, "external")
        raise EndpointRefused(
            f"{exc}，无法确认大模型服务是否位于本机或本单位内网：为保证数据不出域，已停用该服务。"
            "请检查 JIXIAO_LLM_BASE_URL 与域名解析。"
        ) from exc
    if place.kind == "external" and not settings.llm_allow_external:
        raise EndpointRefused(
            f"大模型服务“{host}”（解析为 {'、'.join(place.addresses)}）不在本机或已登记的内网主机"
            "（JIXIAO_LLM_PRIVATE_HOSTS）之内：为保证申报与审核数据不出域，已拒绝向其发送任何文本。"
            "如为本单位内网服务，请把该主机或其网段加入 JIXIAO_LLM_PRIVATE_HOSTS；"
            "确需使用外部模型服务，须经批准后设置 JIXIAO_LLM_ALLOW_EXTERNAL=true。"
        )
    return place


def endpoint_label(place: Place | None) -> str:
    """What the UI badge says about where text is sent: 未配置大模型（规则模式） / 大模型：127.0.0.1 本机."""
    if place is None:
        return RULES_ONLY_ENDPOINT_LABEL
    suffix = "（已允许外部服务）" if place.kind == "external" else ""
    return f"大模型：{place.host} {place.zh}{suffix}"


def endpoint_public(place: Place | None) -> dict[str, Any]:
    """The endpoint as the health route shows it (no port, no key)."""
    return {
        "configured": place is not None,
        "host": place.host if place else None,
        "place": place.kind if place else None,
        "place_zh": place.zh if place else None,
        "label": endpoint_label(place),
    }


def make_chat_model(settings: Settings) -> BaseChatModel | None:
    """A streaming `ChatOpenAI` for the configured endpoint, or None (rules-only mode). Raises
    EndpointRefused for an endpoint outside the bureau (see `llm_endpoint`)."""
    if not settings.llm_configured:
        return None
    llm_endpoint(settings)
    from langchain_openai import ChatOpenAI

    return ChatOpenAI(
        base_url=settings.llm_base_url,
        model=settings.llm_model,
        # local servers (vLLM, Ollama) accept any key, but the client refuses to start without one
        api_key=settings.llm_api_key or "not-needed",
        timeout=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        temperature=settings.llm_temperature,
        streaming=True,
    )


def mode_label(settings: Settings) -> tuple[str, str]:
    """("rules-only", "未配置大模型：…") or ("llm", "大模型：<model>") for the health route and the UI."""
    if not settings.llm_configured:
        return RULES_ONLY_MODE, RULES_ONLY_LABEL
    return LLM_MODE, f"大模型：{settings.llm_model}"


def model_name(llm: BaseChatModel) -> str:
    """The model's name as configured (ChatOpenAI.model_name), else its LangChain type."""
    for attr in ("model_name", "model"):
        value = getattr(llm, attr, None)
        if isinstance(value, str) and value:
            return value
    return getattr(llm, "_llm_type", type(llm).__name__)


def mode_of(llm: BaseChatModel | None) -> tuple[str, str]:
    """Like `mode_label`, but for the model actually passed to a feature."""
    if llm is None:
        return RULES_ONLY_MODE, RULES_ONLY_LABEL
    return LLM_MODE, f"大模型：{model_name(llm)}"


def describe_failure(exc: BaseException) -> str:
    """A Chinese one-liner for a failed model call (timeouts, connection, HTTP errors)."""
    if isinstance(exc, LLMUnavailable):
        return exc.reason
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if "Timeout" in name or isinstance(exc, TimeoutError):
        return "大模型调用超时"
    if "Connection" in name or isinstance(exc, ConnectionError):
        return "无法连接大模型服务"
    if "Authentication" in name or status == 401:
        return "大模型服务拒绝了访问密钥（HTTP 401）"
    if isinstance(status, int):
        return f"大模型服务返回错误（HTTP {status}）"
    return f"大模型调用失败（{name}）"


def _is_fatal(exc: BaseException) -> bool:
    """Errors where a second, plain-text attempt cannot help (network, auth, server down)."""
    name = type(exc).__name__
    status = getattr(exc, "status_code", None)
    if isinstance(exc, (TimeoutError, ConnectionError)) or "Timeout" in name or "Connection" in name:
        return True
    return isinstance(status, int) and (status in (401, 403, 429) or status >= 500)


def message_text(message: Any) -> str:
    """The text of an AIMessage/AIMessageChunk whose content may be a string or a list of parts."""
    content = getattr(message, "content", message)
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and part.get("type") == "text":
                parts.append(str(part.get("text", "")))
        return "".join(parts)
    return "" if content is None else str(content)


_FENCE_RE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def parse_json_model(text: str, schema: type[T]) -> T:
    """Read a pydantic model from model text: a bare JSON object, one in ``` fences, or one amid prose."""
    candidates = [m.group(1) for m in _FENCE_RE.finditer(text)]
    start, end = text.find("{"), text.rfind("}")
    if start != -1 and end > start:
        candidates.append(text[start : end + 1])
    for candidate in candidates:
        try:
            data = json.loads(candidate)
        except json.JSONDecodeError:
            continue
        try:
            return schema.model_validate(data)
        except ValidationError:
            continue
    raise StructuredOutputError(f"大模型输出无法解析为{schema.__name__}")


_JSON_INSTRUCTION = "请只输出一个JSON对象，不要输出任何其他文字。JSON须符合以下JSON Schema：\n{schema}"


def invoke_structured(llm: BaseChatModel, messages: list[BaseMessage], schema: type[T]) -> T:
    """Structured output via tool calling when the server supports it, else JSON-in-text.

    Many OpenAI-compatible servers lack tool calling: they reject `tools` (HTTP 400) or ignore them
    and answer in text. Both cases fall back to one plain call whose text is parsed into `schema`.
    Raises LLMUnavailable on timeouts/connection/server errors, StructuredOutputError on unreadable output.
    """
    from langchain_core.messages import HumanMessage

    raw_text = _try_tool_calling(llm, messages, schema)
    if isinstance(raw_text, schema):
        return raw_text
    if isinstance(raw_text, str) and raw_text:
        try:
            return parse_json_model(raw_text, schema)
        except StructuredOutputError:
            pass
    instruction = _JSON_INSTRUCTION.format(schema=json.dumps(schema.model_json_schema(), ensure_ascii=False))
    try:
        reply = llm.invoke([*messages, HumanMessage(content=instruction)])
    except Exception as exc:
        raise LLMUnavailable(describe_failure(exc)) from exc
    return parse_json_model(message_text(reply), schema)


def _try_tool_calling(llm: BaseChatModel, messages: list[BaseMessage], schema: type[T]) -> T | str | None:
    """The parsed model, or the raw reply text when the server answered without a tool call, or None."""
    try:
        runnable = llm.with_structured_output(schema, method="function_calling", include_raw=True)
    except (NotImplementedError, ValueError, TypeError):
        return None
    try:
        out = runnable.invoke(messages)
    except Exception as exc:
        if _is_fatal(exc):
            raise LLMUnavailable(describe_failure(exc)) from exc
        return None
    parsed = out.get("parsed") if isinstance(out, dict) else None
    if isinstance(parsed, schema):
        return parsed
    if isinstance(parsed, dict):
        try:
            return schema.model_validate(parsed)
        except ValidationError:
            pass
    return message_text(out.get("raw")) if isinstance(out, dict) else None
