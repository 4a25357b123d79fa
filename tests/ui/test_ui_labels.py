"""The UI's words come from the server (GET /v1/labels, assistant/labels.py), never from JavaScript tables:
the precheck page, the submission list, the home page and the review history show the API's wording."""

from __future__ import annotations

import json
import re

import pytest
from playwright.sync_api import expect

from api.ui import STATIC_DIR
from assistant.labels import labels_public

TABLE_CELLS = ["level1", "level2", "name", "op", "value", "unit", "weight"]


def _words(value) -> set[str]:
    if isinstance(value, dict):
        return {w for v in value.values() for w in _words(v)}
    if isinstance(value, list):
        return {w for v in value for w in _words(v)}
    return {value} if isinstance(value, str) and re.search(r"[\u4e00-\u9fff]", value) else set()


def test_labels_js_declares_no_label_words() -> None:
    """Every served word exists once, in Python: labels.js only holds the containers loadLabels() fills."""
    labels = labels_public()
    source = (STATIC_DIR / "js" / "labels.js").read_text(encoding="utf-8")
    words = _words({k: v for k, v in labels.items() if k != "grades"})  # 优/良/中/差 are CSS keys there
    assert len(words) > 30
    literals = set(re.findall(r'"([^"]*)"', source)) | set(re.findall(r"'([^']*)'", source))
    assert sorted(words & literals) == []
    assert "三级指标" not in source and "第${" not in source


@pytest.mark.slow
@pytest.mark.browser
def test_pages_show_the_servers_wording(open_page, live_server, data_dir_shared, shot) -> None:
    labels = live_server.client("reviewer1").get("/v1/labels").json()
    dataset = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    d07 = next(s for s in dataset["submissions"] if s["id"] == "D07")
    created = live_server.client("unit1").post("/v1/submissions", json=d07)
    assert created.status_code == 201, created.text
    detail = created.json()["items"][0]
    findings = detail["precheck"]["findings"]

    page, _watch = open_page("reviewer1")
    me = live_server.client("reviewer1").get("/v1/me").json()
    expect(page.locator(".perm-list li")).to_have_text([labels["permissions"][p] for p in me["permissions"]])

    page.goto(f"{live_server.base_url}/#/precheck/{detail['id']}")
    headers = page.locator("#indicator-table thead th")
    expect(headers).to_have_text(["序号", *[labels["cells"][c] for c in TABLE_CELLS], "问题"])
    expect(page.locator("#indicator-table thead")).not_to_contain_text("三级指标")
    located = [f for f in findings if f["location"].get("indicator") is not None]
    assert located
    for finding in located:
        card = page.locator(f"article.finding[data-code='{finding['code']}']").filter(
            has_text=finding["message"]
        )
        expect(card.first.locator(".finding-head .link-button")).to_have_text(
            f"定位：{finding['location_text']}"
        )
        assert finding["location_text"].startswith(f"第{finding['location']['indicator'] + 1}项指标")
    expect(page.locator(".dim-hint")).to_have_text([d["hint"] for d in labels["dimensions"]])
    shot(page, "20-labels-precheck")

    page.locator("#nav").get_by_role("link", name="绩效目标预审").click()
    row = page.locator(f"table.submissions tr[data-id='{detail['id']}']")
    expect(row.locator(".status-tag")).to_have_text(labels["status"]["pending"])
    counts = detail["counts"]
    expect(row.locator(".count")).to_have_text(
        [f"{labels['severity'][s]} {counts[s]}" for s in ("error", "warning", "info")]
    )
    options = page.get_by_label("状态").locator("option")
    expect(options).to_have_text(["全部", *labels["status"].values()])

    drafted = live_server.client("reviewer1").post(f"/v1/reviews/{detail['id']}/draft")
    assert drafted.status_code == 200, drafted.text
    page.goto(f"{live_server.base_url}/#/review/{detail['id']}")
    version = page.locator(".version").first
    expect(version.locator(".version-action")).to_have_text(labels["actions"]["draft"])
    expect(version.locator(".version-who")).to_contain_text(labels["roles"]["reviewer"])
