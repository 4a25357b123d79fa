"""Submitting targets: JSON or a file, automatic precheck, bad uploads, the stateless precheck, callbacks."""

from __future__ import annotations

import json

import pytest

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def dev_submissions(data_dir_shared) -> dict[str, dict]:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["submissions"]}


def _error(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and {"code", "message", "details"} <= set(body["error"])
    assert "Traceback" not in response.text
    return body["error"]


def test_json_submission_is_stored_and_prechecked(review_env, dev_submissions):
    env = review_env
    response = env.client.post("/v1/submissions", json=dev_submissions["D07"], headers=env.headers("unit1"))
    assert response.status_code == 201, response.text
    item = response.json()["items"][0]
    assert (item["external_id"], item["status"], item["status_zh"], item["submitter"]) == (
        "D07",
        "pending",
        "待审",
        "unit1",
    )
    assert item["grade"] in ("优", "良", "中", "差") and item["grade"] == item["precheck"]["grade"]
    codes = {f["code"] for f in item["precheck"]["findings"]}
    assert {"TIMELINESS_VAGUE", "COST_NOT_MEASURABLE"} <= codes  # D07's labels
    assert item["findings_count"] == len(item["precheck"]["findings"]) == sum(item["counts"].values())
    assert all(f["severity_zh"] in ("错误", "警告", "提示") for f in item["precheck"]["findings"])
    assert item["submission"]["project"] == dev_submissions["D07"]["project"]
    detail = env.client.get(f"/v1/submissions/{item['id']}", headers=env.headers("unit1")).json()
    assert detail["precheck"] == item["precheck"]


def test_a_list_and_the_wrapped_form_are_accepted_in_order(review_env, dev_submissions):
    env = review_env
    body = {"submissions": [dev_submissions["D02"], dev_submissions["D13"]]}
    items = env.client.post("/v1/submissions", json=body, headers=env.headers("unit1")).json()["items"]
    assert [i["external_id"] for i in items] == ["D02", "D13"]
    items = env.client.post(
        "/v1/submissions", json=[dev_submissions["D05"]], headers=env.headers("unit2")
    ).json()["items"]
    assert [i["external_id"] for i in items] == ["D05"]


def test_form_xlsx_upload_reads_the_project(review_env, data_dir_shared, dev_submissions):
    env = review_env
    path = data_dir_shared / "targets_form_D07.xlsx"
    response = env.client.post(
        "/v1/submissions", files={"file": (path.name, path.read_bytes(), XLSX)}, headers=env.headers("unit1")
    )
    assert response.status_code == 201, response.text
    item = response.json()["items"][0]
    assert item["project"] == dev_submissions["D07"]["project"]
    assert item["submission"]["budget_yuan"] == pytest.approx(11_880_000)


def test_text_file_upload_is_refused_naming_the_file(review_env):
    env = review_env
    response = env.client.post(
        "/v1/submissions",
        files={"file": ("说明.txt", "你好".encode(), "text/plain")},
        headers=env.headers("unit1"),
    )
    assert response.status_code == 415
    error = _error(response)
    assert "说明.txt" in error["message"] and error["details"]["file"] == "说明.txt"


def test_broken_xlsx_is_a_400_naming_the_file(review_env):
    env = review_env
    response = env.client.post(
        "/v1/submissions",
        files={"file": ("坏表.xlsx", b"PK\x03\x04not really a zip", XLSX)},
        headers=env.headers("unit1"),
    )
    assert response.status_code == 400
    error = _error(response)
    assert "坏表.xlsx" in error["message"] and error["details"]["errors"][0]["file"] == "坏表.xlsx"


def test_invalid_json_and_wrong_content_type_are_explained(review_env):
    env = review_env
    bad = env.client.post(
        "/v1/submissions",
        content=b'{"project": ',
        headers={**env.headers("unit1"), "Content-Type": "application/json"},
    )
    assert bad.status_code == 400 and "JSON" in _error(bad)["message"]
    plain = env.client.post(
        "/v1/submissions", content=b"project", headers={**env.headers("unit1"), "Content-Type": "text/plain"}
    )
    assert plain.status_code == 415 and "multipart" in _error(plain)["message"]
    empty = env.client.post("/v1/submissions", json={"submissions": []}, headers=env.headers("unit1"))
    assert empty.status_code == 400 and _error(empty)["code"] == "no_submissions"


def test_over_limit_body_is_413(tmp_data_dir):
    from support.review_env import build_env

    env = build_env(tmp_data_dir, None, max_upload_mb=0.01)  # 10 KB
    big = b"x" * 20_000
    by_length = env.client.post(
        "/v1/submissions", files={"file": ("big.xlsx", big, XLSX)}, headers=env.headers("unit1")
    )
    assert by_length.status_code == 413 and _error(by_length)["code"] == "payload_too_large"

    def chunks():
        yield b'{"project": "'
        yield b"a" * 20_000
        yield b'"}'

    streamed = env.client.post(
        "/v1/submissions",
        content=chunks(),
        headers={**env.headers("unit1"), "Content-Type": "application/json"},
    )
    assert streamed.status_code == 413 and "MB" in _error(streamed)["message"]
    env.app.state.services.close()


def test_stateless_precheck_has_the_contract_shape(review_env, dev_submissions):
    env = review_env
    response = env.client.post(
        "/v1/prechecks", json=[dev_submissions["D07"], dev_submissions["D02"]], headers=env.headers("unit2")
    )
    assert response.status_code == 200
    results = response.json()["submissions"]
    assert [r["id"] for r in results] == ["D07", "D02"]
    finding = results[0]["findings"][0]
    assert {
        "rule_id",
        "code",
        "severity",
        "dimension",
        "location",
        "message",
        "suggestion",
        "citations",
    } <= set(finding)
    listed = env.client.get("/v1/submissions", headers=env.headers("reviewer1")).json()["items"]
    assert listed == []  # nothing was stored


def test_precheck_report_as_markdown(review_env, dev_submissions):
    env = review_env
    item = env.client.post(
        "/v1/submissions", json=dev_submissions["D07"], headers=env.headers("unit1")
    ).json()["items"][0]
    report = env.client.get(
        f"/v1/submissions/{item['id']}/precheck", params={"format": "markdown"}, headers=env.headers("unit1")
    )
    assert report.status_code == 200 and report.headers["content-type"].startswith("text/markdown")
    assert dev_submissions["D07"]["project"] in report.text


# callbacks (allowlist, address checks, queue, retries, total timeout): tests/api/test_api_callbacks.py


def test_bad_callback_url_is_refused(review_env, dev_submissions):
    env = review_env
    response = env.client.post(
        "/v1/submissions",
        json=dev_submissions["D02"],
        params={"callback_url": "ftp://x"},
        headers=env.headers("unit1"),
    )
    assert response.status_code == 400 and _error(response)["code"] == "bad_callback_url"
