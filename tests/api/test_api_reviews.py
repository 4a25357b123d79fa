"""The opinion workflow over HTTP: draft → edit → approve / return, resubmission diff, audit trail."""

from __future__ import annotations

import copy
import json

import pytest


@pytest.fixture(scope="module")
def dev(data_dir_shared) -> dict[str, dict]:
    data = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return {s["id"]: s for s in data["submissions"]}


def _submit(env, body, user="unit1") -> dict:
    response = env.client.post("/v1/submissions", json=body, headers=env.headers(user))
    assert response.status_code == 201, response.text
    return response.json()["items"][0]


def test_draft_edit_approve_keeps_every_version(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    assert env.client.get(f"/v1/reviews/{sid}", headers=env.headers("reviewer1")).status_code == 404
    drafted = env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1")).json()
    assert drafted["mode"] == "rules-only" and drafted["opinion"]["grade"] == _grade(env, sid)
    assert "审核结论" in drafted["text"]
    edited_text = drafted["text"] + "\n补充意见：请于10个工作日内重新报送。\n"
    edited = env.client.put(
        f"/v1/reviews/{sid}",
        json={"text": edited_text, "comment": "补充时限"},
        headers=env.headers("reviewer1"),
    ).json()
    assert edited["text"].endswith("请于10个工作日内重新报送。")
    approved = env.client.post(
        f"/v1/reviews/{sid}/approve", json={"comment": "同意"}, headers=env.headers("approver1")
    ).json()
    assert (approved["status"], approved["status_zh"]) == ("approved", "已通过")
    assert [(v["version"], v["action"], v["author"]) for v in approved["versions"]] == [
        (1, "draft", "reviewer1"),
        (2, "edit", "reviewer1"),
        (3, "approve", "approver1"),
    ]
    late_edit = env.client.put(f"/v1/reviews/{sid}", json={"text": "改"}, headers=env.headers("reviewer1"))
    assert late_edit.status_code == 409 and "已通过" in late_edit.json()["error"]["message"]
    actions = [
        e["action"]
        for e in env.client.get(
            "/v1/audit", params={"submission_id": sid}, headers=env.headers("reviewer1")
        ).json()
    ]
    assert actions == ["submission.create", "precheck.done", "review.draft", "review.edit", "review.approve"]


def _grade(env, sid: int) -> str:
    return env.client.get(f"/v1/submissions/{sid}", headers=env.headers("reviewer1")).json()["grade"]


def test_edit_is_audited_with_the_changed_lines(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    text = env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1")).json()["text"]
    env.client.put(
        f"/v1/reviews/{sid}", json={"text": text + "\n新增一句审核意见。"}, headers=env.headers("reviewer1")
    )
    audit = env.client.get(
        "/v1/audit", params={"submission_id": sid}, headers=env.headers("reviewer1")
    ).json()
    edit = next(e for e in audit if e["action"] == "review.edit")
    assert edit["actor"] == "reviewer1" and "+新增一句审核意见。" in edit["details"]["changes"]


def test_return_needs_a_comment_then_blocks_approval(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    blank = env.client.post(
        f"/v1/reviews/{sid}/return", json={"comment": "  "}, headers=env.headers("reviewer1")
    )
    assert blank.status_code == 400 and "退回" in blank.json()["error"]["message"]
    returned = env.client.post(
        f"/v1/reviews/{sid}/return",
        json={"comment": "请明确时效指标的完成时限"},
        headers=env.headers("reviewer1"),
    ).json()
    assert (
        returned["status"] == "returned" and returned["versions"][-1]["comment"] == "请明确时效指标的完成时限"
    )
    assert (
        env.client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("approver1")).status_code
        == 409
    )
    mine = env.client.get(
        "/v1/submissions", params={"status": "returned"}, headers=env.headers("unit1")
    ).json()
    assert [i["id"] for i in mine["items"]] == [sid]


def test_approve_before_draft_is_refused(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    response = env.client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("approver1"))
    assert response.status_code == 409 and "起草" in response.json()["error"]["message"]


def test_resubmission_links_and_diffs_findings(review_env, dev):
    env = review_env
    first = _submit(env, dev["D04"])
    env.client.post(
        f"/v1/reviews/{first['id']}/return", json={"comment": "请修改"}, headers=env.headers("reviewer1")
    )
    fixed = copy.deepcopy(dev["D04"])
    fixed["annual_goal"] = dev["D02"]["annual_goal"]  # the vague goal replaced by a measurable one
    response = env.client.post(
        f"/v1/submissions/{first['id']}/resubmit", json=fixed, headers=env.headers("unit1")
    )
    assert response.status_code == 201, response.text
    second = response.json()
    assert (second["previous_id"], second["version"], second["status"]) == (first["id"], 2, "pending")
    before = {
        (f["code"], f["location"].get("field"), f["location"].get("indicator"))
        for f in first["precheck"]["findings"]
    }
    after = {
        (f["code"], f["location"].get("field"), f["location"].get("indicator"))
        for f in second["precheck"]["findings"]
    }
    diff = second["diff"]
    assert {
        (f["code"], f["location"].get("field"), f["location"].get("indicator")) for f in diff["resolved"]
    } == before - after
    assert {
        (f["code"], f["location"].get("field"), f["location"].get("indicator")) for f in diff["added"]
    } == after - before
    assert diff["unchanged"] == len(before & after)
    assert ("GOAL_VAGUE", "annual_goal", None) in before - after
    listed = [
        i["id"] for i in env.client.get("/v1/submissions", headers=env.headers("unit1")).json()["items"]
    ]
    assert listed == [second["id"]]  # the replaced version is hidden
    again = env.client.post(
        f"/v1/submissions/{first['id']}/resubmit", json=fixed, headers=env.headers("unit1")
    )
    assert again.status_code == 409
    audit = env.client.get(
        "/v1/audit", params={"submission_id": second["id"]}, headers=env.headers("reviewer1")
    ).json()
    assert audit[0]["action"] == "submission.resubmit" and audit[0]["details"]["previous_id"] == first["id"]
    assert "GOAL_VAGUE" in audit[0]["details"]["resolved"]


def test_resubmission_of_an_approved_one_is_refused(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D02"])["id"]
    env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
    approved = env.client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("approver1"))
    assert approved.status_code == 200, approved.text
    response = env.client.post(
        f"/v1/submissions/{sid}/resubmit", json=dev["D02"], headers=env.headers("unit1")
    )
    assert response.status_code == 409 and "审核通过" in response.json()["error"]["message"]


def test_resubmission_only_from_a_returned_record_and_only_once(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D04"])["id"]
    pending = env.client.post(
        f"/v1/submissions/{sid}/resubmit", json=dev["D04"], headers=env.headers("unit1")
    )
    assert pending.status_code == 409 and "待审" in pending.json()["error"]["message"]
    returned = env.client.post(
        f"/v1/reviews/{sid}/return", json={"comment": "请修改年度目标"}, headers=env.headers("reviewer1")
    )
    assert returned.status_code == 200, returned.text
    first = env.client.post(f"/v1/submissions/{sid}/resubmit", json=dev["D04"], headers=env.headers("unit1"))
    assert first.status_code == 201, first.text
    again = env.client.post(f"/v1/submissions/{sid}/resubmit", json=dev["D04"], headers=env.headers("unit1"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "already_resubmitted"
    assert f"#{first.json()['id']}" in again.json()["error"]["message"]


def test_reviewers_draft_and_return_approvers_approve(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    approver_draft = env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("approver1"))
    assert approver_draft.status_code == 403 and "审批人" in approver_draft.json()["error"]["message"]
    env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
    own = env.client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("reviewer1"))
    assert own.status_code == 403 and "无权审批" in own.json()["error"]["message"]
    admin = env.client.post(f"/v1/reviews/{sid}/return", json={"comment": "x"}, headers=env.headers("admin1"))
    assert admin.status_code == 403
    assert env.client.get(f"/v1/reviews/{sid}", headers=env.headers("unit1")).json()["status"] == "pending"


def test_nobody_approves_an_opinion_they_drafted_or_edited(review_env, dev):
    from assistant.records import session_scope
    from assistant.records.models import User

    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
    with session_scope(env.app.state.services.session_factory) as session:  # promoted after drafting
        session.query(User).filter_by(username="reviewer1").one().role = "approver"
    refused = env.client.post(f"/v1/reviews/{sid}/approve", json={}, headers=env.headers("reviewer1"))
    assert refused.status_code == 403
    error = refused.json()["error"]
    assert error["code"] == "separation_of_duties" and "不同人员" in error["message"]
    assert env.client.post(f"/v1/reviews/{sid}/approve", headers=env.headers("approver1")).status_code == 200


def test_stale_version_is_refused_with_409(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    drafted = env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
    assert drafted.json()["version"] == 1 and drafted.headers["etag"] == '"1"'
    again = env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
    assert again.status_code == 409 and again.json()["error"]["code"] == "review_exists"
    text = drafted.json()["text"]
    first = env.client.put(
        f"/v1/reviews/{sid}",
        json={"text": text + "\n甲"},
        headers={**env.headers("reviewer1"), "If-Match": '"1"'},
    )
    assert first.status_code == 200 and first.json()["version"] == 2 and first.headers["etag"] == '"2"'
    stale = env.client.put(
        f"/v1/reviews/{sid}", json={"text": text + "\n乙", "version": 1}, headers=env.headers("reviewer1")
    )
    assert stale.status_code == 409
    error = stale.json()["error"]
    assert error["code"] == "stale_version" and "第1版" in error["message"] and "第2版" in error["message"]
    assert error["details"] == {"expected_version": 1, "current_version": 2}
    bad = env.client.put(
        f"/v1/reviews/{sid}", json={"text": "丙"}, headers={**env.headers("reviewer1"), "If-Match": "abc"}
    )
    assert bad.status_code == 400 and bad.json()["error"]["code"] == "bad_if_match"
    redraft = env.client.post(
        f"/v1/reviews/{sid}/draft", json={"version": 2}, headers=env.headers("reviewer1")
    )
    assert redraft.status_code == 200 and redraft.json()["version"] == 3
    stale_approve = env.client.post(
        f"/v1/reviews/{sid}/approve", headers={**env.headers("approver1"), "If-Match": '"2"'}
    )
    assert stale_approve.status_code == 409
    ok = env.client.post(
        f"/v1/reviews/{sid}/approve", headers={**env.headers("approver1"), "If-Match": 'W/"3"'}
    )
    assert ok.status_code == 200 and ok.json()["status"] == "approved"
    review = env.client.get(f"/v1/reviews/{sid}", headers=env.headers("unit1"))
    assert review.headers["etag"] == '"4"' and [v["action"] for v in review.json()["versions"]] == [
        "draft",
        "edit",
        "draft",
        "approve",
    ]


def test_review_text_and_comment_lengths_are_bounded(review_env, dev):
    env = review_env
    sid = _submit(env, dev["D07"])["id"]
    env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
    huge = env.client.put(
        f"/v1/reviews/{sid}", json={"text": "字" * 100_001}, headers=env.headers("reviewer1")
    )
    assert huge.status_code == 422 and "text" in huge.json()["error"]["message"]
    long_comment = env.client.post(
        f"/v1/reviews/{sid}/return", json={"comment": "退" * 2_001}, headers=env.headers("reviewer1")
    )
    assert long_comment.status_code == 422


def test_a_draft_does_not_wait_minutes_for_a_loading_knowledge_base(review_env, dev, monkeypatch):
    import time

    from api.routers import reviews

    env = review_env
    services = env.app.state.services
    sid = _submit(env, dev["D07"])["id"]
    monkeypatch.setattr(reviews, "KB_WAIT_S", 0.2)
    assert services.knowledge_base_if_open() is None
    services._kb_lock.acquire()  # the warm-up is still embedding the starter pack
    try:
        started = time.monotonic()
        drafted = env.client.post(f"/v1/reviews/{sid}/draft", headers=env.headers("reviewer1"))
        assert time.monotonic() - started < 10
    finally:
        services._kb_lock.release()
    assert drafted.status_code == 200, drafted.text
    caveats = drafted.json()["opinion"]["caveats"]
    assert any("知识库仍在加载" in c for c in caveats)
    assert "知识库仍在加载" not in drafted.json()["text"]  # said to the reviewer, not in the document
    redrafted = env.client.post(
        f"/v1/reviews/{sid}/draft", json={"version": 1}, headers=env.headers("reviewer1")
    )
    assert redrafted.status_code == 200
    assert not any("知识库仍在加载" in c for c in redrafted.json()["opinion"]["caveats"])
