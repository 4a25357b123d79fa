"""培训练习 on unit costs in a real browser: the case shows its 支出标准 (示例), an empty answer scores 0 with
准确率 0%, a right mark on the over-standard cost row is earned, and 我的练习进度 lists the attempts."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def test_unit_cost_practice_is_scored_and_recorded(open_page, shot) -> None:
    page, _watch = open_page("unit2")
    page.locator("#nav").get_by_role("link", name="培训练习").click()
    progress = page.locator("section.training-progress")
    expect(progress).to_contain_text("我的练习进度")

    page.get_by_role("link", name="开始练习：城区道路清扫保洁（单位成本）").click()
    standards = page.locator("table.training-standards")
    expect(standards).to_contain_text("城市道路清扫保洁")
    expect(standards).to_contain_text("元/平方米·年")
    expect(standards.locator("caption")).to_contain_text("练习用示例数字")

    page.get_by_role("button", name="提交答案").click()  # nothing marked
    result = page.locator(".training-result")
    expect(result.locator(".score-badge")).to_contain_text("0")
    expect(result).to_contain_text("准确率 0%")
    expect(result.locator(".score-comment")).to_contain_text("本次未作任何标注，按0分计")
    expect(result.locator(".attempt-note")).to_contain_text("第 1 次练习本案")

    page.get_by_role("button", name="重新练习本案").click()
    page.locator("#training-row-3 td.cell-name").click()
    page.get_by_label("问题类型").select_option("COST_OVER_STANDARD")
    page.get_by_role("button", name="添加标注").click()
    page.get_by_role("button", name="提交答案").click()
    expect(result.locator(".mark-results li.ok")).to_contain_text("单位成本高于支出标准")
    expect(result.locator(".attempt-note")).to_contain_text("第 2 次练习本案")
    shot(page, "32-training-unit-cost")

    page.get_by_role("link", name="换一个案例").click()
    row = page.locator("table.progress-table tr", has_text="T11")
    expect(row).to_contain_text("2")  # attempts
    expect(progress).to_contain_text("共2次")
    expect(page.locator("table.training-cases tr", has_text="T11")).not_to_contain_text("未练习")
