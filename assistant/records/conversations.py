"""Chat conversations and their messages, one history per user."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from assistant.records.models import Conversation, Message, User, as_utc

TITLE_CHARS = 40


def start_conversation(
    session: Session, *, user: User, first_message: str, submission_id: int | None = None
) -> Conversation:
    title = first_message.strip().replace("\n", " ")
    conversation = Conversation(
        user_id=user.id,
        submission_id=submission_id,
        title=title[:TITLE_CHARS] + ("…" if len(title) > TITLE_CHARS else ""),
    )
    session.add(conversation)
    session.flush()
    return conversation


def owned_conversation(session: Session, *, user: User, conversation_id: int) -> Conversation | None:
    """The conversation if it belongs to the user (others' conversations are invisible)."""
    conversation = session.get(Conversation, conversation_id)
    return conversation if conversation is not None and conversation.user_id == user.id else None


def add_message(
    session: Session,
    *,
    conversation_id: int,
    role: str,
    text: str,
    citations: list[dict[str, Any]] | None = None,
) -> Message:
    message = Message(conversation_id=conversation_id, role=role, text=text, citations=citations or [])
    session.add(message)
    return message


def list_conversations(session: Session, *, user: User) -> list[Conversation]:
    return list(
        session.scalars(
            select(Conversation).where(Conversation.user_id == user.id).order_by(Conversation.id.desc())
        )
    )


def recent_history(conversation: Conversation, *, turns: int = 6) -> list[dict[str, str]]:
    """The last few messages as {role, text}, oldest first (context for a follow-up question)."""
    return [{"role": m.role, "text": m.text} for m in conversation.messages[-turns * 2 :]]


def conversation_public(conversation: Conversation, *, with_messages: bool = False) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": conversation.id,
        "title": conversation.title,
        "submission_id": conversation.submission_id,
        "created_at": as_utc(conversation.created_at).isoformat(),
    }
    if with_messages:
        data["messages"] = [
            {
                "id": m.id,
                "role": m.role,
                "text": m.text,
                "citations": m.citations,
                "created_at": as_utc(m.created_at).isoformat(),
            }
            for m in conversation.messages
        ]
    return data
