"""智能问答 in a real browser: a streamed answer, the rules-only banner, a verified citation chip that
opens its clause, and the conversation kept in the user's history."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

QUESTION = "预算草案编制的依据有哪些？"


def test_chat_streams_an_answer_with_a_verified_citation_chip(open_page, live_server, shot) -> None:
    page, _watch = open_page("unit2")
    page.locator("#nav").get_by_role("link", name="智能问答").focus()
    page.keyboard.press("Enter")  # keyboard navigation moves focus to the new page
    expect(page.get_by_role("heading", name="智能问答", level=1)).to_be_focused()
    expect(page.get_by_text("未配置大模型，以下为检索到的条文", exact=False)).to_be_visible()
    page.get_by_label("输入问题").fill(QUESTION)
    page.get_by_label("输入问题").press("Enter")

    answer = page.locator(".msg-assistant").last
    expect(answer.locator(".msg-text")).not_to_be_empty()
    expect(page.locator(".chat-status")).to_have_text("回答完成。", timeout=60_000)
    # the starter cards are 要点（转述）: their chips carry that state instead of ✓ (issue 16)
    chips = answer.locator(".citations .chip")
    expect(chips.first).to_be_visible()
    shot(page, "07-chat-answer")

    clause_id = chips.first.get_attribute("data-clause-id")
    assert clause_id
    api = live_server.client("unit2")
    clause = api.get(f"/v1/clauses/{clause_id}").json()
    chips.first.click()
    dialog = page.locator("#clause-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator(".clause-text")).to_have_text(clause["text"])
    expect(dialog.locator(".meta")).to_contain_text(clause["doc_title"])
    if clause.get("article"):
        expect(dialog.locator(".meta")).to_contain_text(clause["article"])
    shot(page, "08-chat-clause")
    dialog.get_by_role("button", name="关闭条文窗口").click()
    expect(dialog).to_be_hidden()

    conversations = api.get("/v1/conversations").json()["items"]
    assert len(conversations) == 1
    history = page.locator(".conv-list .conv-item")
    expect(history).to_have_count(1)
    page.get_by_role("button", name="新对话").click()
    expect(page.locator(".msg")).to_have_count(0)
    history.first.click()
    expect(page.locator(".msg-user .msg-text")).to_have_text(QUESTION)
    expect(page.locator(".msg-assistant .citations .chip").first).to_be_visible()
