"""The shared row view (context.py): wordy cells, operators written into values, weights."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks import check_submission


def _with(r: dict, at: int = 4):
    return submission(rows={at: r})


@pytest.mark.parametrize(
    "op,value,unit",
    [("≥", "≥95%", None), (None, "≥90%以上", None), (None, "95%及以上", None), ("=", "100%", "%")],
)
def test_wordy_percent_cells_are_read_as_numbers(op, value, unit):
    result = check_submission(
        submission(rows={1: row("产出指标", "质量指标", "培训考核合格率", op, value, unit, 15)})
    )
    assert result.findings == []


def test_weights_written_with_fen_are_read():
    sub = submission(
        rows={
            i: {**r, "weight": f"{r['weight']}分"}
            for i, r in enumerate(submission().model_dump()["indicators"])
        }
    )
    assert not findings_for(sub, "WEIGHTS_NOT_100")


def test_operator_written_into_the_value_cell_is_read():
    r = row("产出指标", "质量指标", "设施设备完好率", None, "≤95%", None, 15)
    found = findings_for(_with(r, at=1), "WRONG_DIRECTION")
    assert found and "“≤95%”" not in found[0].message.replace("≤≤", "")  # shown once, not doubled
    assert "≤≤" not in found[0].message


# ---------------------------------------------------------------- operator and unit written inside the value
def _rows(*cells):
    from assistant.checks.context import build_context
    from assistant.models import Submission

    sub = Submission.model_validate(
        {"project": "某项目", "indicators": [{"name": "指标", "value": v, "op": op} for v, op in cells]}
    )
    return build_context(sub).rows


@pytest.mark.parametrize(
    "value,number,op,unit",
    [
        ("≥60场", 60, "≥", "场"),
        ("≤5000元/场", 5000, "≤", "元/场"),
        ("≥3.5万头", 3.5, "≥", "万头"),
        ("300人以上", 300, "≥", "人"),
        ("3个工作日内", 3, "≤", "个工作日"),
        ("不少于300人", 300, "≥", "人"),
        ("不超过1500元/人", 1500, "≤", "元/人"),
        ("控制在0.9‰以内", 0.9, "≤", "‰"),
        ("至少15支", 15, "≥", "支"),
    ],
)
def test_a_unit_written_after_the_number_is_read_as_the_unit(value, number, op, unit):
    (r,) = _rows((value, None))
    assert (r.value_num, r.op, r.unit) == (number, op, unit)
    assert r.shown_value == value  # quoted as written, never “≥60场场”


@pytest.mark.parametrize(
    "value,number,op", [("不低于95%", 95, "≥"), ("≧95%", 95, "≥"), ("大于等于90%", 90, "≥")]
)
def test_an_operator_in_words_before_a_percentage_is_read(value, number, op):
    (r,) = _rows((value, None))
    assert (r.value_num, r.op, r.is_percent) == (number, op, True)
    assert r.shown_value == value


@pytest.mark.parametrize(
    "value", ["12月", "15日", "2次宣传", "至少全年完成2次宣传", "2025年10月底前", "按上级标准执行", "1-12月"]
)
def test_words_that_are_not_a_unit_leave_the_cell_unread(value):
    (r,) = _rows((value, None))
    assert r.value_num is None and r.unit == ""


def test_reaching_a_value_has_no_direction_of_its_own():
    (r, s) = _rows(("达到100%", None), ("达到95%", "≥"))
    assert (r.value_num, r.op) == (100, None) and (s.value_num, s.op) == (95, "≥")


def test_a_unit_in_the_value_counts_the_goal_output_and_prices_the_budget():
    sub = submission(
        {"project": "送戏下乡演出补助", "budget_yuan": 300000, "annual_goal": "全年组织送戏下乡演出60场。"},
        rows={
            0: row("产出指标", "数量指标", "送戏下乡演出场次", None, "≥60场", None, 20),
            3: row("产出指标", "成本指标", "每场演出补助", None, "≤5000元/场", None, 15),
        },
    )
    found = {f.code for f in check_submission(sub).findings}
    assert not found & {"MISSING_CORE_OUTPUT", "COST_NOT_MEASURABLE", "NO_UNIT", "OUTPUT_BUDGET_MISMATCH"}


def test_a_unit_in_the_value_still_shows_a_budget_mismatch():
    sub = submission(
        {"project": "送戏下乡演出补助", "budget_yuan": 900000, "annual_goal": "全年组织送戏下乡演出60场。"},
        rows={
            0: row("产出指标", "数量指标", "送戏下乡演出场次", None, "≥60场", None, 20),
            3: row("产出指标", "成本指标", "每场演出补助", None, "≤5000元/场", None, 15),
        },
    )
    found = findings_for(sub, "OUTPUT_BUDGET_MISMATCH")
    assert len(found) == 1 and "5000元/场元/场" not in found[0].message


@pytest.mark.parametrize(
    "i,level2,name,value",
    [
        (0, "数量指标", "培训农村实用人才（人）", "600"),
        (1, "质量指标", "培训考核合格率（%）", "95"),
        (3, "成本指标", "人均培训成本（元/人）", "1500"),
    ],
)
def test_a_unit_in_the_names_closing_bracket_is_the_unit(i, level2, name, value):
    op = "≤" if level2 == "成本指标" else "≥"
    weight = {0: 20, 1: 15, 3: 15}[i]
    result = check_submission(submission(rows={i: row("产出指标", level2, name, op, value, None, weight)}))
    assert result.findings == []


@pytest.mark.parametrize(
    "name", ["参训人员技能证书获证率（问卷调查）", "培训考核合格率（2024年）", "参训人员技能证书获证率"]
)
def test_a_bracket_that_is_not_a_unit_leaves_the_unit_missing(name):
    r = row("效益指标", "可持续影响指标", name, "≥", "80", None, 15)
    assert [f.location.indicator for f in findings_for(submission(rows={5: r}), "NO_UNIT")] == [5]


@pytest.mark.parametrize(
    "i,level2,name,value,fixed",
    [
        (0, "数量指标", "培训农村实用人才", "≤600人", {"op": "=", "value": "600", "unit": "人"}),
        (3, "成本指标", "人均培训成本", "≥1500元/人", {"op": "≤", "value": "1500", "unit": "元/人"}),
        (1, "质量指标", "培训考核合格率", "≤95%以上", {"op": "≥", "value": "95", "unit": "%"}),
    ],
)
def test_a_fix_of_a_row_written_in_one_cell_writes_operator_value_and_unit_apart(
    i, level2, name, value, fixed
):
    found = findings_for(
        submission(rows={i: row("产出指标", level2, name, None, value, None, 15)}), "WRONG_DIRECTION"
    )
    assert len(found) == 1 and found[0].fix.row == fixed
    assert (
        "≤600人" not in found[0].suggestion.split("改为")[1]
        and "≥1500" not in found[0].suggestion.split("改为")[1]
    )
