"""培训练习 over HTTP: list, exercise (answer key hidden), answer and score; errors in Chinese."""

from __future__ import annotations

import pytest


@pytest.fixture()
def env(review_env):
    return review_env


def _precheck_keys(env, submission: dict) -> list[tuple[int | None, str]]:
    """The product's own precheck of the exercise's submission: what a perfect trainee would mark."""
    result = env.client.post("/v1/prechecks", json=submission, headers=env.headers("reviewer1"))
    assert result.status_code == 200, result.text
    findings = result.json()["submissions"][0]["findings"]
    return list(dict.fromkeys((f["location"].get("indicator"), f["code"]) for f in findings))


def test_case_list_needs_a_login_and_lists_cases(env):
    assert env.client.get("/v1/training/cases").status_code == 401
    body = env.client.get("/v1/training/cases", headers=env.headers("unit1")).json()
    items = body["items"]
    assert len(items) >= 8
    assert {"case_id", "title", "sector", "difficulty"} <= set(items[0])
    assert len({i["case_id"] for i in items}) == len(items)


def test_exercise_shows_the_table_but_not_the_answer(env):
    exercise = env.client.get("/v1/training/cases/T01", headers=env.headers("unit1")).json()
    submission = exercise["submission"]
    assert submission["project"] and submission["annual_goal"] and submission["budget_yuan"]
    assert len(submission["indicators"]) >= 5
    assert "findings" not in exercise and "grade" not in exercise and "findings" not in submission
    codes = {c["code"]: c for c in exercise["choices"]}
    assert codes["VAGUE_VALUE"]["name"] == "指标值不可衡量" and codes["VAGUE_VALUE"]["explanation"]
    assert exercise["instructions"]


@pytest.mark.parametrize("username", ["unit1", "reviewer1", "admin1"])
def test_any_role_can_answer_and_a_perfect_answer_scores_100(env, username):
    headers = env.headers(username)
    exercise = env.client.get("/v1/training/cases/T04", headers=headers).json()
    keys = _precheck_keys(env, exercise["submission"])
    assert keys
    marks = [{"indicator": i, "code": code} for i, code in keys]
    score = env.client.post("/v1/training/cases/T04/answer", json={"marks": marks}, headers=headers).json()
    assert score["score"] == 100 and score["missed_findings"] == [] and score["correct"] == len(keys)
    assert score["grade"] in ("优", "良", "中", "差") and score["grade_consequence"]


def test_round_trip_with_one_right_one_wrong_mark(env):
    headers = env.headers("unit2")
    exercise = env.client.get("/v1/training/cases/T06", headers=headers).json()
    keys = _precheck_keys(env, exercise["submission"])
    row, code = next(k for k in keys if k[0] is not None)
    marks = [{"indicator": row, "code": code}, {"indicator": None, "code": "NO_COST"}]
    response = env.client.post("/v1/training/cases/T06/answer", json={"marks": marks}, headers=headers)
    assert response.status_code == 200, response.text
    score = response.json()
    assert [m["correct"] for m in score["marks"]] == [True, False]
    assert score["marks"][0]["finding"]["code"] == code
    assert score["correct"] == 1 and score["incorrect"] == 1
    assert score["missed"] == len(keys) - 1 == len(score["missed_findings"])
    assert score["precision"] == 0.5 and score["recall"] == pytest.approx(1 / len(keys), abs=1e-3)
    assert 0 < score["score"] < 100
    missed = score["missed_findings"][0]
    assert missed["message"] and missed["suggestion"] and missed["citations"][0]["label"]
    assert "误判" in score["comment"] and "漏判" in score["comment"]


def test_empty_answer_scores_0(env):
    score = env.client.post(
        "/v1/training/cases/T09/answer", json={"marks": []}, headers=env.headers("unit1")
    ).json()
    assert score["score"] == 0 and score["missed"] == score["total_findings"] > 0


def test_errors_are_chinese_and_never_tracebacks(env):
    headers = env.headers("unit1")
    missing = env.client.get("/v1/training/cases/NOPE", headers=headers)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "training_case_not_found"
    assert "练习案例" in missing.json()["error"]["message"]
    bad_code = env.client.post(
        "/v1/training/cases/T01/answer", json={"marks": [{"indicator": 0, "code": "XYZ"}]}, headers=headers
    )
    assert bad_code.status_code == 400 and bad_code.json()["error"]["code"] == "invalid_answer"
    assert "不在可选范围内" in bad_code.json()["error"]["message"]
    out_of_range = env.client.post(
        "/v1/training/cases/T01/answer",
        json={"marks": [{"indicator": 99, "code": "NO_UNIT"}]},
        headers=headers,
    )
    assert out_of_range.status_code == 400 and "超出范围" in out_of_range.json()["error"]["message"]
    malformed = env.client.post(
        "/v1/training/cases/T01/answer", json={"marks": "VAGUE_VALUE"}, headers=headers
    )
    assert malformed.status_code == 422 and "marks" in malformed.json()["error"]["message"]
    for response in (missing, bad_code, out_of_range, malformed):
        assert "Traceback" not in response.text
