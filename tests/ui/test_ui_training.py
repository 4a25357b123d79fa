"""培训练习 in a real browser: pick a case, mark one real defect (by mouse) and one wrong one (by keyboard),
submit, see the score, each mark ticked or crossed, and a missed finding explained with its citation."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

CASE = "T06"


@pytest.fixture()
def answer_key(live_server) -> list[dict]:
    """The rules' findings for the case, through the product's own stateless precheck."""
    api = live_server.client("reviewer1")
    exercise = api.get(f"/v1/training/cases/{CASE}").json()
    checked = api.post("/v1/prechecks", json=exercise["submission"])
    assert checked.status_code == 200, checked.text
    return checked.json()["submissions"][0]["findings"]


def test_trainee_marks_submits_and_reads_the_missed_findings(
    open_page, live_server, answer_key, shot
) -> None:
    row_findings = [f for f in answer_key if f["location"].get("indicator") is not None]
    target = row_findings[-1]  # mark one real defect ...
    row = target["location"]["indicator"]
    missed_message = next(f["message"] for f in answer_key if f is not target)

    page, _watch = open_page("unit1")  # any signed-in role may practise
    page.locator("#nav").get_by_role("link", name="培训练习").click()
    expect(page.get_by_role("heading", name="培训练习", exact=True)).to_be_visible()
    expect(page.locator("table.training-cases tbody tr")).to_have_count(13)
    shot(page, "17a-training-cases")
    page.get_by_role("link", name=re.compile("开始练习：城乡最低生活保障资金")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"练习 {CASE}")
    expect(page.locator("#main")).not_to_contain_text(target["message"])  # the answer key stays hidden

    page.locator(f"#training-row-{row} td.cell-name").click()
    expect(page.locator(".training-place")).to_contain_text(f"第{row + 1}项指标")
    page.get_by_label("问题类型").select_option(target["code"])
    expect(page.locator("#training-code-help")).to_contain_text("【")
    page.get_by_role("button", name="添加标注").click()
    expect(page.locator(".mark-list li")).to_have_count(1)
    expect(page.locator(f"#training-row-{row} .mark-badge")).to_have_text("已标 1")

    whole = page.get_by_label("标注位置：整体/目标")  # ... and one wrong one, by keyboard only
    whole.focus()
    page.keyboard.press("Space")
    expect(page.locator(".training-place")).to_contain_text("整体/目标")
    page.get_by_label("问题类型").focus()
    page.get_by_label("问题类型").select_option("NO_COST")
    page.get_by_role("button", name="添加标注").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".mark-list li")).to_have_count(2)
    shot(page, "17b-training-marking")

    page.get_by_role("button", name="提交答案").click()
    result = page.locator(".training-result")
    expect(result.get_by_role("heading", name="评分结果")).to_be_visible()
    recall = 1 / len({(f["location"].get("indicator"), f["code"]) for f in answer_key})
    expected_score = round(100 * 2 * 0.5 * recall / (0.5 + recall))  # precision 1/2
    expect(result.locator(".score-badge")).to_contain_text(str(expected_score))
    expect(result.locator(".mark-results li.ok")).to_have_count(1)
    expect(result.locator(".mark-results li.ok")).to_contain_text("判断正确")
    expect(result.locator(".mark-results li.bad")).to_contain_text("没有成本指标")
    expect(result.locator(".score-comment")).to_contain_text("误判")
    missed = result.locator("article.finding")
    expect(missed.first).to_be_visible()
    expect(result).to_contain_text(missed_message)
    expect(missed.first.locator(".finding-suggestion")).to_contain_text("修改建议")
    expect(page.get_by_role("button", name="提交答案")).to_be_disabled()
    shot(page, "17-training")

    missed.first.locator(".citations .chip").first.click()
    dialog = page.locator("#clause-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("规则要点")
    dialog.get_by_role("button", name="关闭").click()

    result.get_by_role("button", name="重新练习本案").click()
    expect(page.locator(".training-result")).to_have_count(0)
    expect(page.locator(".mark-list")).to_contain_text("尚未标注")
