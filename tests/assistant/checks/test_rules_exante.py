"""可行性 rule F01 EX_ANTE_MISSING (rules_exante.py): a new project at or above the threshold with no
事前绩效评估 on file, as its ex_ante block says (formats.md §6)."""

from __future__ import annotations

import pytest
from checks_kit import submission

from assistant.checks import check_submission


def _ex_ante(block, budget=2_000_000):
    changes = {"budget_yuan": budget}
    if block is not None:
        changes["ex_ante"] = block
    return submission(changes)


def _f01(sub, **kw):
    return [f for f in check_submission(sub, **kw).findings if f.code == "EX_ANTE_MISSING"]


def test_a_new_unassessed_project_at_the_threshold_is_flagged_and_told_what_is_missing():
    (finding,) = _f01(_ex_ante({"project_kind": "新增", "plan": "分两期实施", "assessed": False}))
    assert finding.severity.value == "error" and finding.dimension.value == "可行性"
    assert finding.location.field == "ex_ante"
    assert "200万元" in finding.message and "100万元" in finding.message and "尚未开展" in finding.message
    assert (
        "立项依据、筹资方式" in finding.suggestion
        and "实施方案" not in finding.suggestion.split("补齐")[1][:8]
    )
    assert "中发〔2018〕34号" in finding.message


@pytest.mark.parametrize(
    "block",
    [
        None,  # no ex_ante block: the rule does not guess
        {"project_kind": "延续", "assessed": False},
        {"project_kind": "新增", "assessed": True, "conclusion": "予以支持"},
        {"project_kind": "新增", "assessed": "是"},
    ],
)
def test_continuing_assessed_or_undeclared_projects_are_not_flagged(block):
    assert _f01(_ex_ante(block)) == []


def test_the_threshold_is_the_callers():
    sub = _ex_ante({"project_kind": "新增项目"}, budget=600_000)
    assert _f01(sub) == []  # below the default 100万元
    (finding,) = _f01(sub, ex_ante_min_yuan=500_000)
    assert "未注明已开展" in finding.message and "50万元" in finding.message
    assert _f01(_ex_ante({"project_kind": "新增"}, budget=None)) == []
