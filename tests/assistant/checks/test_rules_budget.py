"""适当性 rules (rules_budget.py):
cost rows that cannot be measured, quantity × standard against the budget."""

from __future__ import annotations

import pytest
from checks_kit import dev_submissions, findings_for, row, submission

from assistant.checks.context import build_context
from assistant.checks.rules_budget import cost_lines


def _two_groups(project: str, budget: int, goal: str, first: tuple, second: tuple):  # noqa: E501
    """A project funding two groups, each a row pair:
    (quantity name, count, unit, standard name, standard, unit)."""

    def pair(name, count, unit, cost_name, cost, cost_unit):
        return (
            row("产出指标", "数量指标", name, "=", count, unit, 10),
            row("产出指标", "成本指标", cost_name, "=", cost, cost_unit, 5),
        )

    qty1, cost1 = pair(*first)
    return submission(
        {"project": project, "budget_yuan": budget, "annual_goal": goal},
        rows={0: qty1, 3: cost1},
        add=list(pair(*second)),
    )


def _subsidy(rows: list[dict], budget: float, goal: str = "2024年完成补贴发放。") -> object:
    return submission(
        {"project": "农机购置补贴", "budget_yuan": budget, "annual_goal": goal},
        rows=dict(enumerate(rows)),
        drop=list(range(len(rows), 7)),
    )


def test_matching_quantity_and_standard_is_fine():
    assert not findings_for(submission(), "OUTPUT_BUDGET_MISMATCH")


@pytest.mark.parametrize("budget", [2700000, 300000])
def test_quantity_times_standard_far_from_budget(budget):
    found = findings_for(submission({"budget_yuan": budget}), "OUTPUT_BUDGET_MISMATCH")
    assert len(found) == 1
    assert "600人 × “人均培训成本”1500元/人 = 90万元" in found[0].message
    fix = found[0].fix  # the standard that makes 600人 × standard = the budget
    assert fix.action == "replace_row" and fix.indicator == 3
    assert float(fix.row["value"]) * 600 == pytest.approx(budget)
    assert f"“人均培训成本 ≤ {fix.row['value']}元/人”" in found[0].suggestion
    assert "应核实数量或预算" in found[0].suggestion


def test_within_thirty_percent_is_not_a_mismatch():
    assert not findings_for(submission({"budget_yuan": 1000000}), "OUTPUT_BUDGET_MISMATCH")


def test_monthly_standard_is_multiplied_by_twelve():
    sub = submission(
        {"project": "乡村公益性岗位补贴", "budget_yuan": 4800000},
        rows={
            0: row("产出", "数量", "公益性岗位安置人员", "≥", "420", "人", 20),
            3: row("产出", "成本", "公益性岗位补贴标准", "=", "1500", "元/人·月", 15),
        },
    )
    found = findings_for(sub, "OUTPUT_BUDGET_MISMATCH")
    assert found and "× 12个月 = 756万元" in found[0].message


def test_two_standards_for_one_headcount_give_a_range():
    sub = submission(
        {"project": "村干部基本报酬", "budget_yuan": 2956800},
        rows={
            0: row("产出指标", "数量指标", "享受基本报酬的村干部人数", "=", "110", "人", 20),
            3: row("产出指标", "成本指标", "主职干部基本报酬标准", "=", "3200", "元/人·月", 15),
        },
        add=[row("产出指标", "成本指标", "其他村干部基本报酬标准", "=", "2000", "元/人·月", 0)],
    )
    assert not findings_for(sub, "OUTPUT_BUDGET_MISMATCH")


def test_under_budget_is_only_judged_when_every_cost_row_is_priced():
    sub = submission(
        {"budget_yuan": 3000000}, add=[row("产出指标", "成本指标", "实训基地建设费用", "≤", "80", "万元", 0)]
    )
    assert not findings_for(sub, "OUTPUT_BUDGET_MISMATCH")


def test_dev_set_pairs_every_clean_unit_cost_with_its_quantity(data_dir_shared):
    subs = dev_submissions(data_dir_shared)
    for sid in ("D09", "D14", "D20", "D26", "D35"):
        ctx = build_context(subs[sid])
        lines, complete = cost_lines(ctx)
        assert complete, sid
        assert abs(sum(ln.total for ln in lines) - ctx.budget) < 1, sid


@pytest.mark.parametrize(
    "r,why",
    [
        (row("产出指标", "成本指标", "项目成本控制率", "=", "100", "%", 15), "控制率"),
        (row("产出指标", "成本指标", "项目总成本", "≤", "90", "万元", 15), "预算总额"),
        (row("成本指标", "经济成本指标", "工程造价控制在批复概算内", "定性", "是", None, 15), "没有金额"),
    ],
)
def test_cost_rows_that_cannot_be_measured(r, why):
    found = findings_for(submission(rows={3: r}), "COST_NOT_MEASURABLE")
    assert len(found) == 1 and why in found[0].message
    assert "1500元/人" in found[0].suggestion  # 90万元 ÷ 600人
    assert not findings_for(submission(rows={3: r}), "NO_COST")


@pytest.mark.parametrize(
    "r",
    [
        row("产出指标", "成本指标", "设备购置费用", "≤", "40", "万元", 15),
        row("产出指标", "成本指标", "成本节约率", "≥", "5", "%", 15),
    ],
)
def test_measurable_cost_rows(r):
    assert not findings_for(submission(rows={3: r}), "COST_NOT_MEASURABLE")


def test_a_head_count_written_in_households_is_still_priced_per_person():  # noqa: E501
    """1000人 × 100元 + 1000（户，实为人）× 150元 = 25万元:
    the standard pairs with its own group, not the other."""
    sub = _two_groups(
        "老年人免费体检",
        250000,
        "2024年为男性老年人体检1000人、女性老年人体检1000人。",
        ("男性老年人体检人数", "1000", "人", "男性老年人人均体检费", "100", "元/人"),
        ("女性老年人体检人数", "1000", "户", "女性老年人人均体检费", "150", "元/人"),
    )
    assert findings_for(sub, "WRONG_UNIT")
    assert not findings_for(sub, "OUTPUT_BUDGET_MISMATCH")


def test_a_per_person_fee_written_per_household_prices_the_people():
    """400户 × 1000元 + 80人 × 3000元（写成元/户）= 64万元, far from 150万元."""
    sub = _two_groups(
        "农技推广补助",
        1500000,
        "2024年培育示范主体400户，培训农技人员80人。",
        ("培育示范主体", "400", "户", "示范主体物化补助标准", "1000", "元/户"),
        ("培训农技人员", "80", "人", "农技人员人均培训费", "3000", "元/户"),
    )
    assert findings_for(sub, "OUTPUT_BUDGET_MISMATCH")


def test_a_unit_standard_is_never_paired_with_a_benefit_row():
    rows = [
        row("产出指标", "数量指标", "补贴资金发放金额", "=", "500", "万元", 20),
        row("产出指标", "成本指标", "亩均作业补贴标准", "=", "20", "元/亩", 20),
        row("效益指标", "可持续影响指标", "全县机耕作业面积", "≥", "180", "万亩", 30),
    ]
    assert not findings_for(_subsidy(rows, 5_000_000), "OUTPUT_BUDGET_MISMATCH")


def test_a_unit_standard_still_pairs_with_an_output_row():
    rows = [
        row("产出指标", "数量指标", "机耕作业补贴面积", "=", "180", "万亩", 20),
        row("产出指标", "成本指标", "亩均作业补贴标准", "=", "20", "元/亩", 20),
    ]
    found = findings_for(_subsidy(rows, 5_000_000), "OUTPUT_BUDGET_MISMATCH")
    assert len(found) == 1 and "3600万元" in found[0].message


def test_two_rows_of_one_kind_share_one_standard():
    rows = [
        row("产出指标", "数量指标", "屋顶光伏安装户数", "=", "1200", "户", 20),
        row("产出指标", "数量指标", "空气源热泵安装户数", "=", "800", "人", 20),
        row("产出指标", "成本指标", "户均安装补助", "≤", "5000", "元/户", 20),
    ]
    sub = _subsidy(rows, 10_000_000, "2024年完成2000户清洁能源改造，户均补助不超过5000元。")
    assert not findings_for(sub, "OUTPUT_BUDGET_MISMATCH")
    assert findings_for(sub, "WRONG_UNIT")


def test_far_under_budget_even_after_summing_is_flagged():
    rows = [
        row("产出指标", "数量指标", "屋顶光伏安装户数", "=", "300", "户", 20),
        row("产出指标", "数量指标", "空气源热泵安装户数", "=", "200", "户", 20),
        row("产出指标", "成本指标", "户均安装补助", "≤", "5000", "元/户", 20),
    ]
    assert findings_for(_subsidy(rows, 10_000_000), "OUTPUT_BUDGET_MISMATCH")


# ---------------------------------------------------------------- A01b: a total cost cap above the budget
@pytest.mark.parametrize(("value", "unit"), [("130", "万元"), ("1500000", "元")])
def test_a_total_cost_cap_far_above_the_budget_binds_nothing(value, unit):
    sub = submission(add=[row("产出指标", "成本指标", "项目成本概算", "≤", value, unit, 0)])  # budget 90万
    found = findings_for(sub, "OUTPUT_BUDGET_MISMATCH")
    assert [(f.rule_id, f.location.indicator) for f in found] == [("A01b", 7)]
    assert "把成本总额上限定为" in found[0].message and "为预算的1." in found[0].message
    # the table already prices its output (人均培训成本): the total goes
    assert found[0].fix.action == "delete_row" and found[0].fix.indicator == 7
    assert found[0].suggestion.startswith("删除第8行“项目成本概算") and "单位标准" in found[0].suggestion


def test_several_total_caps_are_summed():
    sub = submission(
        add=[
            row("产出指标", "成本指标", "师资费用", "≤", "70", "万元", 0),
            row("产出指标", "成本指标", "场地及食宿费用", "≤", "60", "万元", 0),
        ]
    )
    found = findings_for(sub, "OUTPUT_BUDGET_MISMATCH")
    assert len(found) == 1 and "合计130万元" in found[0].message


@pytest.mark.parametrize(("op", "value"), [("≤", "100"), ("≤", "30"), ("≥", "200"), ("≤", "115")])
def test_a_cap_near_or_below_the_budget_is_no_mismatch(op, value):
    sub = submission(add=[row("产出指标", "成本指标", "设备购置费用", op, value, "万元", 0)])
    assert not findings_for(sub, "OUTPUT_BUDGET_MISMATCH")


# ---------------------------------------------------------------- A05: rates and project totals as costs
@pytest.mark.parametrize(
    ("name", "value", "unit", "why"),
    [
        ("成本控制率", "100", None, "是成本控制率"),  # unit left out: still a rate
        ("补助标准执行率", "100", "%", "是执行或达标比率"),
        ("资助标准达标率", "98", "%", "是执行或达标比率"),
        ("助学金社会化发放率", "95", "%", "是执行或达标比率"),
    ],
)
def test_a_rate_on_a_cost_row_measures_no_cost(name, value, unit, why):
    found = findings_for(
        submission(rows={3: row("产出指标", "成本指标", name, None, value, unit, 15)}), "COST_NOT_MEASURABLE"
    )
    assert [f.location.indicator for f in found] == [3] and why in found[0].message


@pytest.mark.parametrize(
    ("name", "value", "unit"), [("人均培训成本较上年降低率", "5", "%"), ("人均培训成本", "1500", "元/人")]
)
def test_a_cost_change_rate_or_a_unit_cost_is_measurable(name, value, unit):
    sub = submission(rows={3: row("产出指标", "成本指标", name, "≤", value, unit, 15)})
    assert not findings_for(sub, "COST_NOT_MEASURABLE")


def test_budget_execution_under_cost_is_an_input_not_a_cost_finding():
    sub = submission(rows={3: row(None, "成本指标", "资金执行率", None, "100", "%", 15)})
    assert [f.code for f in check_findings(sub, 3)] == ["INPUT_AS_OUTPUT"]


@pytest.mark.parametrize("name", ["项目总投资", "成本", "项目计划总投资", "工程总成本"])
def test_the_project_total_as_its_cost_without_a_budget(name):
    sub = submission(
        {"budget_yuan": None}, rows={3: row("产出指标", "成本指标", name, "≤", "90", "万元", 15)}
    )
    found = findings_for(sub, "COST_NOT_MEASURABLE")
    assert len(found) == 1 and "是整个项目的总额，不是单位成本" in found[0].message


def test_a_component_cost_without_a_budget_is_left_alone():
    sub = submission(
        {"budget_yuan": None}, rows={3: row("产出指标", "成本指标", "教材印制费用", "≤", "3", "万元", 15)}
    )
    assert not findings_for(sub, "COST_NOT_MEASURABLE")


def check_findings(sub, indicator: int):
    from assistant.checks import check_submission

    return [f for f in check_submission(sub).findings if f.location.indicator == indicator]
