"""支出标准库 and 事前绩效评估 over HTTP (real app, real SQLite): the admin imports and edits standards, every
precheck compares with the stored library, a reviewer assesses a new project on the five dimensions, saves
and finalises it, and the 事前绩效评估报告 .docx reads back with the conclusion and the 核减 arithmetic."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

SAMPLES = Path(__file__).resolve().parents[2] / "jixiao" / "samples"
ROAD = json.loads((SAMPLES / "cost_standard_submissions.json").read_text(encoding="utf-8"))["submissions"][0]


@pytest.fixture()
def env(review_env):
    return review_env


def _import_sample(env, replace: bool = False):
    with (SAMPLES / "standards_sample.csv").open("rb") as fh:
        return env.client.post(
            "/v1/standards/import" + ("?replace=true" if replace else ""),
            files={"file": ("standards_sample.csv", fh, "text/csv")},
            headers=env.headers("admin1"),
        )


def _submit(env, submission=ROAD) -> int:
    response = env.client.post("/v1/submissions", json=submission, headers=env.headers("unit1"))
    assert response.status_code == 201, response.text
    return response.json()["items"][0]["id"]


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.append(" | ".join(c.text for c in row.cells))
    return "\n".join(parts)


def test_only_admins_maintain_the_library_and_bad_rows_are_named(env):
    assert _import_sample(env).status_code == 200
    listed = env.client.get("/v1/standards", headers=env.headers("reviewer1")).json()["items"]
    assert {s["item"] for s in listed} >= {"国省县道保洁", "物业管理服务"}
    denied = env.client.post(
        "/v1/standards",
        json={"item": "x", "unit": "元/吨", "value": 1},
        headers=env.headers("reviewer1"),
    )
    assert denied.status_code == 403 and "无权维护支出标准库" in denied.json()["error"]["message"]
    assert env.client.get("/v1/standards", headers=env.headers("unit1")).status_code == 403

    bad = "事项,计量单位,标准值\n垃圾清运,元/吨,120\n路灯维护,元,5\n".encode()
    response = env.client.post(
        "/v1/standards/import",
        files={"file": ("坏行.csv", bad, "text/csv")},
        headers=env.headers("admin1"),
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["added"] == 1 and body["read"] == 1
    (issue,) = body["issues"]
    assert issue["file"] == "坏行.csv" and issue["row"] == 3 and issue["field"] == "计量单位"
    nothing = env.client.post(
        "/v1/standards/import",
        files={"file": ("空.csv", "名称\n无\n".encode(), "text/csv")},
        headers=env.headers("admin1"),
    )
    assert nothing.status_code == 400 and "没有可用的标准" in nothing.json()["error"]["message"]


def test_the_admin_adds_edits_and_deletes_a_standard_and_the_audit_log_keeps_it(env):
    created = env.client.post(
        "/v1/standards",
        json={
            "item": "生活垃圾清运",
            "keywords": "垃圾清运、垃圾转运",
            "unit": "元/吨",
            "value": 120,
            "basis": "示例",
        },
        headers=env.headers("admin1"),
    )
    assert created.status_code == 201, created.text
    sid = created.json()["id"]
    assert created.json()["keywords"] == ["垃圾清运", "垃圾转运"]
    bad_unit = env.client.put(
        f"/v1/standards/{sid}",
        json={"item": "生活垃圾清运", "unit": "元", "value": 1},
        headers=env.headers("admin1"),
    )
    assert bad_unit.status_code == 400 and "元/平方米·年" in bad_unit.json()["error"]["message"]
    updated = env.client.put(
        f"/v1/standards/{sid}",
        json={"item": "生活垃圾清运", "unit": "元/吨", "value": 100, "kind": "参考"},
        headers=env.headers("admin1"),
    )
    assert updated.status_code == 200 and updated.json()["value"] == 100 and updated.json()["kind"] == "参考"
    duplicate = env.client.post(
        "/v1/standards",
        json={"item": "生活垃圾清运", "unit": "元/吨", "value": 90},
        headers=env.headers("admin1"),
    )
    assert duplicate.status_code == 400 and "已有相同事项" in duplicate.json()["error"]["message"]
    assert env.client.delete(f"/v1/standards/{sid}", headers=env.headers("admin1")).status_code == 204
    assert env.client.delete(f"/v1/standards/{sid}", headers=env.headers("admin1")).status_code == 404
    audit = env.client.get("/v1/audit", headers=env.headers("admin1")).json()
    actions = [e["action"] for e in audit]
    assert {"standard.add", "standard.update", "standard.delete"} <= set(actions)
    exported = env.client.get("/v1/standards/export.csv", headers=env.headers("reviewer1"))
    assert exported.status_code == 200 and exported.content.decode("utf-8-sig").startswith(
        "事项,关键词,计量单位"
    )


def test_every_service_precheck_compares_with_the_stored_library(env):
    before = env.client.post("/v1/prechecks", json=ROAD, headers=env.headers("reviewer1")).json()
    assert "COST_OVER_STANDARD" not in {f["code"] for f in before["submissions"][0]["findings"]}
    assert _import_sample(env).status_code == 200
    after = env.client.post("/v1/prechecks", json=ROAD, headers=env.headers("reviewer1")).json()[
        "submissions"
    ][0]
    (cost,) = [f for f in after["findings"] if f["code"] == "COST_OVER_STANDARD"]
    assert cost["saving_yuan"] == pytest.approx(12_628_207 - 15_000 * 235.8 * 3)
    assert after["cost_checks"][0]["steps"][2].startswith("核减额")
    sid = _submit(env)
    stored = env.client.get(f"/v1/submissions/{sid}/precheck", headers=env.headers("reviewer1")).json()
    assert "COST_OVER_STANDARD" in {f["code"] for f in stored["findings"]}
    assert "EX_ANTE_MISSING" in {f["code"] for f in stored["findings"]}


def test_an_assessment_round_trips_into_the_report(env):
    assert _import_sample(env).status_code == 200
    sid = _submit(env)
    listed = env.client.get("/v1/exante", headers=env.headers("reviewer1")).json()
    (item,) = [i for i in listed["items"] if i["submission_id"] == sid]
    assert item["required"] is True and item["status"] is None  # 新增, 1,262.82万元 ≥ 100万元

    draft = env.client.get(f"/v1/submissions/{sid}/exante", headers=env.headers("reviewer1")).json()
    assert [d["name"] for d in draft["dimensions"]] == [
        "立项必要性",
        "投入经济性",
        "绩效目标合理性",
        "实施方案可行性",
        "筹资合规性",
    ]
    economy = draft["dimensions"][1]
    assert any("核减" in e["text"] and e["kind"] == "problem" for e in economy["evidence"])
    assert draft["suggested_adjusted_budget_yuan"] == pytest.approx(10_611_000)
    assert draft["suggested_conclusion"] == "调整后予以支持" and draft["stored"] is False

    assert (
        env.client.put(
            f"/v1/submissions/{sid}/exante", json={"scores": {"necessity": 18}}, headers=env.headers("unit1")
        ).status_code
        == 403
    )
    too_high = env.client.put(
        f"/v1/submissions/{sid}/exante", json={"scores": {"economy": 25}}, headers=env.headers("reviewer1")
    )
    assert too_high.status_code == 400 and "0–20" in too_high.json()["error"]["message"]
    incomplete = env.client.put(
        f"/v1/submissions/{sid}/exante",
        json={"scores": {"economy": 10}, "final": True},
        headers=env.headers("reviewer1"),
    )
    assert incomplete.status_code == 400 and "定稿前须完成" in incomplete.json()["error"]["message"]

    scores = {"necessity": 17, "economy": 9, "targets": 15, "feasibility": 16, "funding": 18}
    saved = env.client.put(
        f"/v1/submissions/{sid}/exante",
        json={
            "scores": scores,
            "comments": {"economy": "经实地勘察和市场询价，单位成本高于示例标准，应按标准核减。"},
            "conclusion": "调整后予以支持",
            "adjusted_budget_yuan": 10_611_000,
            "version": 0,
        },
        headers=env.headers("reviewer1"),
    )
    assert saved.status_code == 200, saved.text
    assert (
        saved.json()["version"] == 1
        and saved.json()["total_score"] == 75
        and saved.json()["status"] == "draft"
    )
    stale = env.client.put(
        f"/v1/submissions/{sid}/exante",
        json={"conclusion": "予以支持", "version": 0},
        headers=env.headers("reviewer1"),
    )
    assert stale.status_code == 409 and "已被他人修改" in stale.json()["error"]["message"]
    final = env.client.put(
        f"/v1/submissions/{sid}/exante",
        json={
            "scores": scores,
            "conclusion": "调整后予以支持",
            "adjusted_budget_yuan": 10_611_000,
            "final": True,
            "version": 1,
        },
        headers=env.headers("reviewer1"),
    )
    assert final.status_code == 200 and final.json()["status"] == "final"
    reread = env.client.get(f"/v1/submissions/{sid}/exante", headers=env.headers("approver1")).json()
    assert reread["dimensions"][1]["comment"].startswith("经实地勘察") and reread["assessor"] == "reviewer1"
    assert reread["conclusion"] == "调整后予以支持" and reread["adjusted_budget_yuan"] == 10_611_000

    response = env.client.get(f"/v1/submissions/{sid}/exante/report.docx", headers=env.headers("reviewer1"))
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats")
    text = _docx_text(response.content)
    for heading in (
        "一、项目概况",
        "二、评估内容与方法",
        "三、评估结论",
        "四、存在问题",
        "五、调整建议",
        "六、附表",
    ):
        assert heading in text
    assert "事前绩效评估报告" in text and "草稿" not in text
    assert "评估结论为：调整后予以支持" in text and "调整为10,611,000元" in text and "核减2,017,207元" in text
    assert "核减额：2,851.58元/公里·年 × 235.8公里" in text  # the arithmetic, line by line
    assert "立项必要性 | 20 | 17" in text and "合计 | 100 | 75" in text
    assert "国省县道保洁 | 17,851.58元/公里·年 | 15,000元/公里·年 | 上限" in text
    listed = env.client.get("/v1/exante", headers=env.headers("reviewer1")).json()["items"]
    assert [(i["status"], i["conclusion"]) for i in listed if i["submission_id"] == sid] == [
        ("final", "调整后予以支持")
    ]


def test_any_project_may_be_assessed_and_a_missing_one_is_404(env):
    plain = dict(ROAD, id="P2", project="村组干部报酬", ex_ante=None)
    sid = _submit(env, plain)
    assert all(
        i["submission_id"] != sid
        for i in env.client.get("/v1/exante", headers=env.headers("reviewer1")).json()["items"]
    )
    everything = env.client.get("/v1/exante?all=true", headers=env.headers("reviewer1")).json()["items"]
    assert any(i["submission_id"] == sid and i["required"] is False for i in everything)
    draft = env.client.get(f"/v1/submissions/{sid}/exante", headers=env.headers("reviewer1")).json()
    assert "没有事前评估信息" in draft["dimensions"][0]["evidence"][0]["text"]
    assert env.client.get("/v1/submissions/9999/exante", headers=env.headers("reviewer1")).status_code == 404


def test_round_uploads_on_the_dashboard_are_checked_against_the_library(env):
    assert _import_sample(env).status_code == 200
    body = json.dumps(dict(ROAD, id="DASH-1"), ensure_ascii=False).encode()
    response = env.client.post(
        "/v1/dashboard/upload", files=[("file", ("round.json", body))], headers=env.headers("unit1")
    )
    assert response.status_code == 200, response.text
    (sid,) = [i["id"] for f in response.json()["files"] for i in f["items"] if i["id"]]
    stored = env.client.get(f"/v1/submissions/{sid}/precheck", headers=env.headers("reviewer1")).json()
    (cost,) = [f for f in stored["findings"] if f["code"] == "COST_OVER_STANDARD"]
    assert cost["saving_yuan"] == pytest.approx(2_017_207)
