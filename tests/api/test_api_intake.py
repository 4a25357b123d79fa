"""POST /v1/submissions reads bodies and uploads with the import limits of the app's settings (like the CLI
and the dashboard upload), and accepts the formats the CLI accepts."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(scope="module")
def dev(data_dir_shared) -> dict[str, dict]:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["submissions"]}


@pytest.fixture()
def limited_env(tmp_data_dir):
    from support.review_env import build_env

    env = build_env(tmp_data_dir, None, max_field_chars=20, max_zip_members=2)
    yield env
    env.app.state.services.close()


def test_the_settings_limits_apply_to_a_json_body_and_an_uploaded_file(limited_env, dev):
    env = limited_env
    sub = {**dev["D02"], "project": "农村人居环境整治提升" * 4}  # 40 characters, the limit is 20
    body = env.client.post("/v1/submissions", json=sub, headers=env.headers("unit1"))
    assert body.status_code == 201, body.text
    [item] = body.json()["items"]
    assert item["project"] == sub["project"][:20]
    assert any("超过上限 20" in e["message"] for e in body.json()["errors"])
    raw = json.dumps(sub, ensure_ascii=False).encode("utf-8")
    upload = env.client.post(
        "/v1/submissions",
        files={"file": ("申报.json", raw, "application/json")},
        headers=env.headers("unit2"),
    )
    assert upload.status_code == 201, upload.text
    assert upload.json()["items"][0]["project"] == sub["project"][:20]
    assert any("超过上限 20" in e["message"] and e["file"] == "申报.json" for e in upload.json()["errors"])


def test_the_accepted_upload_types_are_those_of_the_dashboard_upload():
    from api.intake import ACCEPTED_SUFFIXES
    from api.routers.dashboard import UPLOAD_SUFFIXES

    assert sorted(ACCEPTED_SUFFIXES) == sorted(UPLOAD_SUFFIXES)
    assert {".json", ".xlsx", ".xls", ".docx", ".pdf", ".zip"} <= set(ACCEPTED_SUFFIXES)


def test_a_word_form_is_submitted_and_prechecked(review_env, data_dir_shared):
    from support.target_docs import form_docx, load_subs

    env = review_env
    real = load_subs(data_dir_shared / "real_dev_targets.json")[:2]
    response = env.client.post(
        "/v1/submissions",
        files={"file": ("教育局申报表.docx", form_docx(real), DOCX)},
        headers=env.headers("unit1"),
    )
    assert response.status_code == 201, response.text
    items = response.json()["items"]
    assert [i["project"] for i in items] == [s["project"] for s in real]
    assert all(
        i["grade"] in ("优", "良", "中", "差") and i["precheck"]["findings"] is not None for i in items
    )
    assert items[0]["submission"]["indicators"]  # the table's rows were read, not just the name
    stored = env.client.get(f"/v1/submissions/{items[0]['id']}", headers=env.headers("unit1")).json()
    assert stored["precheck"] == items[0]["precheck"]


def test_a_pdf_and_a_zip_are_accepted_by_the_stateless_precheck(limited_env, data_dir_shared, dev):
    from support.target_docs import flat_pdf, load_subs

    env = limited_env
    subs = load_subs(data_dir_shared / "targets_dev.json")[:2]
    pdf = env.client.post(
        "/v1/prechecks",
        files={"file": ("预算公开.pdf", flat_pdf(subs), "application/pdf")},
        headers=env.headers("reviewer1"),
    )
    assert pdf.status_code == 200, pdf.text
    assert len(pdf.json()["submissions"]) == 2
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        for key in ("D01", "D02", "D03"):
            zf.writestr(f"{key}.json", json.dumps(dev[key], ensure_ascii=False))
    zipped = env.client.post(
        "/v1/prechecks",
        files={"file": ("本轮.zip", archive.getvalue(), "application/zip")},
        headers=env.headers("reviewer1"),
    )
    assert zipped.status_code == 200, zipped.text
    assert len(zipped.json()["submissions"]) == 2  # the settings allow 2 members
    assert any("超过上限 2 个" in e["message"] for e in zipped.json()["errors"])


def test_an_unsupported_type_names_every_accepted_one(review_env):
    env = review_env
    response = env.client.post(
        "/v1/submissions",
        files={"file": ("扫描件.png", b"\x89PNG\r\n", "image/png")},
        headers=env.headers("unit1"),
    )
    assert response.status_code == 415
    message = response.json()["error"]["message"]
    assert "扫描件.png" in message and all(s in message for s in (".json", ".xlsx", ".docx", ".pdf", ".zip"))
