"""Chat conversations as a service: one history per user, each turn stored as it happens.

The chat API calls only these functions: `open_turn` (continue the user's own conversation or start one,
store the question, return the history the model sees), `save_answer` (store the verified answer when the
stream is done), `list_for` and `get` (ownership checked: another user's conversation is NotFound, so ids
cannot be probed) and `public` (the JSON of docs/api.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from assistant.chat import ChatTurn
from assistant.records.db import transaction
from assistant.records.models import Conversation, Message, User, as_utc
from core.errors import NotFound, UserError

TITLE_CHARS = 40
HISTORY_MESSAGES = 12  # the last six question/answer pairs go back to the model
ROLES = ("user", "assistant")


class ConversationNotFound(NotFound):
    def __init__(self, conversation_id: int):
        super().__init__(f"会话 #{conversation_id} 不存在或无权查看。", code="conversation_not_found")


@dataclass
class Turn:
    """A question just stored: its conversation and the earlier messages (oldest first)."""

    conversation_id: int
    history: list[ChatTurn]


def _title(first_message: str) -> str:
    title = " ".join(first_message.split())
    return title[:TITLE_CHARS] + ("…" if len(title) > TITLE_CHARS else "")


def start(
    session: Session, *, user: User, first_message: str, submission_id: int | None = None
) -> Conversation:
    """A new conversation of `user`, titled by its first question."""
    if not first_message.strip():
        raise UserError("问题不能为空。", code="empty_message")
    conversation = Conversation(user_id=user.id, submission_id=submission_id, title=_title(first_message))
    session.add(conversation)
    session.flush()
    return conversation


def is_owner(user: User, conversation: Conversation) -> bool:
    return conversation.user_id == user.id


def get(session: Session, *, user: User, conversation_id: int) -> Conversation:
    """The user's own conversation; any other id (missing or someone else's) is ConversationNotFound."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None or not is_owner(user, conversation):
        raise ConversationNotFound(conversation_id)
    return conversation


def list_for(session: Session, *, user: User) -> list[Conversation]:
    """The user's conversations, newest first."""
    stmt = select(Conversation).where(Conversation.user_id == user.id).order_by(Conversation.id.desc())
    return list(session.scalars(stmt))


def append_turn(
    session: Session,
    *,
    conversation: Conversation,
    role: Literal["user", "assistant"],
    text: str,
    citations: list[dict[str, Any]] | None = None,
) -> Message:
    """One message at the end of the conversation."""
    if role not in ROLES:
        raise ValueError(f"unknown message role {role!r}")
    message = Message(conversation=conversation, role=role, text=text, citations=citations or [])
    session.add(message)
    session.flush()
    return message


def history(conversation: Conversation, *, limit: int = HISTORY_MESSAGES) -> list[ChatTurn]:
    """The last `limit` messages as chat turns, oldest first."""
    return [ChatTurn(role=m.role, content=m.text) for m in conversation.messages[-limit:] if m.role in ROLES]


def open_turn(
    session: Session,
    *,
    user: User,
    message: str,
    conversation_id: int | None = None,
    submission_id: int | None = None,
) -> Turn:
    """Continue the user's conversation (or start one) with `message`; returns the history before it."""
    if conversation_id is None:
        conversation = start(session, user=user, first_message=message, submission_id=submission_id)
        earlier: list[ChatTurn] = []
    else:
        conversation = get(session, user=user, conversation_id=conversation_id)
        earlier = history(conversation)
    append_turn(session, conversation=conversation, role="user", text=message)
    return Turn(conversation_id=conversation.id, history=earlier)


def save_answer(
    session_factory: sessionmaker[Session],
    *,
    conversation_id: int,
    text: str,
    citations: list[dict[str, Any]] | None = None,
) -> Message:
    """Store the assistant's answer in its own transaction (the question's request is over by then)."""

    def work(session: Session) -> Message:
        conversation = session.get(Conversation, conversation_id)
        if conversation is None:
            raise ConversationNotFound(conversation_id)
        return append_turn(
            session, conversation=conversation, role="assistant", text=text, citations=citations
        )

    return transaction(session_factory, work)


def public(conversation: Conversation, *, with_messages: bool = False) -> dict[str, Any]:
    """`{id, title, submission_id, created_at}`, plus `messages` for the detail view."""
    data: dict[str, Any] = {
        "id": conversation.id,
        "title": conversation.title,
        "submission_id": conversation.submission_id,
        "created_at": _iso(conversation),
    }
    if with_messages:
        data["messages"] = [
            {
                "id": m.id,
                "role": m.role,
                "text": m.text,
                "citations": m.citations,
                "created_at": _iso(m),
            }
            for m in conversation.messages
        ]
    return data


def _iso(row: Conversation | Message) -> str:
    moment = as_utc(row.created_at)
    return moment.isoformat() if moment else ""
