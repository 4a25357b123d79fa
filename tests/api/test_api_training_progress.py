"""培训练习 attempts over HTTP (real app, real SQLite): each scored answer is stored for its trainee, the
progress shows per case and overall, staff see every trainee's, and an empty answer scores 0."""

from __future__ import annotations

import pytest


@pytest.fixture()
def env(review_env):
    return review_env


def _answer(env, user: str, case_id: str, marks: list[dict]) -> dict:
    response = env.client.post(
        f"/v1/training/cases/{case_id}/answer", json={"marks": marks}, headers=env.headers(user)
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_attempts_are_stored_per_trainee_and_progress_shows_them(env):
    exercise = env.client.get("/v1/training/cases/T11", headers=env.headers("unit1")).json()
    assert exercise["standards"][0]["unit"] == "元/平方米·年" and exercise["standards"][0]["kind"] == "上限"

    empty = _answer(env, "unit1", "T11", [])
    assert empty["score"] == 0 and empty["precision"] == 0.0 and empty["attempt"] == 1
    right = _answer(
        env,
        "unit1",
        "T11",
        [{"indicator": 3, "code": "COST_OVER_STANDARD"}, {"indicator": 6, "code": "VAGUE_VALUE"}],
    )
    assert right["score"] == 100 and right["attempt"] == 2
    _answer(env, "unit2", "T12", [{"indicator": None, "code": "COST_OVER_STANDARD"}])

    mine = env.client.get("/v1/training/progress", headers=env.headers("unit1")).json()
    t11 = next(c for c in mine["cases"] if c["case_id"] == "T11")
    assert (t11["attempts"], t11["best"], t11["latest"]) == (2, 100, 100)
    assert mine["attempts"] == 2 and mine["cases_attempted"] == 1 and mine["cases_mastered"] == 1
    assert [a["score"] for a in mine["recent"]] == [100, 0]
    other = env.client.get("/v1/training/progress", headers=env.headers("unit2")).json()
    assert other["attempts"] == 1 and other["weak_codes"] and other["cases_mastered"] == 0

    assert env.client.get("/v1/training/progress/all", headers=env.headers("unit1")).status_code == 403
    everyone = env.client.get("/v1/training/progress/all", headers=env.headers("reviewer1")).json()["items"]
    assert {i["username"]: i["attempts"] for i in everyone} == {"unit1": 2, "unit2": 1}
