"""The review's whole path in a real browser: the reviewer logs in, uploads D07, reads the precheck
(compared with the API's JSON), opens a citation, drafts and edits the opinion; the approver (another
person: 审核与审批分离) approves it and downloads the .docx; the list filters by state."""

from __future__ import annotations

import re
from collections import Counter

import pytest
from docx import Document
from playwright.sync_api import expect

pytestmark = [pytest.mark.slow, pytest.mark.browser]

DIMENSIONS = ["完整性", "相关性", "适当性", "可行性"]
ADDED_SENTENCE = "经复核，请将时效指标改为“2024年12月31日前完成全部建设任务”。"


def _upload_d07(page, data_dir_shared) -> int:
    page.locator("#nav").get_by_role("link", name="绩效目标预审").click()
    page.get_by_label("上传申报表（.xlsx）或 JSON 文件", exact=False).set_input_files(
        str(data_dir_shared / "targets_form_D07.xlsx")
    )
    page.get_by_role("button", name="提交预审").click()
    page.wait_for_url(re.compile(r"#/precheck/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def _check_findings_match_api(page, precheck: dict) -> None:
    findings = precheck["findings"]
    cards = page.locator("article.finding")
    expect(cards).to_have_count(len(findings))
    shown = Counter(cards.nth(i).get_attribute("data-code") for i in range(len(findings)))
    assert shown == Counter(f["code"] for f in findings)
    for dim in DIMENSIONS:
        section = page.locator("section.dimension").filter(has=page.get_by_role("heading", name=dim))
        expect(section.locator("article.finding")).to_have_count(sum(f["dimension"] == dim for f in findings))
    for finding in findings:
        expect(page.locator("article.finding").filter(has_text=finding["message"]).first).to_be_visible()
        loc = finding["location"]
        if loc.get("indicator") is None:
            continue
        row = page.locator(f"#indicator-{loc['indicator']}")
        expect(row).to_have_class(re.compile(r"\bflag-row\b"))
        if loc.get("cell"):
            expect(row.locator(f"td.cell-{loc['cell']}")).to_have_class(re.compile(r"\bflag-cell\b"))


def test_reviewer_prechecks_d07_then_edits_approves_and_exports(
    open_page, live_server, data_dir_shared, shot, ui_login, tmp_path
) -> None:
    page, _watch = open_page()
    expect(page.get_by_role("heading", name="登录绩效目标审核助手")).to_be_visible()
    shot(page, "01-login")
    ui_login(page, live_server.tokens["reviewer1"])
    expect(page.locator(".perm-menu")).to_contain_text("审核人员")
    expect(page.locator(".perm-list")).to_contain_text("起草、修改或退回审核意见")  # GET /v1/labels
    shot(page, "02-home-reviewer")

    submission_id = _upload_d07(page, data_dir_shared)
    api = live_server.client("reviewer1")
    detail = api.get(f"/v1/submissions/{submission_id}").json()
    precheck = detail["precheck"]
    assert precheck["findings"], "D07 carries labelled defects; the precheck must report some"
    expect(page.locator(".grade-block .grade-badge")).to_have_text(precheck["grade"])
    expect(page.locator(".grade-consequence")).to_have_text(precheck["grade_consequence"])
    expect(page.get_by_role("heading", name="预审发现", exact=False)).to_contain_text(
        str(len(precheck["findings"]))
    )
    _check_findings_match_api(page, precheck)
    expect(page.locator("#indicator-table tbody tr")).to_have_count(len(detail["submission"]["indicators"]))
    shot(page, "03-precheck-d07")

    chip = page.locator("article.finding .chip").first
    label = chip.inner_text()
    chip.focus()
    page.keyboard.press("Enter")  # keyboard only: open, read, close, focus returns
    dialog = page.locator("#clause-dialog")
    expect(dialog).to_be_visible()
    # the dialog names the clause; the chip's trust mark (〔条款号待核对〕) is shown apart in the dialog
    expect(dialog.locator("#clause-title")).to_have_text(label.removesuffix("〔条款号待核对〕").strip())
    expect(dialog.locator(".dialog-body .loading")).to_have_count(0)
    expect(dialog.locator(".clause-text")).not_to_be_empty()
    shot(page, "04-finding-citation")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(chip).to_be_focused()

    page.locator(".summary").get_by_role("link", name="审核意见").click()
    page.get_by_role("button", name="起草审核意见").click()
    editor = page.get_by_label("审核意见正文")
    expect(editor).not_to_have_value("")
    drafted = editor.input_value()
    editor.fill(drafted + "\n" + ADDED_SENTENCE)
    page.get_by_label("处理说明（退回修改时必填）").fill("补充时效指标的修改要求")
    expect(page.get_by_role("region", name="排版预览")).to_contain_text("2024年12月31日前完成全部建设任务")
    shot(page, "05-review-editing")
    expect(page.get_by_role("button", name="审批通过")).to_have_count(0)  # reviewers do not approve
    page.get_by_role("button", name="保存修改").click()
    expect(page.locator(".version")).to_have_count(2)

    page, _watch = open_page("approver1")
    page.goto(f"{live_server.base_url}/#/review/{submission_id}")
    expect(page.get_by_role("article", name="审核意见正文")).to_contain_text(
        "2024年12月31日前完成全部建设任务"
    )
    expect(page.locator("textarea#opinion-text")).to_have_count(0)  # approvers read, they do not edit
    page.get_by_label("审批意见（可选）").fill("同意")
    page.get_by_role("button", name="审批通过").click()
    expect(page.locator(".review-head .status-tag")).to_have_text("已通过")
    expect(page.locator(".version")).to_have_count(3)
    expect(page.get_by_role("button", name="审批通过")).to_have_count(0)
    shot(page, "06-review-approved")

    review = api.get(f"/v1/reviews/{submission_id}").json()
    assert review["status"] == "approved"
    assert ADDED_SENTENCE in review["text"]
    assert [(v["action"], v["author"]) for v in review["versions"]] == [
        ("draft", "reviewer1"),
        ("edit", "reviewer1"),
        ("approve", "approver1"),
    ]

    with page.expect_download() as download_info:
        page.get_by_role("button", name="下载 Word（.docx）").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / "opinion.docx"
    download.save_as(saved)
    text = "\n".join(p.text for p in Document(str(saved)).paragraphs)
    assert "2024年12月31日前完成全部建设任务" in text

    page.locator("#nav").get_by_role("link", name="审核意见").click()
    # other tests on the shared server store the same project: open this submission's own row
    page.locator(f"a[href='#/review/{submission_id}']").first.click()
    expect(page.get_by_role("heading", name=f"审核意见：{detail['project']}")).to_be_visible()
    expect(page.locator(".review-head .status-tag")).to_have_text("已通过")

    page.locator("#nav").get_by_role("link", name="绩效目标预审").click()
    page.get_by_label("状态").select_option("approved")
    expect(page.locator(f"table.submissions tr[data-id='{submission_id}']")).to_be_visible()
    page.get_by_label("状态").select_option("returned")
    expect(page.locator(f"table.submissions tr[data-id='{submission_id}']")).to_have_count(0)
    page.get_by_label("状态").select_option("")
    page.get_by_label("项目或单位").fill(detail["project"][:4])
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(f"table.submissions tr[data-id='{submission_id}']")).to_be_visible()
    shot(page, "06b-submission-list")
