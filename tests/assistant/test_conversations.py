"""The conversations service on a real SQLite file: one history per user, ownership enforced."""

from __future__ import annotations

import pytest

from assistant import conversations
from assistant.chat import ChatTurn
from assistant.records import create_user, open_records, session_scope
from core.errors import NotFound, UserError
from core.settings import Settings


@pytest.fixture()
def people(tmp_data_dir):
    factory = open_records(Settings(data_dir=tmp_data_dir, _env_file=None))
    with session_scope(factory) as session:
        users = {n: create_user(session, username=n, role="submitter") for n in ("zhang", "li")}
    return factory, users


def test_a_turn_starts_a_titled_conversation_and_stores_the_question(people):
    factory, u = people
    question = "满意度指标\n怎么设置？" + "请详细说明" * 10
    with session_scope(factory) as s:
        turn = conversations.open_turn(s, user=u["zhang"], message=question, submission_id=None)
        assert turn.history == []
    with session_scope(factory) as s:
        conversation = conversations.get(s, user=u["zhang"], conversation_id=turn.conversation_id)
        assert conversation.title.startswith("满意度指标 怎么设置？") and conversation.title.endswith("…")
        assert len(conversation.title) == conversations.TITLE_CHARS + 1
        assert [(m.role, m.text) for m in conversation.messages] == [("user", question)]


def test_follow_up_sees_the_earlier_turns_oldest_first(people):
    factory, u = people
    with session_scope(factory) as s:
        first = conversations.open_turn(s, user=u["zhang"], message="满意度指标怎么设置？")
    conversations.save_answer(
        factory, conversation_id=first.conversation_id, text="按《办法》第十条……", citations=[{"label": "x"}]
    )
    with session_scope(factory) as s:
        second = conversations.open_turn(
            s, user=u["zhang"], message="那成本指标呢？", conversation_id=first.conversation_id
        )
    assert second.conversation_id == first.conversation_id
    assert second.history == [
        ChatTurn(role="user", content="满意度指标怎么设置？"),
        ChatTurn(role="assistant", content="按《办法》第十条……"),
    ]
    with session_scope(factory) as s:
        detail = conversations.public(
            conversations.get(s, user=u["zhang"], conversation_id=first.conversation_id), with_messages=True
        )
    assert [m["role"] for m in detail["messages"]] == ["user", "assistant", "user"]
    assert detail["messages"][1]["citations"] == [{"label": "x"}]


def test_history_is_capped_to_the_latest_messages(people):
    factory, u = people
    with session_scope(factory) as s:
        turn = conversations.open_turn(s, user=u["zhang"], message="问题0")
        conversation = conversations.get(s, user=u["zhang"], conversation_id=turn.conversation_id)
        for i in range(1, 20):
            conversations.append_turn(s, conversation=conversation, role="assistant", text=f"回答{i}")
        s.refresh(conversation)
        kept = conversations.history(conversation)
    assert len(kept) == conversations.HISTORY_MESSAGES
    assert kept[-1].content == "回答19" and kept[0].content == f"回答{20 - conversations.HISTORY_MESSAGES}"


def test_another_users_conversation_is_not_found_and_cannot_be_continued(people):
    factory, u = people
    with session_scope(factory) as s:
        turn = conversations.open_turn(s, user=u["zhang"], message="项目支出标准在哪里？")
    with session_scope(factory) as s:
        with pytest.raises(NotFound, match=f"会话 #{turn.conversation_id} 不存在") as caught:
            conversations.get(s, user=u["li"], conversation_id=turn.conversation_id)
        assert caught.value.code == "conversation_not_found" and caught.value.status == 404
        with pytest.raises(NotFound):
            conversations.open_turn(s, user=u["li"], message="接着问", conversation_id=turn.conversation_id)
        with pytest.raises(NotFound):
            conversations.get(s, user=u["zhang"], conversation_id=turn.conversation_id + 1000)
        assert conversations.list_for(s, user=u["li"]) == []
        assert [c.id for c in conversations.list_for(s, user=u["zhang"])] == [turn.conversation_id]
        assert conversations.is_owner(
            u["zhang"], conversations.get(s, user=u["zhang"], conversation_id=turn.conversation_id)
        )
    with session_scope(factory) as s:  # li's refused follow-up stored nothing in zhang's conversation
        mine = conversations.get(s, user=u["zhang"], conversation_id=turn.conversation_id)
        assert [m.text for m in mine.messages] == ["项目支出标准在哪里？"]


def test_list_is_newest_first_and_blank_questions_are_refused(people):
    factory, u = people
    with session_scope(factory) as s:
        ids = [conversations.open_turn(s, user=u["li"], message=f"问题{i}").conversation_id for i in range(3)]
        assert [c.id for c in conversations.list_for(s, user=u["li"])] == ids[::-1]
        with pytest.raises(UserError, match="问题不能为空"):
            conversations.open_turn(s, user=u["li"], message="   ")
