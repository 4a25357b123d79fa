"""事前绩效评估 and the 支出标准库 in a real browser: the admin keeps the library (import, add, delete), a
reviewer opens the new road-cleaning project from the assessment list, reads the evidence and the 核减
arithmetic, scores the five dimensions, concludes 调整后予以支持 with the suggested budget, finalises, and the
exported 事前绩效评估报告 .docx reads back with the same conclusion."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

SAMPLES = Path(__file__).resolve().parents[2] / "jixiao" / "samples"
ROAD = json.loads((SAMPLES / "cost_standard_submissions.json").read_text(encoding="utf-8"))["submissions"][0]


@pytest.fixture(scope="module")
def road_id(live_server) -> int:
    with live_server.client("admin1") as admin:
        imported = admin.post(
            "/v1/standards/import",
            files={
                "file": ("standards_sample.csv", (SAMPLES / "standards_sample.csv").read_bytes(), "text/csv")
            },
        )
        assert imported.status_code == 200, imported.text
    with live_server.client("unit1") as unit:
        created = unit.post("/v1/submissions", json=dict(ROAD, id="UI-EXANTE"))
        assert created.status_code == 201, created.text
        return created.json()["items"][0]["id"]


def test_admin_keeps_the_standards_library(open_page, live_server, road_id, shot) -> None:
    page, _watch = open_page("admin1")
    page.locator("#nav").get_by_role("link", name="支出标准").click()
    expect(page.get_by_role("heading", name="支出标准库", exact=True)).to_be_visible()
    table = page.locator("table.standards-table")
    expect(table).to_contain_text("国省县道保洁")
    expect(table).to_contain_text("元/公里·年")

    page.get_by_label("事项").fill("路灯维护（界面测试）")
    page.get_by_label("计量单位").fill("元/盏·年")
    page.get_by_label("标准值").fill("300")
    page.get_by_label("依据").fill("示例（界面测试）")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("已新增“路灯维护（界面测试）”。")).to_be_visible()
    expect(table).to_contain_text("路灯维护（界面测试）")
    shot(page, "30-standards")

    page.get_by_label("事项").fill("坏单位")
    page.get_by_label("计量单位").fill("元")
    page.get_by_label("标准值").fill("5")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert")).to_contain_text("不是“金额/计量单位[·期间]”的形式")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="删除：路灯维护（界面测试）").click()
    expect(table).not_to_contain_text("路灯维护（界面测试）")


def test_reviewer_assesses_the_road_cleaning_project_into_a_report(
    open_page, live_server, road_id, shot
) -> None:
    page, _watch = open_page("reviewer1")
    page.locator("#nav").get_by_role("link", name="事前评估").click()
    expect(page.get_by_role("heading", name="事前绩效评估", exact=True)).to_be_visible()
    page.get_by_role("link", name="评估：国省县道保洁服务项目").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("事前绩效评估：国省县道保洁服务项目")
    for name in ("立项必要性", "投入经济性", "绩效目标合理性", "实施方案可行性", "筹资合规性"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    steps = page.locator(".cost-steps li")
    expect(steps).to_have_count(4)
    expect(steps.nth(2)).to_contain_text("核减额：2,851.58元/公里·年 × 235.8公里")
    expect(page.locator("#exante-costs")).to_contain_text("高于标准")
    expect(page.locator("#exante-status")).to_contain_text("尚未保存")

    scores = {"necessity": "17", "economy": "9", "targets": "15", "feasibility": "16", "funding": "18"}
    for key, value in scores.items():
        page.locator(f"#score-{key}").fill(value)
    expect(page.locator("#exante-total")).to_have_text("75 分")
    page.locator("#comment-economy").fill("单位成本高于示例标准，按标准核减。")
    page.get_by_label("调整后予以支持").check()
    page.get_by_role("button", name="采用建议值").click()
    expect(page.locator("#exante-adjusted")).to_have_value("10611000")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.locator("#exante-message")).to_contain_text("已保存草稿（第1版）")
    page.get_by_role("button", name="定稿").click()
    expect(page.locator("#exante-message")).to_contain_text(
        "已定稿：经评估，本项目综合得分75分，评估结论为：调整后予以支持"
    )
    expect(page.locator("#exante-status")).to_contain_text("第2版，已定稿，评估人 reviewer1")
    shot(page, "31-exante")

    with page.expect_download() as info:
        page.get_by_role("button", name="导出评估报告（Word）").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx") and "事前绩效评估报告" in download.suggested_filename
    doc = Document(io.BytesIO(Path(download.path()).read_bytes()))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(" | ".join(c.text for c in row.cells) for t in doc.tables for row in t.rows)
    assert "评估结论为：调整后予以支持" in text and "调整为10,611,000元" in text
    assert "单位成本高于示例标准，按标准核减。" in text
    assert "核减额：2,851.58元/公里·年 × 235.8公里" in text
    assert "投入经济性 | 20 | 9 | 单位成本高于示例标准，按标准核减。" in cells

    page.get_by_role("link", name="← 返回事前绩效评估列表").click()
    row = page.locator("table.exante-table tr", has_text="国省县道保洁服务项目").first
    expect(row).to_contain_text("已定稿")
    expect(row).to_contain_text("调整后予以支持")


def test_an_approver_reads_the_assessment_but_cannot_change_it(open_page, live_server, road_id) -> None:
    page, _watch = open_page("approver1")
    page.goto(f"{live_server.base_url}/#/exante/{road_id}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("事前绩效评估")
    expect(page.locator("#score-economy")).to_be_disabled()
    expect(page.get_by_role("button", name="定稿")).to_have_count(0)
    expect(page.get_by_role("button", name="导出评估报告（Word）")).to_be_enabled()
