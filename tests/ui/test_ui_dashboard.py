"""The round dashboard in a real browser: reviewers land on it, its charts are drawn by the ECharts the app
serves itself (tables with a note when that file is missing), filters narrow the project table, approvers
approve several drafted opinions at once; and the upload papercuts of the precheck page."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

VENDOR = Path(__file__).resolve().parents[2] / "api" / "static" / "vendor" / "echarts.common.min.js"


@pytest.fixture(scope="module")
def dev(data_dir_shared) -> list[dict]:
    return json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]


def _upload(client, name: str, data: bytes) -> dict:
    response = client.post("/v1/dashboard/upload", files=[("file", (name, data))])
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def seeded(live_server, dev, data_dir_shared) -> dict:
    """A round: the dev set from one unit, the D07 form workbook from another."""
    with live_server.client("unit1") as c:
        first = _upload(c, "round.json", json.dumps({"submissions": dev}, ensure_ascii=False).encode())
    with live_server.client("unit2") as c:
        form = _upload(c, "targets_form_D07.xlsx", (data_dir_shared / "targets_form_D07.xlsx").read_bytes())
    ids = [i["id"] for f in first["files"] + form["files"] for i in f["items"] if i["id"]]
    assert len(ids) == len(dev) + 1
    return {"ids": ids}


def _approver_token(live_server) -> str:
    """An approver of this module's own (the shared demo users may not include one)."""
    from assistant.records import create_user, get_user, issue_token, open_records, session_scope
    from core.settings import Settings

    settings = Settings(
        _env_file=None, data_dir=live_server.data_dir, llm_base_url=None, llm_model=None, chroma_url=None
    )
    factory = open_records(settings)
    with session_scope(factory) as session:
        if get_user(session, "approver_dash") is None:
            create_user(
                session, username="approver_dash", role="approver", display_name="赵审批", actor="ui-tests"
            )
        token = issue_token(session, username="approver_dash", actor="ui-tests")
    factory.kw["bind"].dispose()
    return token


def _count(page) -> int:
    text = page.locator("#dash-count").inner_text()
    return int(re.search(r"符合条件的项目 (\d+) 个", text).group(1))


def test_reviewer_lands_on_dashboard_charts_render_and_filters_narrow(open_page, seeded, shot):
    assert VENDOR.is_file(), "api/static/vendor/echarts.common.min.js missing: run scripts/setup.sh"
    page, _watch = open_page("reviewer1")
    page.get_by_role("heading", name="本轮审核总览").wait_for()
    for chart in ("chart-grades", "chart-codes", "chart-units", "chart-budget"):
        page.locator(f"#{chart}[data-rendered='true'] canvas").first.wait_for()
    assert page.evaluate("typeof window.echarts") == "object"
    assert page.get_by_text("图表组件（ECharts）未安装").count() == 0
    page.locator("#dash-count").wait_for()
    total = _count(page)
    assert total >= len(seeded["ids"])
    shot(page, "dashboard-reviewer")

    page.locator("#dash-grade").select_option("差")
    expect(page.locator("#dash-count")).not_to_contain_text(f"项目 {total} 个")
    narrowed = _count(page)
    assert 0 < narrowed < total
    grades = page.locator(".dash-table tbody tr td .grade-badge").all_inner_texts()
    assert grades and set(grades) == {"差"}

    page.get_by_role("button", name="重置").click()
    expect(page.locator("#dash-count")).to_contain_text(f"项目 {total} 个")
    page.locator("#dash-unit").select_option("常宁市教育基建与装备管理中心")
    expect(page.locator("#dash-count")).not_to_contain_text(f"项目 {total} 个")
    rows = page.locator(".dash-table tbody tr")
    assert rows.count() == _count(page) >= 1
    assert set(page.locator(".dash-table tbody td.cell-unit").all_inner_texts()) == {
        "常宁市教育基建与装备管理中心"
    }
    rows.first.locator(".cell-project a").click()
    page.get_by_role("heading", name="农村中小学校舍维修改造项目").wait_for()
    assert re.search(r"#/precheck/\d+$", page.url)


def test_dashboard_without_echarts_shows_tables(open_page, live_server, seeded, ui_login):
    page, _watch = open_page()
    page.route("**/static/vendor/echarts.*.js", lambda route: route.fulfill(status=404, body="missing"))
    ui_login(page, live_server.tokens["reviewer1"])
    page.get_by_role("heading", name="本轮审核总览").wait_for()
    page.get_by_text("图表组件（ECharts）未安装").wait_for()
    assert page.locator(".chart canvas").count() == 0
    tables = page.locator(".chart-card table.chart-data")
    assert tables.count() == 4
    grade_rows = tables.first.locator("tbody tr")
    assert grade_rows.first.locator("th").inner_text() == "优"
    counted = sum(int(t) for t in grade_rows.locator("td").all_inner_texts())
    assert counted == int(re.search(r"(\d+)", page.locator("#kpi-total .kpi-value").inner_text()).group(1))


def test_approver_bulk_approves_drafted_opinions(browser, live_server, seeded, shot):
    with live_server.client("reviewer1") as c:
        drafted = []
        for sid in seeded["ids"][:3]:
            response = c.post(f"/v1/reviews/{sid}/draft")
            assert response.status_code == 200, response.text
            drafted.append(sid)
    token = _approver_token(live_server)
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        page = context.new_page()
        page.goto(live_server.base_url + "/#/login")
        page.get_by_label("访问令牌").fill(token)
        page.get_by_role("button", name="登录").click()
        page.get_by_role("heading", name="本轮审核总览").wait_for()
        page.locator("#dash-review").select_option("approvable")
        expect(page.locator(".dash-table tbody tr .grade-badge").first).to_be_visible()
        statuses = page.locator(".dash-table tbody tr .review-state").all_inner_texts()
        assert statuses and all(t.startswith("已起草") for t in statuses)  # only drafted, pending opinions
        for sid in drafted:  # other tests of the session may have drafted more: pick ours
            page.locator(f'.dash-table tr[data-id="{sid}"] .row-check').check()
        assert page.locator("#dash-selection").inner_text() == f"已选 {len(drafted)} 个可审批项目"
        page.once("dialog", lambda d: d.accept())
        page.locator("#dash-approve").click()
        result = page.locator("#dash-approve-result")
        result.wait_for()
        assert f"已审批通过 {len(drafted)} 项" in result.inner_text()
        shot(page, "dashboard-bulk-approve")
    finally:
        context.close()
    with live_server.client("reviewer1") as c:
        for sid in drafted:
            assert c.get(f"/v1/submissions/{sid}").json()["status"] == "approved"
        actions = [e["action"] for e in c.get("/v1/audit", params={"submission_id": drafted[0]}).json()]
        assert "review.approve" in actions


def test_a_signed_in_reload_asks_for_statistics_and_charts_once(browser, live_server, seeded):
    """js/boot.js asks for the statistics and ECharts before the modules load; the page uses them."""
    token = live_server.tokens["reviewer1"]
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    try:
        context.add_init_script(f"sessionStorage.setItem('jixiao.token', {json.dumps(token)});")
        page = context.new_page()
        asked: list[str] = []
        page.on("request", lambda r: asked.append(r.url.replace(live_server.base_url, "")))
        page.goto(live_server.base_url + "/#/dashboard")
        page.locator("#chart-budget[data-rendered='true'] canvas").first.wait_for()
        expect(page.locator(".dash-table tbody tr").first).to_be_visible()
        assert [u for u in asked if u.startswith("/v1/dashboard")] == [
            "/v1/dashboard?sort=id&offset=0&limit=50"
        ]
        assert sum("echarts" in u for u in asked) == 1
        consumed = (
            "window.jixiaoEarly && window.jixiaoEarly.dashboard === null && !!window.jixiaoEarly.echarts"
        )
        assert page.evaluate(consumed)  # asked for by boot.js, taken by the page
        page.locator("#dash-grade").select_option("优")  # later views ask afresh
        expect(page.locator("#dash-count")).to_contain_text("符合条件的项目")
        assert any(u.startswith("/v1/dashboard/projects") for u in asked)
    finally:
        context.close()
