"""完整性 rules (rules_completeness.py):
project name, goal, first-level categories, satisfaction, cost, placeholders, weights."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks import check_submission


def test_clean_submission_has_no_finding():
    result = check_submission(submission())
    assert result.findings == []
    assert result.grade.value == "优"


def test_catch_all_project_name_is_unidentifiable():
    found = findings_for(
        submission({"project": "其他一般公共服务支出（项目库汇总）"}), "PROJECT_UNIDENTIFIABLE"
    )
    assert len(found) == 1 and found[0].location.field == "project"
    assert "汇总" in found[0].message and "拆分" in found[0].suggestion


def test_specific_project_names_are_identifiable():
    for name in ("乡镇综合文化站免费开放补助", "其他村干部基本报酬", "综合执法装备购置"):
        assert not findings_for(submission({"project": name}), "PROJECT_UNIDENTIFIABLE"), name


def test_empty_goal_is_missing_and_the_rewrite_uses_the_rows():
    for goal in ("", None):
        found = findings_for(submission({"annual_goal": goal}), "GOAL_MISSING")
        assert len(found) == 1 and found[0].location.field == "annual_goal"
        fix = found[0].fix
        assert fix.action == "set_field" and fix.field == "annual_goal"
        assert "培训农村实用人才不少于600人" in fix.value and fix.value in found[0].suggestion
        assert not findings_for(submission({"annual_goal": goal}), "GOAL_VAGUE")


def test_slogan_goal_is_vague_but_a_goal_with_numbers_is_not():
    found = findings_for(submission({"annual_goal": "进一步提高农民素质，助推乡村振兴。"}), "GOAL_VAGUE")
    assert len(found) == 1 and "口号" in found[0].message
    assert not findings_for(submission({"annual_goal": "完成三个村的培训，年底前结束"}), "GOAL_VAGUE")


def test_missing_benefit_category():
    sub = submission(drop=[4, 5])
    found = findings_for(sub, "MISSING_LEVEL1")
    assert len(found) == 1 and "效益" in found[0].message


def test_no_level_columns_is_not_missing_level1():
    sub = submission(
        rows={
            i: {**r, "level1": None, "level2": None}
            for i, r in enumerate(submission().canonical()["indicators"])
        }
    )
    assert not findings_for(sub, "MISSING_LEVEL1")


def test_satisfaction_missing_for_a_project_serving_people():
    found = findings_for(submission(drop=[6]), "SATISFACTION_MISSING")
    assert len(found) == 1
    added = found[0].fix.row
    assert found[0].fix.action == "add_row" and added["name"].endswith("满意度")
    assert (added["op"], added["value"], added["unit"], added["level1"]) == ("≥", "90", "%", "满意度指标")
    assert "问卷调查" in found[0].suggestion


def test_no_cost_and_the_rewrite_computes_a_unit_cost_from_the_budget():
    found = findings_for(submission(drop=[3]), "NO_COST")
    assert len(found) == 1
    assert "1500元/人" in found[0].suggestion


def test_cost_row_under_101_first_level_counts_as_cost():
    sub = submission(rows={3: row("成本指标", "经济成本指标", "人均培训成本", "≤", "1500", "元/人", 15)})
    assert not findings_for(sub, "NO_COST")


def test_template_placeholders_in_name_and_value():
    sub = submission(
        rows={
            0: row("产出指标", "数量指标", "培训人数(≥**人)", "≥", "600", "人", 20),
            1: row("产出指标", "质量指标", "培训考核合格率", "≥", "**", "%", 15),
        }
    )
    found = findings_for(sub, "TEMPLATE_PLACEHOLDER")
    assert {f.location.indicator for f in found} == {0, 1}
    assert found[0].fix.row == {"name": "培训人数"} and "改为“培训人数 ≥ 600人”" in found[0].suggestion
    # the placeholder says it all: no other code on those rows
    others = [
        f
        for f in check_submission(sub).findings
        if f.location.indicator == 1 and f.code != "TEMPLATE_PLACEHOLDER"
    ]
    assert others == []


def test_weights_not_100():
    sub = submission(rows={0: row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 15)})
    found = findings_for(sub, "WEIGHTS_NOT_100")
    assert len(found) == 1 and "95" in found[0].message


def test_ninety_plus_budget_execution_rate_is_fine_but_ninety_alone_is_not():
    # 90 in a split other than the 自评 layout's 产出50/效益30/满意度10 (here 产出60/效益20/满意度10)
    base = submission(
        rows={
            4: row("效益指标", "社会效益指标", "参训人员培训后6个月内就业创业率", "≥", "60", "%", 5),
            5: row("效益指标", "可持续影响指标", "参训人员技能证书获证率", "≥", "80", "%", 15),
        }
    )
    assert findings_for(base, "WEIGHTS_NOT_100")
    with_execution = submission(
        rows={0: row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 10)},
        add=[row("预算执行率", None, "预算执行率", "≥", "95", "%", 10)],
    )
    assert not findings_for(with_execution, "WEIGHTS_NOT_100")
    assert not findings_for(with_execution, "INPUT_AS_OUTPUT")


# ---------------------------------------------------------------- W01 in the 财预〔2020〕10号 自评 layout
def _weighted(*weights: float, **changes):
    rows = submission().canonical()["indicators"]
    return submission(
        changes or None,
        rows={i: {**r, "weight": w} for i, (r, w) in enumerate(zip(rows, weights, strict=True))},
    )


def test_ninety_in_the_self_evaluation_split_is_fine():
    """产出 20+15+10+5 = 50, 效益 30, 满意度 10: the 自评 layout, 预算执行率 10 scored outside the rows."""
    assert not findings_for(_weighted(20, 15, 10, 5, 15, 15, 10), "WEIGHTS_NOT_100")


@pytest.mark.parametrize("table_type", ["项目支出绩效自评表(2023年度)", "部门预算项目绩效自评表"])
def test_ninety_in_a_table_titled_self_evaluation_is_fine(table_type):
    assert not findings_for(_weighted(20, 20, 10, 10, 10, 10, 10, table_type=table_type), "WEIGHTS_NOT_100")


@pytest.mark.parametrize("table_type", [None, "项目支出绩效目标申报表"])
def test_ninety_in_another_split_of_an_application_is_short(table_type):
    found = findings_for(_weighted(25, 15, 10, 10, 10, 10, 10, table_type=table_type), "WEIGHTS_NOT_100")
    assert len(found) == 1 and "合计90分" in found[0].message


def test_hundred_in_the_rows_of_a_self_evaluation_table_is_110():
    found = findings_for(
        _weighted(20, 15, 10, 15, 15, 15, 10, table_type="2022年度绩效目标自评表"), "WEIGHTS_NOT_100"
    )
    assert len(found) == 1
    assert "另计“预算执行率”10分后合计110分" in found[0].message and "合计90分" in found[0].suggestion


@pytest.mark.parametrize("table_type", ["项目支出绩效目标申报表", "绩效评价指标表"])
def test_hundred_in_other_tables_is_fine(table_type):
    assert not findings_for(_weighted(20, 15, 10, 15, 15, 15, 10, table_type=table_type), "WEIGHTS_NOT_100")


def test_hundred_in_a_self_evaluation_table_that_lists_its_execution_row_is_fine():
    rows = submission().canonical()["indicators"]
    sub = submission(
        {"table_type": "绩效自评表"},
        rows={
            i: {**r, "weight": w}
            for i, (r, w) in enumerate(zip(rows, (20, 15, 10, 5, 15, 15, 10), strict=True))
        },
        add=[row("预算执行率", None, "预算执行率", "≥", "95", "%", 10)],
    )
    assert not findings_for(sub, "WEIGHTS_NOT_100")


def test_no_weights_at_all_is_not_a_weight_defect():
    data = submission().canonical()
    sub = submission(rows={i: {**r, "weight": None} for i, r in enumerate(data["indicators"])})
    assert not findings_for(sub, "WEIGHTS_NOT_100")


def test_a_per_unit_amount_among_the_benefits_is_not_a_cost_indicator():
    sub = submission(rows={3: row("效益指标", "社会效益指标", "参训人员自付培训费用", "=", "0", "元/人", 15)})
    assert findings_for(sub, "NO_COST")


@pytest.mark.parametrize("project", ["教育其他专项经费", "社会事业发展资金（打捆）"])
def test_bundled_and_other_funds_are_unidentifiable(project):
    assert findings_for(submission({"project": project}), "PROJECT_UNIDENTIFIABLE")


def test_other_entitled_groups_are_a_real_category():
    assert not findings_for(submission({"project": "其他优抚对象生活补助"}), "PROJECT_UNIDENTIFIABLE")


def test_a_survey_of_people_with_paid_enumerators_serves_no_public():
    sub = submission(
        {
            "project": "2025年人口抽样调查",
            "annual_goal": "完成120个调查小区的人口抽样调查，选聘调查员300人（劳务补助每人1000元），举办业务培训4期，人口漏登率控制在1‰以内。",  # noqa: E501
        },
        drop=[4, 5, 6],
    )
    assert not findings_for(sub, "SATISFACTION_MISSING")


def test_girls_vaccinated_are_a_served_public():
    sub = submission(
        {"project": "适龄女生HPV疫苗免费接种", "annual_goal": "2025年为3000名13周岁女生免费接种HPV疫苗。"},
        drop=[6],
    )
    assert findings_for(sub, "SATISFACTION_MISSING")


def test_income_per_household_is_a_benefit_not_a_cost_even_without_levels():
    sub = submission(rows={3: row(None, None, "受益农户户均增收", "≥", "2000", "元/户", None)})
    assert findings_for(sub, "NO_COST")


def test_staff_hired_by_a_project_are_not_its_service_recipients():
    sub = submission(
        {"project": "经济普查经费", "annual_goal": "2024年选聘普查员200名，完成普查登记。"},
        rows={0: row("产出指标", "数量指标", "选聘普查员", "=", "200", "人", 10)},
        drop=[6],
    )
    assert not findings_for(sub, "SATISFACTION_MISSING")


# ---------------------------------------------------------------- C01b: numbers that say nothing
@pytest.mark.parametrize(
    "goal",
    [
        "安排资金90万元，保障农村实用人才培训工作顺利开展",  # the budget, restated
        "90",  # the budget in 万元, alone
        "为年满16周岁的农村劳动力提供培训，提升技能水平",  # an eligibility age
        "贯彻落实2024年度人才工作要点，促进乡村振兴",  # a year
        "依据某农〔2023〕12号文件要求开展培训，提高农民素质",  # a document number
    ],
)
def test_a_goal_whose_only_numbers_are_budget_years_ages_or_file_numbers_is_vague(goal):
    found = findings_for(submission({"annual_goal": goal}), "GOAL_VAGUE")
    assert len(found) == 1 and f"年度目标“{goal.split('，')[0]}" in found[0].message


def test_a_bare_number_as_the_goal_is_said_to_be_one():
    found = findings_for(submission({"annual_goal": "90"}), "GOAL_VAGUE")
    assert "只是一个数字，不是目标表述" in found[0].message


@pytest.mark.parametrize(
    "goal",
    [
        "培训农村实用人才600人",
        "安排资金90万元，培训农村实用人才600人",
        "安排资金60万元用于师资",  # an amount that is not the budget is a measurable part
        "2024年10月31日前完成培训",
        "为年满16周岁的农村劳动力提供培训三期",
    ],
)
def test_a_goal_with_a_quantity_amount_or_deadline_is_measurable(goal):
    assert not findings_for(submission({"annual_goal": goal}), "GOAL_VAGUE")


# ---------------------------------------------------------------- catch-alls, template words and rows
@pytest.mark.parametrize("project", ["其他政府办公厅（室）及相关机构事务支出", "其他农业农村支出"])
def test_a_function_class_as_the_project_name_is_unidentifiable(project):
    assert findings_for(submission({"project": project}), "PROJECT_UNIDENTIFIABLE")


def test_a_project_named_after_its_content_is_identifiable():
    assert not findings_for(
        submission({"project": "其他村级组织运转经费之外的村干部培训"}), "PROJECT_UNIDENTIFIABLE"
    )


@pytest.mark.parametrize("name", ["修复面积（各县区根据实际情况设定）", "培训人数（根据实际情况确定）"])
def test_template_instructions_left_in_a_name(name):
    sub = submission(rows={0: row("产出指标", "数量指标", name, "≥", "600", "人", 20)})
    assert [f.location.indicator for f in findings_for(sub, "TEMPLATE_PLACEHOLDER")] == [0]


def test_a_template_row_still_counts_as_a_duplicate_but_its_category_is_the_templates():
    sub = submission(
        rows={0: row("产出指标", "数量指标", "培训农村实用人才(≥**人)", "≥", "600", "人", 20)},
        add=[
            row("产出指标", "数量指标", "参训农村实用人才人数(≥**人)", "≥", "600", "人", 0),
            row("效益指标", "社会效益指标", "受益农村实用人才人数(≥**人)", "≥", "600", "人", 0),
        ],
    )
    assert [f.location.indicator for f in findings_for(sub, "TEMPLATE_PLACEHOLDER")] == [0, 7, 8]
    assert [f.location.indicator for f in findings_for(sub, "DUPLICATE")] == [7, 8]
    assert not findings_for(sub, "OUTPUT_AS_BENEFIT")  # the template prescribes that benefit row


def test_a_placeholder_value_still_says_it_all():
    sub = submission(rows={4: row("效益指标", "社会效益指标", "参训人员就业率", "≥", "**", "%", 15)})
    found = [f for f in check_submission(sub).findings if f.location.indicator == 4]
    assert [f.code for f in found] == ["TEMPLATE_PLACEHOLDER"]


# ---------------------------------------------------------------- a numeral in a policy's name (C01b)
@pytest.mark.parametrize(
    "goal",
    [
        "认真落实残疾人两项补贴制度，切实保障困难残疾人和重度残疾人基本生活，提高残疾人生活质量。",
        "落实一户一策帮扶措施，巩固拓展脱贫攻坚成果。",
        "做好五保户集中供养工作，保障五保对象基本生活。",
        "严格落实八项规定精神，保障机关正常运转。",
    ],
)
def test_a_goal_whose_only_numeral_is_in_a_policy_name_is_vague(goal):
    found = findings_for(submission({"annual_goal": goal}), "GOAL_VAGUE")
    assert len(found) == 1 and found[0].location.field == "annual_goal"


@pytest.mark.parametrize(
    "goal",
    [
        "为1350名困难残疾人和1820名重度残疾人发放两项补贴，每月10日前发放到位。",
        "落实一户一策，帮扶脱贫户三百户。",
        "建设两个村级卫生室。",
    ],
)
def test_a_goal_with_a_count_beside_the_policy_name_is_measurable(goal):
    assert not findings_for(submission({"annual_goal": goal}), "GOAL_VAGUE")


# ------------------------------------------------------------ the 自评表 title wherever it is recorded (W01)
@pytest.mark.parametrize(
    "where",
    [
        {"title": "2023年度项目支出绩效自评表"},
        {"sheet": "绩效自评表"},
        {"source": "2023年绩效自评表.xlsx#Sheet1!R4"},
    ],
)
def test_a_self_evaluation_title_in_any_title_field_or_the_file_name_is_read(where):
    assert not findings_for(_weighted(20, 20, 10, 10, 10, 10, 10, **where), "WEIGHTS_NOT_100")  # 90
    found = findings_for(_weighted(20, 15, 10, 15, 15, 15, 10, **where), "WEIGHTS_NOT_100")  # 100 + 10
    assert len(found) == 1 and "合计110分" in found[0].message


@pytest.mark.parametrize(
    "where",
    [{"title": "项目支出绩效目标申报表"}, {"source": "2024年绩效目标申报表.xlsx#目标表!R4"}, {"title": ""}],
)
def test_other_titles_keep_the_plain_weight_rule(where):
    assert findings_for(_weighted(25, 15, 10, 10, 10, 10, 10, **where), "WEIGHTS_NOT_100")  # 90, no 自评
    assert not findings_for(_weighted(20, 15, 10, 15, 15, 15, 10, **where), "WEIGHTS_NOT_100")  # 100


@pytest.mark.parametrize(
    "name, value, unit",
    [
        ("享受补贴农户（≥**户）", "9600", "户"),
        ("享受补贴农户（≥**万户）", "0.96", "万户"),
        ("系统可用率（≥**%）", "99", "%"),
        ("培训人数（≥**）", "600", "人"),  # no unit in the bracket: the unit its name counts
    ],
)
def test_a_placeholder_bracket_leaves_its_unit_in_the_unit_column(name, value, unit):
    sub = submission(rows={0: row("产出指标", "数量指标", name, "≥", value, None, 20)})
    found = findings_for(sub, "TEMPLATE_PLACEHOLDER")
    assert [f.location.indicator for f in found] == [0]
    assert found[0].fix is not None and found[0].fix.row["unit"] == unit
    assert f"≥ {value}{unit}”" in found[0].suggestion


def test_a_placeholder_bracket_keeps_a_unit_column_already_filled():
    sub = submission(rows={0: row("产出指标", "数量指标", "享受补贴农户（≥**户）", "≥", "9600", "户", 20)})
    found = findings_for(sub, "TEMPLATE_PLACEHOLDER")
    assert found[0].fix.row == {"name": "享受补贴农户"}
