"""The issue's bar, end to end through the real app: upload the D07 申报表, get findings, draft, edit,
approve as a reviewer, export .docx and read it back; submitters cannot approve or peek."""

from __future__ import annotations

import io

from docx import Document
from support.review_env import build_env, starter_index  # noqa: F401  (session fixture)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EDITED_SENTENCE = "经复核，时效指标须写明具体完成日期（如2023年12月31日前），成本指标须给出单位成本。"


def _docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def test_upload_review_approve_export(tmp_data_dir, starter_index, data_dir_shared):  # noqa: F811
    env = build_env(tmp_data_dir, starter_index)
    client = env.client
    try:
        health = client.get("/v1/health").json()
        assert health["mode"] == "rules-only" and "未配置大模型" in health["mode_label"]

        form = data_dir_shared / "targets_form_D07.xlsx"
        uploaded = client.post(
            "/v1/submissions",
            files={"file": (form.name, form.read_bytes(), XLSX)},
            headers=env.headers("unit1"),
        )
        assert uploaded.status_code == 201, uploaded.text
        item = uploaded.json()["items"][0]
        sid, grade = item["id"], item["grade"]
        codes = {f["code"] for f in item["precheck"]["findings"]}
        assert {"TIMELINESS_VAGUE", "COST_NOT_MEASURABLE"} <= codes

        draft = client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
        assert draft.status_code == 200, draft.text
        text = draft.json()["text"]
        assert grade in text and draft.json()["opinion"]["grade"] == grade
        lines = text.splitlines()
        heading = next(i for i, line in enumerate(lines) if line.strip().endswith("修改建议"))
        edited = "\n".join([*lines[: heading + 1], EDITED_SENTENCE, *lines[heading + 1 :]])
        saved = client.put(
            f"/v1/reviews/{sid}",
            json={"text": edited, "comment": "补充修改要求"},
            headers=env.headers("reviewer1"),
        )
        assert saved.status_code == 200 and EDITED_SENTENCE in saved.json()["text"]

        assert (
            client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("unit1")).status_code
            == 403
        )
        assert client.get(f"/v1/submissions/{sid}", headers=env.headers("unit2")).status_code in (403, 404)
        assert client.get(f"/v1/reviews/{sid}/export.docx", headers=env.headers("unit2")).status_code in (
            403,
            404,
        )

        # 审核 and 审批 are separate people: the reviewer who drafted cannot approve (issue 13)
        own = client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("reviewer1"))
        assert own.status_code == 403
        approved = client.post(
            f"/v1/reviews/{sid}/approve", json={"comment": "同意"}, headers=env.headers("approver1")
        )
        assert approved.status_code == 200 and approved.json()["status"] == "approved"

        exported = client.get(f"/v1/reviews/{sid}/export.docx", headers=env.headers("unit1"))
        assert exported.status_code == 200
        assert exported.headers["content-type"].startswith("application/vnd.openxmlformats")
        body = _docx_text(exported.content)
        assert "项目支出绩效目标审核意见" in body and "草稿" not in body
        assert f"审核等级：{grade}" in body
        assert EDITED_SENTENCE in body
        assert "审核人：李审核" in body and "审批人：王审批" in body
        assert item["project"] in body

        audit = client.get(
            "/v1/audit", params={"submission_id": sid}, headers=env.headers("approver1")
        ).json()
        assert [e["action"] for e in audit] == [
            "submission.create",
            "precheck.done",
            "review.draft",
            "review.edit",
            "review.approve",
        ]
        assert audit[0]["details"]["source"]  # which file it came from
    finally:
        env.app.state.services.close()
