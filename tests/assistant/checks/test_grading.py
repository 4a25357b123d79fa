"""Grading: 优/良/中/差 from findings, consequences per 财预〔2015〕88号 第二十五条, configurable mapping."""

from __future__ import annotations

from pathlib import Path

from checks_kit import submission

from assistant.checks import GRADE_CONSEQUENCES, check_submission, grade_findings
from assistant.checks.grading import load_grading
from assistant.models import Dimension, Finding, Grade, Location, Severity


def _finding(code: str, severity: Severity) -> Finding:
    return Finding(
        rule_id="X",
        code=code,
        severity=severity,
        dimension=Dimension.relevance,
        location=Location(field="indicators"),
        message="m",
        suggestion="s",
    )


def test_default_mapping():
    assert grade_findings([])[0] == Grade.excellent
    assert grade_findings([_finding("DUPLICATE", Severity.warning)])[0] == Grade.good
    assert grade_findings([_finding("VAGUE_VALUE", Severity.error)])[0] == Grade.fair
    assert grade_findings([_finding("GOAL_MISSING", Severity.error)])[0] == Grade.poor
    assert (
        grade_findings([_finding("MISSING_LEVEL1", Severity.error), _finding("X", Severity.warning)])[0]
        == Grade.poor
    )
    assert grade_findings([_finding("PROJECT_UNIDENTIFIABLE", Severity.error)])[0] == Grade.poor


def test_consequences_follow_article_25():
    assert set(GRADE_CONSEQUENCES) == set(Grade)
    assert "不得进入" in GRADE_CONSEQUENCES[Grade.poor]
    assert "退回" in GRADE_CONSEQUENCES[Grade.fair]
    _grade, consequence = grade_findings([])
    assert "直接进入" in consequence and "第二十五条" in consequence


def test_grades_of_real_checks():
    assert check_submission(submission()).grade == Grade.excellent
    assert check_submission(submission({"annual_goal": ""})).grade == Grade.poor
    no_satisfaction = submission(
        rows={0: {**submission().canonical()["indicators"][0], "weight": 30}}, drop=[6]
    )
    result = check_submission(no_satisfaction)
    assert [f.code for f in result.findings] == ["SATISFACTION_MISSING"]
    assert result.grade == Grade.good  # a warning only


def test_a_grading_file_the_caller_names_decides_the_grade(tmp_path: Path):
    strict = tmp_path / "grading.yaml"
    strict.write_text(
        "grades:\n  - {grade: 差, min_errors: 1}\n  - {grade: 中, min_warnings: 1}\n  - {grade: 优}\n"
        "consequences: {优: 甲, 良: 乙, 中: 丙, 差: 丁}\ncitation: 测试\n",
        encoding="utf-8",
    )
    config = load_grading(strict)
    assert grade_findings([_finding("VAGUE_VALUE", Severity.error)], config) == (Grade.poor, "丁（测试）")
    assert grade_findings([_finding("DUPLICATE", Severity.warning)], config)[0] == Grade.fair
    # passed down to the check, not read from global settings
    vague = submission(
        rows={1: {**submission().canonical()["indicators"][1], "value": "明显提升", "op": "定性"}}
    )
    assert check_submission(vague).grade == Grade.fair
    result = check_submission(vague, grading=config)
    assert result.grade == Grade.poor and result.grade_consequence == "丁（测试）"


def test_the_packaged_mapping_ignores_the_environment(tmp_path: Path, monkeypatch):
    other = tmp_path / "grading.yaml"
    other.write_text(
        "grades: [{grade: 差}]\nconsequences: {优: a, 良: b, 中: c, 差: d}\ncitation: x\n", "utf-8"
    )
    monkeypatch.setenv("JIXIAO_GRADING_FILE", str(other))
    assert (
        load_grading().citation != "x"
    )  # settings are the caller's business (the app and the CLI pass them)
