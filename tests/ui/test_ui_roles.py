"""Roles in a real browser: a submitter sees their opinion without approve/return buttons, cannot manage
documents, cannot open another unit's submission, and the API refuses the approve anyway (403)."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture()
def unit1_submission(live_server, data_dir_shared) -> int:
    """D01 submitted by unit1 through the API and drafted by the reviewer."""
    dataset = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    d01 = next(s for s in dataset["submissions"] if s["id"] == "D01")
    created = live_server.client("unit1").post("/v1/submissions", json=d01)
    assert created.status_code == 201, created.text
    submission_id = created.json()["items"][0]["id"]
    drafted = live_server.client("reviewer1").post(f"/v1/reviews/{submission_id}/draft")
    assert drafted.status_code == 200, drafted.text
    return submission_id


def test_submitter_cannot_approve_in_the_ui_or_through_the_api(
    open_page, live_server, unit1_submission, shot
) -> None:
    page, _watch = open_page("unit1")
    expect(page.locator(".check-list")).to_contain_text("提交绩效目标")
    expect(page.locator(".check-list")).not_to_contain_text("审批")
    shot(page, "09-home-submitter")

    page.goto(f"{live_server.base_url}/#/review/{unit1_submission}")
    review = live_server.client("unit1").get(f"/v1/reviews/{unit1_submission}").json()
    document = page.get_by_role("article", name="审核意见正文")
    expect(document.locator("h2").first).to_have_text(review["text"].splitlines()[0].lstrip("# "))
    grade = live_server.client("unit1").get(f"/v1/submissions/{unit1_submission}").json()["grade"]
    expect(document).to_contain_text(f"审核结论：{grade}。")
    expect(document).not_to_contain_text("**")
    expect(page.locator("textarea#opinion-text")).to_have_count(0)
    expect(page.get_by_role("button", name="下载 Word（.docx）")).to_be_visible()
    for name in ("审批通过", "退回修改", "保存修改", "重新起草"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    shot(page, "10-review-submitter")

    api = live_server.client("unit1")
    refused = api.post(f"/v1/reviews/{unit1_submission}/approve", json={"comment": "自己批准"})
    assert refused.status_code == 403
    assert "无权" in refused.json()["error"]["message"]
    assert api.put(f"/v1/reviews/{unit1_submission}", json={"text": "改写"}).status_code == 403
    assert api.get(f"/v1/reviews/{unit1_submission}").json()["status"] == "pending"

    page.locator("#nav").get_by_role("link", name="政策文件").click()
    expect(page.get_by_role("heading", name="已收录文件")).to_be_visible()
    expect(page.locator("table.documents tbody tr").first).to_be_visible()
    expect(page.get_by_role("heading", name="上传政策文件")).to_have_count(0)
    expect(page.get_by_role("button", name="删除", exact=False)).to_have_count(0)


def test_another_unit_gets_a_chinese_error_in_place(open_page, live_server, unit1_submission) -> None:
    page, _watch = open_page("unit2")
    page.goto(f"{live_server.base_url}/#/precheck/{unit1_submission}")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("不存在或无权查看")
    expect(page.locator("#main")).not_to_contain_text("Traceback")


def test_bad_token_and_bad_json_are_explained_in_place(open_page, live_server, ui_login, shot) -> None:
    page, _watch = open_page()
    page.get_by_label("访问令牌").fill("jx_0000.not-a-token")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("访问令牌无效")
    ui_login(page, live_server.tokens["unit2"])
    page.locator("#nav").get_by_role("link", name="绩效目标预审").click()
    page.get_by_label("或粘贴 JSON", exact=False).fill('{"project": "测试项目", "indicators": [}')
    page.get_by_role("button", name="提交预审").click()
    expect(page.get_by_role("alert")).to_contain_text("不是有效的 JSON")
    page.get_by_label("或粘贴 JSON", exact=False).fill('{"annual_goal": "没有项目名称和指标"}')
    page.get_by_role("button", name="提交预审").click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_role("alert")).not_to_contain_text("Traceback")
    shot(page, "11-precheck-error")


def test_long_chinese_text_does_not_break_the_layout(open_page, live_server, shot) -> None:
    long_name = "常宁市" + "农村人居环境整治提升暨高标准农田建设配套基础设施" * 6 + "项目"
    submission = {
        "project": long_name,
        "unit": "常宁市" + "乡村振兴与农业农村综合服务中心" * 4,
        "budget_yuan": 1200000,
        "annual_goal": "完成" + "村组道路硬化、沟渠清淤、人居环境整治、" * 12 + "群众满意度不低于90%。",
        "indicators": [
            {
                "level1": "产出指标",
                "level2": "数量指标",
                "name": "整治村庄数量" + "（含自然村与村民小组）" * 5,
                "op": "≥",
                "value": "12",
                "unit": "个",
                "weight": 50,
            },
            {
                "level1": "效益指标",
                "level2": "社会效益指标",
                "name": "人居环境明显改善",
                "op": "定性",
                "value": "进一步提高" + "群众获得感幸福感安全感" * 6,
                "unit": None,
                "weight": 50,
            },
        ],
    }
    page, _watch = open_page("unit2")
    page.locator("#nav").get_by_role("link", name="绩效目标预审").click()
    page.get_by_label("或粘贴 JSON", exact=False).fill(json.dumps(submission, ensure_ascii=False))
    page.get_by_role("button", name="提交预审").click()
    page.wait_for_url(re.compile(r"#/precheck/\d+$"))
    expect(page.get_by_role("heading", name=long_name)).to_be_visible()
    expect(page.locator("article.finding").first).to_be_visible()
    shot(page, "15-long-text")  # fails if the page scrolls sideways
    page.locator("#nav").get_by_role("link", name="绩效目标预审").click()
    expect(page.locator("table.submissions")).to_contain_text(long_name)
    shot(page, "16-long-text-list")


def test_returned_submission_is_resubmitted_by_its_owner(
    open_page, live_server, unit1_submission, shot
) -> None:
    returned = live_server.client("reviewer1").post(
        f"/v1/reviews/{unit1_submission}/return", json={"comment": "请补充满意度指标的测算依据"}
    )
    assert returned.status_code == 200, returned.text
    page, _watch = open_page("unit1")
    page.goto(f"{live_server.base_url}/#/review/{unit1_submission}")
    expect(page.locator(".versions")).to_contain_text("请补充满意度指标的测算依据")
    page.goto(f"{live_server.base_url}/#/precheck/{unit1_submission}")
    expect(page.locator(".summary .status-tag")).to_have_text("已退回")
    page.get_by_role("heading", name="修改后重新报送").click()
    page.get_by_role("button", name="重新报送").click()
    page.wait_for_url(re.compile(rf"#/precheck/(?!{unit1_submission}$)\d+$"))
    new_id = int(page.url.rsplit("/", 1)[1])
    new = live_server.client("unit1").get(f"/v1/submissions/{new_id}").json()
    assert new["previous_id"] == unit1_submission
    diff = new["diff"]
    expect(page.get_by_role("heading", name="与上一版相比")).to_be_visible()
    expect(page.locator("#diff-title + p")).to_have_text(
        f"已解决 {len(diff['resolved'])} 个，新出现 {len(diff['added'])} 个，未变 {diff['unchanged']} 个。"
    )
    shot(page, "14-resubmitted")
    page.goto(f"{live_server.base_url}/#/precheck/{unit1_submission}")
    expect(page.get_by_role("link", name="查看最新版本")).to_be_visible()
