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
