"""POST /v1/chat (SSE: meta, token*, citations, done | error) and the user's conversation history."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool

from api.deps import CurrentUser, ServicesDep, SessionDep
from api.errors import ApiError
from api.schemas import ChatBody
from api.state import AppServices
from assistant import workflow
from assistant.chat import ChatEvent, ChatTurn, answer
from assistant.models import CheckResult, Submission
from assistant.records import session_scope
from assistant.records.conversations import (
    add_message,
    conversation_public,
    list_conversations,
    owned_conversation,
    start_conversation,
)

router = APIRouter(tags=["智能问答"])
log = logging.getLogger("jixiao.api")
HISTORY_MESSAGES = 12


def _history(conversation) -> list[ChatTurn]:
    return [
        ChatTurn(role=m.role, content=m.text)
        for m in conversation.messages[-HISTORY_MESSAGES:]
        if m.role in ("user", "assistant")
    ]


def _submission_context(
    session, user, submission_id: int | None
) -> tuple[Submission | None, CheckResult | None]:
    if submission_id is None:
        return None, None
    record = workflow.get_submission(session, viewer=user, submission_id=submission_id)
    return Submission.model_validate(record.canonical), workflow.latest_precheck(
        session, submission_id=record.id
    )


@router.post("/chat", summary="问答（SSE 流式，引用已核验）")
def chat(
    body: ChatBody, user: CurrentUser, session: SessionDep, services: ServicesDep
) -> EventSourceResponse:
    submission, result = _submission_context(session, user, body.submission_id)
    if body.conversation_id is not None:
        conversation = owned_conversation(session, user=user, conversation_id=body.conversation_id)
        if conversation is None:
            raise ApiError(404, "conversation_not_found", f"会话 #{body.conversation_id} 不存在。")
        history = _history(conversation)
    else:
        conversation = start_conversation(
            session, user=user, first_message=body.message, submission_id=body.submission_id
        )
        history = []
    add_message(session, conversation_id=conversation.id, role="user", text=body.message)
    events = answer(
        body.message,
        kb=services.knowledge_base(),
        llm=services.chat_model,
        history=history,
        submission=submission,
        result=result,
    )
    return EventSourceResponse(_stream(services, conversation.id, events))


async def _stream(
    services: AppServices, conversation_id: int, events: Iterator[ChatEvent]
) -> AsyncIterator[dict[str, str]]:
    try:
        async for event in iterate_in_threadpool(events):
            if event.event == "meta":
                event = ChatEvent(event="meta", data={**event.data, "conversation_id": conversation_id})
            elif event.event == "done":
                _save_answer(services, conversation_id, event.data)
            yield event.sse()
    except Exception:
        log.exception("chat failed in conversation %s", conversation_id)
        yield ChatEvent(
            event="error",
            data={"code": "CHAT_FAILED", "message": "回答生成失败，请稍后重试；如持续失败请联系管理员。"},
        ).sse()


def _save_answer(services: AppServices, conversation_id: int, done: dict[str, Any]) -> None:
    with session_scope(services.session_factory) as session:
        add_message(
            session,
            conversation_id=conversation_id,
            role="assistant",
            text=done.get("answer", ""),
            citations=done.get("citations", []),
        )


@router.get("/conversations", summary="我的会话")
def conversations(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    return {"items": [conversation_public(c) for c in list_conversations(session, user=user)]}


@router.get("/conversations/{conversation_id}", summary="会话详情（含消息）")
def conversation(conversation_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    found = owned_conversation(session, user=user, conversation_id=conversation_id)
    if found is None:
        raise ApiError(404, "conversation_not_found", f"会话 #{conversation_id} 不存在。")
    return conversation_public(found, with_messages=True)
