"""The findings diff of a resubmission: added / resolved / unchanged, keyed by code + location."""

from __future__ import annotations

from assistant.models import CheckResult, Dimension, Finding, Grade, Location, Severity
from assistant.workflow import diff_findings


def _finding(code: str, *, indicator: int | None = None, field: str | None = None) -> Finding:
    return Finding(
        rule_id=code.lower(),
        code=code,
        severity=Severity.warning,
        dimension=Dimension.relevance,
        location=Location(indicator=indicator, field=field),
        message="m",
        suggestion="s",
    )


def _result(*findings: Finding) -> CheckResult:
    return CheckResult(
        id="P1", project="p", grade=Grade.fair, grade_consequence="退回修改", findings=list(findings)
    )


def test_diff_splits_added_resolved_unchanged():
    before = _result(
        _finding("VAGUE_VALUE", indicator=2),
        _finding("GOAL_VAGUE", field="annual_goal"),
        _finding("NO_UNIT", indicator=4),
    )
    after = _result(_finding("VAGUE_VALUE", indicator=2), _finding("RATE_OVER_100", indicator=5))
    diff = diff_findings(before, after)
    assert [f.code for f in diff.added] == ["RATE_OVER_100"]
    assert sorted(f.code for f in diff.resolved) == ["GOAL_VAGUE", "NO_UNIT"]
    assert diff.unchanged == 1


def test_same_code_on_another_row_is_a_new_finding():
    diff = diff_findings(
        _result(_finding("VAGUE_VALUE", indicator=1)), _result(_finding("VAGUE_VALUE", indicator=3))
    )
    assert [(f.code, f.location.indicator) for f in diff.added] == [("VAGUE_VALUE", 3)]
    assert [(f.code, f.location.indicator) for f in diff.resolved] == [("VAGUE_VALUE", 1)]
    assert diff.unchanged == 0


def test_identical_prechecks_have_no_changes():
    result = _result(_finding("NO_COST", field="indicators"))
    diff = diff_findings(result, result)
    assert (diff.added, diff.resolved, diff.unchanged) == ([], [], 1)
