"""Who may do what: tokens, roles as dependencies, a submitter's view limited to their own."""

from __future__ import annotations

import json
import time

import pytest


@pytest.fixture(scope="module")
def d07(data_dir_shared) -> dict:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return next(s for s in data["submissions"] if s["id"] == "D07")


def test_health_reports_rules_only_mode(review_env):
    first = review_env.client.get("/v1/health").json()
    assert first["status"] in ("starting", "ok")  # never blocks on the index
    deadline = time.monotonic() + 120
    while (body := review_env.client.get("/v1/health").json())["status"] == "starting":
        assert time.monotonic() < deadline
        time.sleep(0.1)
    assert body["status"] == "ok" and body["mode"] == "rules-only"
    assert body["mode_label"].startswith("未配置大模型")
    assert body["documents"] >= 1 and body["clauses"] >= 1  # the starter pack


def test_missing_and_bad_tokens_are_401_in_chinese(review_env):
    client = review_env.client
    missing = client.get("/v1/me")
    assert missing.status_code == 401 and "令牌" in missing.json()["error"]["message"]
    bad = client.get("/v1/me", headers={"Authorization": "Bearer jx_0000.nope"})
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "invalid_token"


@pytest.mark.parametrize(
    ("username", "role_zh", "can_review", "can_approve"),
    [
        ("unit1", "提交单位", False, False),
        ("reviewer1", "审核人员", True, False),  # 审核 and 审批 are different people
        ("approver1", "审批人", False, True),
        ("admin1", "管理员", False, False),  # manages users and documents, decides nothing
    ],
)
def test_me_lists_role_and_permissions(review_env, username, role_zh, can_review, can_approve):
    me = review_env.client.get("/v1/me", headers=review_env.headers(username)).json()
    assert me["username"] == username and me["role_zh"] == role_zh
    assert ("review" in me["permissions"]) is can_review
    assert ("approve" in me["permissions"]) is can_approve


def test_revoked_token_is_refused_at_once(review_env):
    from assistant.records import revoke_tokens, session_scope

    env = review_env
    for _ in range(3):  # recently verified: nothing may remember it
        assert env.client.get("/v1/me", headers=env.headers("unit2")).status_code == 200
    with session_scope(env.app.state.services.session_factory) as session:
        assert revoke_tokens(session, username="unit2", actor="tests") == 1
    refused = env.client.post("/v1/submissions", json={"project": "x"}, headers=env.headers("unit2"))
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "invalid_token"
    assert env.client.get("/v1/me", headers=env.headers("unit2")).status_code == 401


def test_submitter_cannot_approve_edit_or_draft(review_env, d07):
    env = review_env
    sid = env.client.post("/v1/submissions", json=d07, headers=env.headers("unit1")).json()["items"][0]["id"]
    assert env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1")).status_code == 200
    for method, path, body in (
        ("post", f"/v1/reviews/{sid}/approve", {}),
        ("put", f"/v1/reviews/{sid}", {"text": "x"}),
        ("post", f"/v1/reviews/{sid}/draft", None),
        ("post", f"/v1/reviews/{sid}/return", {"comment": "x"}),
    ):
        response = getattr(env.client, method)(path, json=body, headers=env.headers("unit1"))
        assert response.status_code == 403, (path, response.text)
        assert "提交单位" in response.json()["error"]["message"]
    admin = env.client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("admin1"))
    assert admin.status_code == 403
    # the owner can still read the draft and its history
    assert env.client.get(f"/v1/reviews/{sid}", headers=env.headers("unit1")).status_code == 200


def test_submitter_sees_only_own_submissions(review_env, d07):
    env = review_env
    own = env.client.post("/v1/submissions", json=d07, headers=env.headers("unit1")).json()["items"][0]["id"]
    other = env.client.post("/v1/submissions", json=d07, headers=env.headers("unit2")).json()["items"][0][
        "id"
    ]
    for path in (
        f"/v1/submissions/{other}",
        f"/v1/submissions/{other}/precheck",
        f"/v1/reviews/{other}",
        f"/v1/reviews/{other}/export.docx",
    ):
        response = env.client.get(path, headers=env.headers("unit1"))
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "submission_not_found"
    mine = [i["id"] for i in env.client.get("/v1/submissions", headers=env.headers("unit1")).json()["items"]]
    assert mine == [own]
    staff = [
        i["id"] for i in env.client.get("/v1/submissions", headers=env.headers("reviewer1")).json()["items"]
    ]
    assert set(staff) == {own, other}
    resubmit = env.client.post(f"/v1/submissions/{other}/resubmit", json=d07, headers=env.headers("unit1"))
    assert resubmit.status_code == 404


def test_audit_is_staff_only_and_has_no_write_route(review_env):
    env = review_env
    assert env.client.get("/v1/audit", headers=env.headers("unit1")).status_code == 403
    assert env.client.get("/v1/audit", headers=env.headers("reviewer1")).status_code == 200
    for method in ("post", "put", "delete"):
        assert getattr(env.client, method)("/v1/audit", headers=env.headers("admin1")).status_code == 405


def test_validation_errors_are_chinese_422(review_env):
    env = review_env
    response = env.client.post("/v1/reviews/1/return", json={}, headers=env.headers("reviewer1"))
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error" and "comment" in error["message"]
