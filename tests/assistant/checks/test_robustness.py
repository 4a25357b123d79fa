"""Any submission the importers accept is checked without an exception (issue 12 item 1).

Property tests generate submissions with empty, null, odd, huge, full-width, negative and unicode-noisy
cells and require every rule to return; crashes found by fuzzing are kept as regression tests; a rule that
still raises costs only its own submission, which gets a Chinese `error` naming the rule."""

from __future__ import annotations

import copy
import json
import logging
from typing import Any

from checks_kit import CLEAN, row, submission
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.checks import check_submission, check_submissions, engine
from assistant.checks.engine import find_issues
from assistant.checks.registry import row_hit
from assistant.checks.render import results_to_json, results_to_markdown
from assistant.models import Fix, Submission

# ---------------------------------------------------------------- crashes found by fuzzing, kept


def test_an_empty_value_cell_with_no_operator_is_checked():
    """context.py read an operator from an empty value cell (re.match(...) on '' gave None)."""
    sub = submission(rows={4: row("效益指标", "社会效益指标", "带动农户增收", None, "", None, 15)})
    result = check_submission(sub)
    assert result.error is None and result.grade is not None
    assert "VAGUE_VALUE" in {f.code for f in result.findings}  # an empty target is still reported


def test_a_quantity_unit_with_no_counting_word_is_not_priced():
    """rules_budget.py took the first token of '万/' and '/·' (IndexError) when a cost row restated the
    budget."""
    for odd in ("万/", "/·", "·"):
        sub = submission(
            {"budget_yuan": 200000},
            rows={
                0: row("产出指标", "数量指标", "水标尺宽度", "=", "50", odd, 20),
                3: row("产出指标", "成本指标", "项目计划总投资", "=", "20", "万元", 15),
            },
        )
        result = check_submission(sub)
        assert result.error is None, (odd, result.error)
        assert "COST_NOT_MEASURABLE" in {f.code for f in result.findings}


def test_a_zero_unit_standard_is_not_divided_by():
    """rules_budget.py divided the budget by a standard of 0 when proposing the count it buys."""
    sub = submission(rows={3: row("产出指标", "成本指标", "人均培训成本", "≤", "0", "元/人", 15)})
    assert check_submission(sub).error is None


# ---------------------------------------------------------------- property tests
_ODD_TEXT = st.sampled_from(
    ["", " ", "—", "/", "无", "0", "-5", "1e309", "１２３", "≥", "≥≥90%", "%", "万元", "不低于", "\u200f90%",
     "90%\x00", "😀", "≤-0", "NaN", "inf", "2025年13月45日", "12/31", "100%以上", "（）", "【】", "=", "定性",
     "优", "1,000,000,000,000", "0.0000001", "—%", "１０万元", "万/", "/·", "元/·", "·月", "元/人·",
     "（≥**%）"]
)  # fmt: skip
_NOISY_TEXT = st.text(
    alphabet=st.sampled_from(
        list("0123456789.%≥≤=<>-+/·（）()万元人户个月年日率满意度发放及时完成 \u3000０１２％")
    ),
    max_size=30,
)
_CELL = st.one_of(
    st.none(),
    _ODD_TEXT,
    _NOISY_TEXT,
    st.text(max_size=12),
    st.integers(min_value=-(10**12), max_value=10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.just("x" * 3000),
)
_FIELDS = ("level1", "level2", "name", "op", "value", "unit", "direction", "basis", "history")


@st.composite
def _mutated(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(CLEAN)
    rows = data["indicators"]
    for _ in range(draw(st.integers(min_value=1, max_value=10))):
        rows[draw(st.integers(0, len(rows) - 1))][draw(st.sampled_from(_FIELDS))] = draw(_CELL)
    for key in ("annual_goal", "overall_goal"):
        if draw(st.booleans()):
            data[key] = draw(_CELL)
    if draw(st.booleans()):
        data["budget_yuan"] = draw(st.one_of(st.none(), st.floats(min_value=-1e18, max_value=1e18)))
    if draw(st.booleans()):
        data["indicators"] = draw(st.permutations(rows))[: draw(st.integers(0, len(rows)))]
    return data


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_every_rule_returns_on_mutated_submissions(data: dict[str, Any]):
    try:
        sub = Submission.model_validate(data)
    except ValueError:
        return  # the importers refuse it with a Chinese message; nothing reaches the rules
    find_issues(sub)  # raises RuleFailure naming the rule if any rule (or its rendering) fails


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_CELL, _CELL, _CELL, _CELL), min_size=0, max_size=8), _CELL, _CELL)
def test_every_rule_returns_on_tables_of_noise(cells, project, goal):
    data = {
        "id": "N",
        "project": project or "测试项目",
        "annual_goal": goal,
        "indicators": [
            {"level1": None, "level2": None, "name": n, "op": o, "value": v, "unit": u}
            for n, o, v, u in cells
        ],
    }
    try:
        sub = Submission.model_validate(data)
    except ValueError:
        return
    find_issues(sub)


# ---------------------------------------------------------------- one failing rule costs one submission
def _broken(ctx):
    raise ZeroDivisionError("boom")


def test_a_rule_that_raises_costs_only_its_submission(monkeypatch, caplog):
    functions = dict(engine.RULE_FUNCTIONS)
    real = functions["V03"]
    monkeypatch.setattr(
        engine,
        "RULE_FUNCTIONS",
        {**functions, "V03": lambda ctx: _broken(ctx) if ctx.project == "坏项目" else real(ctx)},
    )
    subs = [submission({"id": "A"}), submission({"id": "B", "project": "坏项目"}), submission({"id": "C"})]
    with caplog.at_level(logging.ERROR, logger="assistant.checks.engine"):
        results = check_submissions(subs)
    assert [r.id for r in results] == ["A", "B", "C"]
    bad = results[1]
    assert bad.grade is None and bad.findings == [] and "V03" in bad.error and "指标值不可衡量" in bad.error
    assert results[0].grade is not None and results[2].grade is not None and results[0].error is None
    assert any("V03" in r.getMessage() and "B" in r.getMessage() for r in caplog.records)

    report = json.loads(results_to_json(results))["submissions"]
    assert [s["id"] for s in report] == ["A", "B", "C"]
    assert report[1]["error"] == bad.error and "grade" not in report[1]
    assert "grade" in report[0] and "error" not in report[0]
    assert "未能完成预审" in results_to_markdown(results)


def test_a_fix_a_rule_gives_reaches_the_finding_and_the_json(monkeypatch):
    fix = Fix(action="replace_row", indicator=1, row={"value": "95", "op": "≥", "unit": "%"})

    def with_fix(ctx):
        r = ctx.rows[1]
        yield row_hit(r, "value", {"why": "bare", "suggestion": "quality_default"}, fix=fix, core=r.name_core,
                      clause="", subject=r.name_core, object=r.name_core)  # fmt: skip

    monkeypatch.setattr(engine, "RULE_FUNCTIONS", {**dict(engine.RULE_FUNCTIONS), "V03": with_fix})
    result = check_submission(submission())
    found = [f for f in result.findings if f.rule_id == "V03"]
    assert found and found[0].fix == fix
    out = json.loads(results_to_json([result]))["submissions"][0]["findings"]
    assert {"action": "replace_row", "indicator": 1, "row": {"value": "95", "op": "≥", "unit": "%"}} in [
        f.get("fix") for f in out
    ]
    assert all("fix" not in f for f in out if f["rule_id"] != "V03")  # no fix is invented
