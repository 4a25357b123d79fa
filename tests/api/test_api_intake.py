"""POST /v1/submissions reads bodies and uploads with the import limits of the app's settings (like the CLI
and the dashboard upload), and accepts the formats the CLI accepts."""

from __future__ import annotations

import json

import pytest


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
