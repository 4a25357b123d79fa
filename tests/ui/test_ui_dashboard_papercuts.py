"""What a new user tripped over, in a real browser: a refused upload no longer stays selected and pasted
JSON is never silently ignored; the same project uploaded again is not a second submission (identical: not
stored; changed: a new version whose 整改闭环 the submission page shows); the 审核意见 list says which
projects have a draft and opening one without a draft asks for no missing opinion; 年度 is blank with a
reason when no year is stated; findings are numbered in reading order; no navigation on the login page."""

from __future__ import annotations

import copy
import json
import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.fixture(scope="module")
def d07(data_dir_shared) -> dict:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    item = next(s for s in data["submissions"] if s["id"] == "D07")
    item = copy.deepcopy(item)
    item["project"] = "界面测试：" + item["project"]  # apart from what other browser tests upload
    return item


def _submit(page) -> None:
    page.get_by_role("button", name="提交预审").click()


def test_upload_papercuts_and_new_version_with_closure(open_page, d07, shot):
    page, _watch = open_page("unit2")
    page.goto(page.url.split("#")[0] + "#/precheck")
    page.get_by_role("heading", name="提交绩效目标").wait_for()
    upload = page.locator("#upload-file")

    upload.set_input_files(
        files=[{"name": "说明.txt", "mimeType": "text/plain", "buffer": "请审核".encode()}]
    )
    _submit(page)
    expect(page.locator(".upload-results")).to_contain_text("文件“说明.txt”的类型不受支持")
    assert page.evaluate("document.querySelector('#upload-file').files.length") == 0
    expect(page.locator(".file-name")).to_have_text("未选择文件")

    upload.set_input_files(files=[{"name": "说明.txt", "mimeType": "text/plain", "buffer": b"x"}])
    page.locator("#upload-json").fill(json.dumps(d07, ensure_ascii=False))
    _submit(page)
    results = page.locator(".upload-results")
    expect(results).to_contain_text("上传完成")
    expect(results.locator(".upload-item.outcome-new")).to_have_count(1)  # the pasted JSON was read too
    expect(results).to_contain_text("说明.txt")
    assert page.locator("#upload-json").input_value() == ""

    page.locator("#upload-json").fill(json.dumps(d07, ensure_ascii=False))
    _submit(page)
    expect(page.locator(".upload-results .upload-item.outcome-same")).to_contain_text("内容相同，未重复保存")
    rows = page.locator(".submissions tbody tr", has_text=d07["project"])
    expect(rows).to_have_count(1)

    changed = copy.deepcopy(d07)
    changed["indicators"] = changed["indicators"][1:]
    page.locator("#upload-json").fill(json.dumps(changed, ensure_ascii=False))
    _submit(page)
    page.get_by_role("heading", name="整改闭环").wait_for()  # a single new version opens its page
    closure = page.locator("#closure")
    expect(closure.locator("#closure-summary")).to_contain_text("与第1版相比")
    expect(closure.locator(".closure-chain li")).to_have_count(2)
    expect(closure.locator(".closure-fixed h3")).to_contain_text("已整改")
    shot(page, "closure-new-version")


def test_review_list_shows_drafts_and_no_missing_opinion_is_requested(open_page, live_server, d07):
    with live_server.client("unit1") as c:
        item = copy.deepcopy(d07)
        item.pop("id")  # the same external id would make the second a new version of the first
        item["project"] = "意见列表测试：" + d07["project"]
        reply = c.post(
            "/v1/dashboard/upload", files=[("file", ("a.json", json.dumps(item, ensure_ascii=False)))]
        )
        sid = reply.json()["files"][0]["items"][0]["id"]
        other = copy.deepcopy(item)
        other["project"] = "意见列表测试（已起草）：" + d07["project"]
        reply = c.post(
            "/v1/dashboard/upload", files=[("file", ("b.json", json.dumps(other, ensure_ascii=False)))]
        )
        drafted_id = reply.json()["files"][0]["items"][0]["id"]
    with live_server.client("reviewer1") as c:
        assert c.post(f"/v1/reviews/{drafted_id}/draft").status_code == 200
    page, _watch = open_page("reviewer1")
    missing: list[str] = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 and "/v1/" in r.url else None)
    page.goto(page.url.split("#")[0] + "#/review")
    row = page.locator(f'.submissions tbody tr[data-id="{sid}"]')
    expect(row.locator(".review-state")).to_have_text("未起草")
    expect(page.locator(f'.submissions tbody tr[data-id="{drafted_id}"] .review-state')).to_have_text(
        "已起草（第1版）"
    )
    row.locator(".cell-project a").click()
    page.get_by_text("该项目尚未起草审核意见。").wait_for()
    assert not missing, missing


def test_year_is_blank_with_a_reason_and_findings_are_numbered_in_order(
    open_page, live_server, data_dir_shared
):
    flat = (data_dir_shared / "targets_dev_flat.xlsx").read_bytes()  # its title states a range of years
    with live_server.client("unit2") as c:
        reply = c.post("/v1/dashboard/upload", files=[("file", ("targets_dev_flat.xlsx", flat))]).json()
    items = [i for f in reply["files"] for i in f["items"] if i["id"]]
    assert items
    page, _watch = open_page("unit2")
    page.goto(page.url.split("#")[0] + "#/precheck")
    cell = page.locator(f'.submissions tbody tr[data-id="{items[0]["id"]}"] td.cell-year-missing')
    expect(cell).to_have_text("")
    assert "未注明年度" in cell.get_attribute("title")

    most = max(items, key=lambda i: i["findings"] or 0)
    page.goto(page.url.split("#")[0] + f"#/precheck/{most['id']}")
    page.locator(".finding-no").first.wait_for()
    numbers = [int(re.sub(r"\D", "", t)) for t in page.locator(".finding-no").all_inner_texts()]
    assert len(numbers) >= 3 and numbers == list(range(1, len(numbers) + 1))


def test_no_navigation_on_the_login_page(open_page, live_server, ui_login):
    page, _watch = open_page()
    expect(page.locator("#nav")).to_be_hidden()
    ui_login(page, live_server.tokens["reviewer1"])
    expect(page.locator("#nav")).to_be_visible()
    expect(page.locator('#nav a[data-route="dashboard"]')).to_be_visible()
    page.goto(page.url.split("#")[0] + "#/login")
    page.get_by_role("heading", name="登录绩效目标审核助手").wait_for()
    expect(page.locator("#nav")).to_be_hidden()
    page.goto(page.url.split("#")[0] + "#/home")
    page.get_by_role("heading", name="本轮审核总览").wait_for()
    expect(page.locator("#nav")).to_be_visible()


def test_a_unit_keeps_its_workbench_without_the_dashboard_link(open_page):
    page, _watch = open_page("unit1")
    expect(page.locator('#nav a[data-route="dashboard"]')).to_be_hidden()
    expect(page.get_by_role("heading", name="本轮审核总览")).to_have_count(0)
