"""培训练习 on unit costs: cases checked against their own 支出标准 (示例), standards shown to the trainee,
an empty answer scores 0 (never 准确率 100%), and a trainee's progress from their attempts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from assistant.training import (
    Mark,
    answer_key,
    build_exercise,
    findings_by_key,
    get_case,
    load_practice_cases,
    score_answer,
    training_progress,
)

UNIT_COST = [c for c in load_practice_cases() if c.standards]


def test_unit_cost_cases_carry_sample_standards_and_the_trainee_sees_them():
    assert {c.case_id for c in UNIT_COST} >= {"T11", "T12", "T13"}
    for case in UNIT_COST:
        assert all("示例" in (s.basis or "") for s in case.standards)
        exercise = build_exercise(case)
        assert [s["item"] for s in exercise.standards] == [s.item for s in case.standards]
        assert "支出标准" in exercise.instructions
        assert "findings" not in exercise.model_dump() and "saving_yuan" not in str(exercise.model_dump())


def test_the_answer_key_is_computed_with_the_cases_standards():
    keys = {c.case_id: set(findings_by_key(answer_key(c))) for c in UNIT_COST}
    assert (3, "COST_OVER_STANDARD") in keys["T11"]  # 1.1元/平方米·月 = 13.2 a year against 10
    assert (None, "COST_OVER_STANDARD") in keys["T12"]  # 2,100,000 ÷ 150公里 = 1.4万元 against 0.8万元
    assert not any(code == "COST_OVER_STANDARD" for _, code in keys["T13"])  # a 参考 price is no finding
    without = get_case("T11").model_copy(update={"standards": []})
    assert not any(code == "COST_OVER_STANDARD" for _, code in findings_by_key(answer_key(without)))


def test_marking_the_over_standard_cost_earns_it_with_its_saving_explained():
    case = get_case("T11")
    score = score_answer(case, [Mark(indicator=3, code="COST_OVER_STANDARD")])
    assert score.correct == 1 and score.precision == 1.0 and score.recall == 0.5
    (missed,) = score.missed_findings
    assert missed.code == "VAGUE_VALUE"
    (ok,) = score.marks
    assert "核减3,840,000元" in ok.finding.suggestion  # (13.2 − 10) × 1,200,000 平方米


def test_flagging_a_reference_price_is_a_false_alarm():
    score = score_answer(get_case("T13"), [Mark(indicator=3, code="COST_OVER_STANDARD")])
    assert score.correct == 0 and score.incorrect == 1 and score.score == 0
    assert "没有“单位成本高于支出标准”问题" in score.marks[0].note


@pytest.mark.parametrize("case_id", ["T11", "T01"])
def test_an_empty_answer_scores_zero_not_full_precision(case_id):
    score = score_answer(get_case(case_id), [])
    assert score.score == 0 and score.precision == 0.0 and score.recall == 0.0
    assert score.comment.startswith("本次未作任何标注，按0分计。")


def test_an_empty_answer_on_a_clean_case_is_right():
    clean = next(c for c in load_practice_cases() if not answer_key(c))
    score = score_answer(clean, [])
    assert score.score == 100 and score.precision == 1.0


def _attempt(case_id: str, score: int, missed: list[str], day: int) -> dict:
    return {
        "case_id": case_id,
        "score": score,
        "precision": 1.0,
        "recall": score / 100,
        "correct": 1,
        "incorrect": 0,
        "missed": len(missed),
        "missed_codes": missed,
        "created_at": datetime(2024, 5, day, tzinfo=UTC),
    }


def test_progress_counts_attempts_best_and_latest_and_the_codes_still_missed():
    attempts = [
        _attempt("T11", 40, ["COST_OVER_STANDARD", "VAGUE_VALUE"], 1),
        _attempt("T11", 100, [], 2),
        _attempt("T12", 50, ["COST_OVER_STANDARD", "NO_COST"], 3),
        _attempt("T01", 67, ["VAGUE_VALUE"], 4),
    ]
    progress = training_progress(attempts)
    cases = {c.case_id: c for c in progress.cases}
    assert (cases["T11"].attempts, cases["T11"].best, cases["T11"].latest) == (2, 100, 100)
    assert cases["T02"].attempts == 0 and cases["T02"].best is None
    assert progress.attempts == 4 and progress.cases_attempted == 3 and progress.cases_mastered == 1
    assert progress.average_latest == pytest.approx((100 + 50 + 67) / 3, abs=0.05)
    # only the latest answer of each case counts: T11's early misses were fixed
    assert {w.code: w.missed for w in progress.weak_codes} == {
        "COST_OVER_STANDARD": 1,
        "NO_COST": 1,
        "VAGUE_VALUE": 1,
    }
    assert [a.case_id for a in progress.recent] == ["T01", "T12", "T11", "T11"]
    assert "已练习3/13个案例，共4次" in progress.comment and "单位成本高于支出标准" in progress.comment
    assert training_progress([]).comment.startswith("还没有练习记录")
