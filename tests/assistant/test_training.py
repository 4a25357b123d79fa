"""培训练习: the practice cases against the real rules, the hidden answer key, and scoring."""

from __future__ import annotations

import json

import pytest

from assistant.checks.catalog import DEFECT_CODES
from assistant.training import (
    InvalidAnswer,
    Mark,
    TrainingCaseNotFound,
    answer_key,
    build_exercise,
    defect_choices,
    findings_by_key,
    get_case,
    list_cases,
    load_practice_cases,
    score_answer,
)

CASES = load_practice_cases()
CASE_IDS = [c.case_id for c in CASES]


def perfect_marks(case) -> list[Mark]:
    return [Mark(indicator=i, code=code) for i, code in findings_by_key(answer_key(case))]


def flawed_case_ids() -> list[str]:
    return [c.case_id for c in CASES if answer_key(c)]


def test_cases_are_short_varied_and_mostly_flawed():
    assert 8 <= len(CASES) <= 13  # T11–T13: unit costs against 支出标准 (示例)
    assert len({c.sector for c in CASES}) >= 7
    clean = [c.case_id for c in CASES if not answer_key(c)]
    assert 1 <= len(clean) <= 2, clean
    for case in CASES:
        assert 5 <= len(case.submission.indicators) <= 8, case.case_id
        keys = findings_by_key(answer_key(case))
        assert not keys or 2 <= len(keys) <= 4, (case.case_id, list(keys))
    summaries = list_cases()
    assert [s.case_id for s in summaries] == CASE_IDS
    assert all(s.indicators == len(get_case(s.case_id).submission.indicators) for s in summaries)


def test_every_defect_code_has_a_chinese_choice():
    choices = {c.code: c for c in defect_choices()}
    assert set(choices) == set(DEFECT_CODES)
    for choice in choices.values():
        assert choice.dimension == DEFECT_CODES[choice.code].value
        assert any("\u4e00" <= ch <= "\u9fff" for ch in choice.name + choice.explanation)
        assert choice.scope in ("submission", "indicator")


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_exercise_hides_the_answer_key(case_id):
    case = get_case(case_id)
    exercise = build_exercise(case)
    text = json.dumps(exercise.model_dump(mode="json"), ensure_ascii=False)
    assert "findings" not in text and "grade" not in text
    for finding in answer_key(case):
        assert finding.message not in text and finding.suggestion not in text
    assert exercise.submission["indicators"][0]["name"] == case.submission.indicators[0].name
    assert len(exercise.choices) == len(DEFECT_CODES)


@pytest.mark.parametrize("case_id", CASE_IDS)
def test_perfect_answer_scores_100(case_id):
    case = get_case(case_id)
    score = score_answer(case, perfect_marks(case))
    assert score.score == 100 and score.precision == 1.0 and score.recall == 1.0
    assert score.missed == 0 and not score.missed_findings and score.incorrect == 0
    assert all(m.correct and m.note.startswith("判断正确") for m in score.marks)


@pytest.mark.parametrize("case_id", flawed_case_ids())
def test_empty_answer_scores_0_and_every_finding_is_explained(case_id):
    case = get_case(case_id)
    score = score_answer(case, [])
    keys = findings_by_key(answer_key(case))
    assert score.score == 0 and score.recall == 0.0 and score.correct == 0
    assert score.missed == len(keys) == len(score.missed_findings) == score.total_findings
    assert {(v.location.indicator, v.code) for v in score.missed_findings} == set(keys)
    for missed in score.missed_findings:
        assert missed.message and missed.suggestion and missed.citations
        assert missed.location_text
        for cite in missed.citations:
            if cite.confidence == "实务":
                assert cite.label.startswith("审核实务") and cite.article is None
            if cite.confidence == "记忆" and cite.article:  # a number from memory
                assert "条款号待核对" in cite.label
    assert "漏判" in score.comment


def test_clean_case_rewards_restraint():
    clean = next(c for c in CASES if not answer_key(c))
    assert score_answer(clean, []).score == 100
    overflagged = score_answer(clean, [Mark(indicator=0, code="VAGUE_VALUE")])
    assert overflagged.score == 0 and overflagged.incorrect == 1
    assert "误判" in overflagged.comment


def test_a_wrong_code_on_a_flagged_row_is_incorrect():
    case = get_case("T01")
    key = findings_by_key(answer_key(case))
    row, code = next(k for k in key if k[0] is not None)
    wrong = "NO_UNIT" if code != "NO_UNIT" else "WRONG_UNIT"
    score = score_answer(case, [Mark(indicator=row, code=code), Mark(indicator=row, code=wrong)])
    right_mark, wrong_mark = score.marks
    assert right_mark.correct and not wrong_mark.correct
    assert score.correct == 1 and score.incorrect == 1 and score.precision == 0.5
    assert 0 < score.score < 100
    assert "这里没有" in wrong_mark.note and wrong_mark.finding is None


def test_right_code_on_the_wrong_row_points_to_where_it_is():
    case = get_case("T06")
    row = next(i for i, code in findings_by_key(answer_key(case)) if code == "IRRELEVANT")
    other = 2 if row != 2 else 3
    result = score_answer(case, [Mark(indicator=other, code="IRRELEVANT")]).marks[0]
    assert not result.correct
    assert "不在这里" in result.note and f"第{row + 1}项指标" in result.note


def test_submission_level_findings_match_by_code():
    case = get_case("T07")
    keys = findings_by_key(answer_key(case))
    assert (None, "WEIGHTS_NOT_100") in keys
    on_a_row = score_answer(case, [Mark(indicator=2, code="WEIGHTS_NOT_100")])
    assert on_a_row.correct == 1 and on_a_row.marks[0].correct
    twice = score_answer(
        case, [Mark(indicator=None, code="WEIGHTS_NOT_100"), Mark(indicator=1, code="WEIGHTS_NOT_100")]
    )
    assert twice.correct == 1 and twice.incorrect == 1  # a finding is earned once


def test_either_row_of_a_duplicate_pair_earns_it():
    case = get_case("T06")
    row = next(i for i, code in findings_by_key(answer_key(case)) if code == "DUPLICATE")
    partner = score_answer(case, [Mark(indicator=row - 1, code="DUPLICATE")])
    assert partner.correct == 1 and "任一行" in partner.marks[0].note


def test_identical_marks_are_merged_and_codes_are_case_insensitive():
    case = get_case("T01")
    row, code = next(k for k in findings_by_key(answer_key(case)) if k[0] is not None)
    score = score_answer(case, [Mark(indicator=row, code=code.lower()), Mark(indicator=row, code=code)])
    assert len(score.marks) == 1 and score.correct == 1 and score.incorrect == 0


def test_bad_marks_are_refused_in_chinese():
    case = get_case("T01")
    with pytest.raises(InvalidAnswer, match="问题类型“NOT_A_CODE”不在可选范围内"):
        score_answer(case, [Mark(indicator=0, code="NOT_A_CODE")])
    count = len(case.submission.indicators)
    with pytest.raises(InvalidAnswer, match=f"第2条标注：指标序号 {count} 超出范围"):
        score_answer(case, [Mark(indicator=0, code="NO_UNIT"), Mark(indicator=count, code="NO_UNIT")])
    with pytest.raises(TrainingCaseNotFound, match="练习案例“X99”不存在"):
        get_case("X99")
