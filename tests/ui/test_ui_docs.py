"""政策文件 in a real browser (admin): document list with clause counts, search with highlighted
matches, upload with progress, removal."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

POLICY_TITLE = "界面测试市项目支出绩效目标管理暂行办法"
POLICY_TEXT = f"""# {POLICY_TITLE}

## 第一章 总则

第一条 为规范本市项目支出绩效目标管理，提高财政资金使用效益，制定本办法。

第二条 项目支出绩效目标应当细化量化，设置产出指标、效益指标和满意度指标。

## 第二章 审核

第三条 财政部门对绩效目标的完整性、相关性、适当性、可行性进行审核，审核结果分为优、良、中、差四个等级。
"""


def test_admin_searches_uploads_and_removes_a_policy_file(open_page, live_server, shot, tmp_path) -> None:
    api = live_server.client("admin1")
    page, _watch = open_page("admin1")
    page.locator("#nav").get_by_role("link", name="政策文件").click()

    documents = api.get("/v1/documents").json()["items"]
    rows = page.locator("table.documents tbody tr")
    expect(rows).to_have_count(len(documents))
    for doc in documents:
        row = page.locator(f"table.documents tr[data-doc-id='{doc['doc_id']}']")
        expect(row.locator("td.num")).to_have_text(str(doc["clauses"]))

    query = "绩效目标审核结果"
    page.get_by_role("searchbox", name="检索关键词").fill(query)
    page.get_by_role("searchbox", name="检索关键词").press("Enter")
    hits = api.get("/v1/search", params={"q": query, "k": 10}).json()["hits"]
    expect(page.locator(".hits > li")).to_have_count(len(hits))
    expect(page.locator(".hits .hit-title").first).to_have_text(hits[0]["citation"])
    expect(page.locator(".hits mark").first).to_be_visible()
    marks = page.locator(".hits mark").all_inner_texts()
    assert all(
        m in query or query in m or any(m[i : i + 2] in query for i in range(len(m) - 1)) for m in marks
    )
    shot(page, "12-docs-search")

    policy = tmp_path / "界面测试市绩效目标办法.md"
    policy.write_text(POLICY_TEXT, encoding="utf-8")
    page.get_by_label("政策文件（PDF、Word、Markdown、纯文本）", exact=False).set_input_files(str(policy))
    page.get_by_role("button", name="上传并导入").click()
    expect(page.locator(".progress-label")).to_contain_text("导入完成：新增 1 份", timeout=120_000)
    expect(page.locator("#doc-progress")).to_be_visible()
    new_doc = next(d for d in api.get("/v1/documents").json()["items"] if d["title"] == POLICY_TITLE)
    row = page.locator(f"table.documents tr[data-doc-id='{new_doc['doc_id']}']")
    expect(row.locator("td.num")).to_have_text(str(new_doc["clauses"]))
    shot(page, "13-docs-uploaded")

    page.once("dialog", lambda dialog: dialog.accept())
    row.get_by_role("button", name="删除", exact=False).click()
    expect(row).to_have_count(0)
    assert all(d["doc_id"] != new_doc["doc_id"] for d in api.get("/v1/documents").json()["items"])
