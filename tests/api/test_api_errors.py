"""Errors are Chinese JSON with a code, never a traceback — including unexpected failures."""

from __future__ import annotations


def test_unexpected_failure_is_a_chinese_500(review_env, monkeypatch):
    env = review_env

    def broken_kb():
        raise RuntimeError("index file truncated at /secret/path")

    monkeypatch.setattr(env.app.state.services, "knowledge_base", broken_kb)
    response = env.client.get("/v1/search", params={"q": "预算"}, headers=env.headers("unit1"))
    assert response.status_code == 500
    error = response.json()["error"]
    assert error["code"] == "internal_error" and "服务器内部错误" in error["message"]
    assert "secret" not in response.text and "Traceback" not in response.text


def test_unknown_route_and_method_are_chinese(review_env):
    env = review_env
    assert env.client.get("/v1/nope").json()["error"]["message"] == "请求的资源不存在。"
    wrong = env.client.delete("/v1/me", headers=env.headers("unit1"))
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    bad_id = env.client.get("/v1/submissions/abc", headers=env.headers("unit1"))
    assert bad_id.status_code == 422 and "submission_id" in bad_id.json()["error"]["message"]


def test_any_user_error_answers_with_the_status_it_carries():
    """The handler reads the status from the error itself: a new subclass needs no change in the API."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.errors import install_error_handlers
    from core.errors import Conflict, ImportIssue, UserError

    class Locked(UserError):
        status = 423
        default_code = "locked"

    app = FastAPI()
    install_error_handlers(app)

    @app.get("/locked")
    def locked():
        raise Locked("该申报正在被他人处理，请稍后再试。", details={"holder": "reviewer1"})

    @app.get("/conflict")
    def conflict():
        raise Conflict("申报 #3 已审批通过，不能退回。", code="invalid_state")

    @app.get("/bad-row")
    def bad_row():
        issue = ImportIssue(file="a.xlsx", sheet="绩效目标", row=7, field="指标值", message="不是数字")
        raise UserError(str(issue), code="bad_cell", issue=issue)

    client = TestClient(app)
    response = client.get("/locked")
    assert response.status_code == 423
    assert response.json() == {
        "error": {
            "code": "locked",
            "message": "该申报正在被他人处理，请稍后再试。",
            "details": {"holder": "reviewer1"},
        }
    }
    response = client.get("/conflict")
    assert response.status_code == 409 and response.json()["error"]["code"] == "invalid_state"
    response = client.get("/bad-row")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["details"] == {
        "file": "a.xlsx",
        "sheet": "绩效目标",
        "row": 7,
        "field": "指标值",
        "message": "不是数字",
    }
    assert error["message"] == "文件“a.xlsx”，工作表“绩效目标”，第7行，字段“指标值”：不是数字"


def test_domain_errors_reach_http_with_their_status_code_and_chinese_message(review_env, data_dir_shared):
    import json

    env = review_env
    client, unit, reviewer = env.client, env.headers("unit1"), env.headers("reviewer1")
    d07 = next(
        s
        for s in json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]
        if s["id"] == "D07"
    )
    sid = client.post("/v1/submissions", json=d07, headers=unit).json()["items"][0]["id"]
    cases = [
        (client.get("/v1/me"), 401, "unauthorized"),
        (client.post(f"/v1/reviews/{sid}/draft", headers=unit), 403, "forbidden"),
        (client.get(f"/v1/submissions/{sid}", headers=env.headers("unit2")), 404, "submission_not_found"),
        (client.get("/v1/conversations/999", headers=unit), 404, "conversation_not_found"),
        (client.get("/v1/documents/jobs/nope", headers=env.headers("admin1")), 404, "job_not_found"),
        (
            client.post(f"/v1/reviews/{sid}/approve", headers=env.headers("approver1")),
            409,
            "review_not_drafted",
        ),
        (
            client.post("/v1/submissions", content=b"x", headers={**unit, "content-type": "text/plain"}),
            415,
            "unsupported_media_type",
        ),
        (
            client.post(
                "/v1/submissions", content=b"{", headers={**unit, "content-type": "application/json"}
            ),
            400,
            "bad_json",
        ),
        (
            client.get("/v1/citations/resolve", params={"doc": "预算法"}, headers=reviewer),
            400,
            "article_required",
        ),
    ]
    for response, status, code in cases:
        error = response.json()["error"]
        assert (response.status_code, error["code"]) == (status, code), response.text
        assert any("\u4e00" <= c <= "\u9fff" for c in error["message"]), error
        assert isinstance(error["details"], dict)
    forbidden = cases[1][0].json()["error"]
    assert forbidden["details"] == {"required": "review", "role": "submitter"}


def test_oversized_body_is_413_whether_declared_or_streamed(tmp_data_dir, starter_index):
    from support.review_env import build_env

    env = build_env(tmp_data_dir, starter_index, max_upload_mb=0.01)
    try:
        big = b"[" + b" " * 20_000 + b"]"
        headers = {**env.headers("unit1"), "content-type": "application/json"}
        declared = env.client.post("/v1/submissions", content=big, headers=headers)

        def chunks():
            for _ in range(4):
                yield b" " * 6_000

        streamed = env.client.post("/v1/submissions", content=chunks(), headers=headers)
        for response in (declared, streamed):
            assert response.status_code == 413, response.text
            error = response.json()["error"]
            assert error["code"] == "payload_too_large" and "请求体超过上限" in error["message"]
            assert error["details"] == {"limit_mb": 0.01}
    finally:
        env.app.state.services.close()
