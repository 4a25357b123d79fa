"""POST /v1/chat (SSE: meta, token*, citations, done | error) and the user's conversation history.

Conversations are stored by assistant.conversations; this router only wires the request to it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import iterate_in_threadpool

from api.deps import CurrentUser, ServicesDep, SessionDep
from api.schemas import ChatBody
from api.state import AppServices
from assistant import conversations, workflow
from assistant.chat import ChatEvent, answer
from assistant.models import CheckResult, Submission
from assistant.records import User, read_scope, transaction

router = APIRouter(tags=["智能问答"])
log = logging.getLogger("jixiao.api")


def _submission_context(
    session: Session, user: User, submission_id: int | None
) -> tuple[Submission | None, CheckResult | None]:
    if submission_id is None:
        return None, None
    record = workflow.get_submission(session, viewer=user, submission_id=submission_id)
    return Submission.model_validate(record.canonical), workflow.latest_precheck(
        session, submission_id=record.id
    )


@router.post("/chat", summary="问答（SSE 流式，引用已核验）")
def chat(body: ChatBody, user: CurrentUser, services: ServicesDep) -> EventSourceResponse:
    with read_scope(services.session_factory) as session:
        submission, result = _submission_context(session, user, body.submission_id)
    kb = services.knowledge_base()  # may take a moment on first use: before the write, not inside it
    turn = transaction(
        services.session_factory,
        lambda session: conversations.open_turn(
            session,
            user=user,
            message=body.message,
            conversation_id=body.conversation_id,
            submission_id=body.submission_id,
        ),
    )
    events = answer(
        body.message,
        kb=kb,
        llm=services.chat_model,
        history=turn.history,
        submission=submission,
        result=result,
    )
    return EventSourceResponse(_stream(services, turn.conversation_id, events))


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
    conversations.save_answer(
        services.session_factory,
        conversation_id=conversation_id,
        text=done.get("answer", ""),
        citations=done.get("citations", []),
    )


@router.get("/conversations", summary="我的会话")
def list_conversations(user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    return {"items": [conversations.public(c) for c in conversations.list_for(session, user=user)]}


@router.get("/conversations/{conversation_id}", summary="会话详情（含消息）")
def get_conversation(conversation_id: int, user: CurrentUser, session: SessionDep) -> dict[str, Any]:
    found = conversations.get(session, user=user, conversation_id=conversation_id)
    return conversations.public(found, with_messages=True)
