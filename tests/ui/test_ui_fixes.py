"""A finding's structured fix in the browser: the precheck page shows it as a before/after row (the
changed cells marked, a deleted row said so, 〔待填〕 highlighted); a reviewer accepts it into the 审核意见
with one click (a new version whose text carries the finding's suggestion under one heading); the unit
that submitted sees the same rows but cannot accept."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

HEADING = "## 附：采纳的指标修改（修改前 → 修改后）"


def _dev(data_dir_shared, sid: str) -> dict:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return next(s for s in data["submissions"] if s["id"] == sid)


def _submit(live_server, username: str, sub: dict) -> int:
    resp = live_server.client(username).post("/v1/submissions", json=sub)
    assert resp.status_code in (200, 201), resp.text
    return int(resp.json()["items"][0]["id"])


def _card(page, finding: dict):
    return page.locator("article.finding").filter(has_text=finding["message"]).first


def test_fixes_show_before_and_after_and_a_reviewer_accepts_them(
    open_page, live_server, data_dir_shared, shot
):
    sub = _dev(
        data_dir_shared, "D04"
    )  # 村干部生活补贴: rewrites, a deletion, an added row, weights, the goal
    sid = _submit(live_server, "reviewer1", sub)
    api = live_server.client("reviewer1")
    findings = api.get(f"/v1/submissions/{sid}").json()["precheck"]["findings"]
    with_fix = [f for f in findings if f.get("fix")]
    assert {f["fix"]["action"] for f in with_fix} >= {"replace_row", "delete_row", "set_field"}

    page, _watch = open_page("reviewer1")
    page.goto(f"{live_server.base_url}/#/precheck/{sid}")
    expect(page.locator("article.finding")).to_have_count(len(findings))
    expect(page.locator("article.finding .fix-preview")).to_have_count(len(with_fix))

    rewrite = next(f for f in with_fix if f["fix"]["action"] == "replace_row" and "name" in f["fix"]["row"])
    card = _card(page, rewrite)
    before = sub["indicators"][rewrite["fix"]["indicator"]]
    expect(card.locator("tr.fix-before td.cell-name")).to_have_text(before["name"])
    expect(card.locator("tr.fix-after td.cell-name")).to_have_text(rewrite["fix"]["row"]["name"])
    expect(card.locator("tr.fix-after td.cell-name")).to_have_class(re.compile(r"\bfix-changed\b"))

    deletion = next(f for f in with_fix if f["fix"]["action"] == "delete_row")
    expect(_card(page, deletion).locator("tr.fix-deleted")).to_contain_text("删除本行")

    goal = next(f for f in with_fix if f["fix"]["action"] == "set_field")
    expect(_card(page, goal).locator("tr.fix-after")).to_contain_text(goal["fix"]["value"])
    shot(page, "fix-before-after")

    # accept two fixes into the opinion: one new version each, both lines under one heading
    for finding in (rewrite, deletion):
        button = _card(page, finding).get_by_role("button", name="采纳到审核意见")
        button.click()
        expect(_card(page, finding).get_by_role("button", name="已采纳")).to_be_disabled()
    review = api.get(f"/v1/reviews/{sid}").json()
    text = review["text"]
    assert text.count(HEADING) == 1
    accepted = text.split(HEADING, 1)[1]
    assert rewrite["suggestion"] in accepted and deletion["suggestion"] in accepted
    edits = [v for v in review["versions"] if v["action"] == "edit"]
    assert len(edits) == 2 and all("采纳预审修改建议" in (v["comment"] or "") for v in edits)

    # accepting the same fix again (after a reload) changes nothing
    page.reload()
    _card(page, rewrite).get_by_role("button", name="采纳到审核意见").click()
    expect(page.locator("#toast")).to_contain_text("已在审核意见中")
    assert api.get(f"/v1/reviews/{sid}").json()["text"] == text


def test_the_submitting_unit_sees_the_rows_but_cannot_accept(open_page, live_server, data_dir_shared):
    sub = _dev(data_dir_shared, "D04")
    sid = _submit(live_server, "unit1", sub)
    findings = live_server.client("unit1").get(f"/v1/submissions/{sid}").json()["precheck"]["findings"]
    todo = next(f for f in findings if f.get("fix") and "〔待填" in json.dumps(f["fix"], ensure_ascii=False))
    page, _watch = open_page("unit1")
    page.goto(f"{live_server.base_url}/#/precheck/{sid}")
    expect(page.locator("article.finding .fix-preview").first).to_be_visible()
    expect(page.get_by_role("button", name="采纳到审核意见")).to_have_count(0)
    expect(_card(page, todo).locator("mark.fix-todo").first).to_contain_text("〔待填")
