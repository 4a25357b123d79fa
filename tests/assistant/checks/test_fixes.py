"""Structured fixes (fixes.py, fixplan.py): each finding's fix keeps the row's subject and meaning, is
computed from the submission, and the fixes of one submission agree. Rows here are invented."""

from __future__ import annotations

import pytest
from checks_kit import CLEAN, row, submission

from assistant.checks import check_submission, fixes
from assistant.checks.fixes import PLACEHOLDER
from assistant.checks.fixplan import apply_fixes
from assistant.checks.render import fix_summary, result_to_markdown
from assistant.models import Fix, Submission


def _found(sub: Submission, code: str, at: int | None = None):
    return [
        f
        for f in check_submission(sub).findings
        if f.code == code and (at is None or f.location.indicator == at)
    ]


def _fix(sub: Submission, code: str, at: int | None = None) -> Fix:
    found = _found(sub, code, at)
    assert found and found[0].fix is not None, f"no fix for {code} at {at}"
    return found[0].fix


def _after(sub: Submission) -> Submission:
    result = check_submission(sub)
    return Submission.model_validate(apply_fixes(sub.canonical(), [f.fix for f in result.findings if f.fix]))


# ---------------------------------------------------------------------------------------- unit costs
def test_a_total_cost_becomes_a_unit_cost_of_the_same_thing_budget_over_quantity():
    sub = submission(
        rows={3: row("产出指标", "成本指标", "项目总投资", "≤", "90", "万元", 15)}
    )  # 90万, 600人
    fix = _fix(sub, "COST_NOT_MEASURABLE", 3)
    assert fix.action == "replace_row" and fix.indicator == 3
    assert "单位投资" in fix.row["name"] and "农村实用人才" in fix.row["name"]
    assert (fix.row["op"], fix.row["value"], fix.row["unit"]) == ("≤", "1500", "元/人")
    assert "按预算90万元÷“培训农村实用人才”600人测算" in _found(sub, "COST_NOT_MEASURABLE", 3)[0].suggestion


def test_a_specification_is_never_priced():
    sub = submission(
        {"project": "小型水库水标尺制作安装", "budget_yuan": 200000, "annual_goal": "完成水标尺安装。"},
        rows={
            0: row("产出指标", "数量指标", "安装坡面水标尺", "≥", "266", "米", 20),
            1: row("产出指标", "数量指标", "水标尺宽度", "≥", "50", "厘米", 15),
            3: row("产出指标", "成本指标", "项目计划总投资", None, "20", "万元", 15),
        },
    )
    fix = _fix(sub, "COST_NOT_MEASURABLE", 3)
    assert fix.row["unit"] == "元/米" and fix.row["value"] == "752"
    assert "厘米" not in str(fix.row)


def test_outputs_sharing_the_budget_get_a_price_to_fill_not_a_made_up_one():
    sub = submission(
        {
            "project": "文明宣传",
            "budget_yuan": 480000,
            "annual_goal": "2024年制作宣传牌120块、印发宣传册2万册。",
        },
        rows={
            0: row("产出指标", "数量指标", "制作公益广告宣传牌", "≥", "120", "块", 20),
            1: row("产出指标", "数量指标", "印发宣传册", "≥", "20000", "册", 15),
            3: row("产出指标", "成本指标", "宣传经费", "≤", "48", "万元", 15),
        },
    )
    fix = _fix(sub, "COST_NOT_MEASURABLE", 3)
    assert PLACEHOLDER.search(fix.row["value"]) and fix.row["unit"] == "元/块"


def test_a_cost_row_naming_a_process_is_priced_as_the_aid_standard_not_the_process():
    sub = submission(
        {"project": "孤儿助学", "budget_yuan": 96000, "annual_goal": "资助孤儿按时完成学业。"},
        rows={
            0: row("产出指标", "数量指标", "资助孤儿人数", "≥", "40", "人", 20),
            3: row("产出指标", "成本指标", "助学金社会化发放率", "≥", "95", "%", 15),
        },
    )
    fix = _fix(sub, "COST_NOT_MEASURABLE", 3)
    assert "发放" not in fix.row["name"] and fix.row["name"] == "助学金资助标准"
    assert (fix.row["op"], fix.row["value"], fix.row["unit"]) == ("=", "2400", "元/人·年")


def test_an_allowance_is_priced_per_person_and_month():
    sub = submission(
        {
            "project": "村干部生活补贴",
            "budget_yuan": 1728000,
            "annual_goal": "2024年为96名村干部发放生活补贴。",
        },
        rows={0: row("产出指标", "数量指标", "补贴村干部人数", "=", "96", "人", 20)},
        drop=[3],
    )
    fix = _fix(sub, "NO_COST")
    assert fix.action == "add_row"
    assert (fix.row["name"], fix.row["value"], fix.row["unit"]) == ("生活补贴标准", "1500", "元/人·月")
    assert fix.row["level2"] == "成本指标"


# ------------------------------------------------------------------------------------------- rates
@pytest.mark.parametrize(
    ("name", "value", "op", "target"),
    [
        ("设备验收通过率", "100", "≥", ("=", "100")),  # every case must pass
        ("参训人员结业率", "100", "≥", ("≥", "95")),
        ("参训学员满意度", "100", "≥", ("≥", "90")),
        ("市民满意度调查", "290", None, ("≥", "90")),  # “≥90%” read as 290
    ],
)
def test_a_rate_is_never_above_or_at_least_100(name, value, op, target):
    at = 6 if "满意" in name else 1
    level = ("满意度指标", "服务对象满意度指标") if at == 6 else ("产出指标", "质量指标")
    sub = submission(rows={at: row(*level, name, op, value, "%", 10)})
    fix = _fix(sub, "RATE_OVER_100", at)
    assert (fix.row["op"], fix.row["value"], fix.row["unit"]) == (*target, "%")


def test_a_rate_of_bad_things_never_becomes_a_target_that_cannot_fail():
    trivial = submission(rows={1: row("产出指标", "质量指标", "培训安全事故发生率", "≤", "100", "%", 15)})
    fix = _fix(trivial, "TRIVIAL_THRESHOLD", 1)
    assert fix.row == {"name": "培训安全事故发生起数", "op": "=", "value": "0", "unit": "起"}


def test_a_rate_at_least_zero_takes_last_years_value_never_zero():
    r = row("效益指标", "社会效益指标", "农村生活垃圾无害化处理率", "≥", "0", "%", 15, history="92")
    fix = _fix(submission(rows={4: r}), "TRIVIAL_THRESHOLD", 4)
    assert (fix.row["op"], fix.row["value"]) == ("≥", "92")


# --------------------------------------------------------------------------------------- time rows
def test_a_payment_period_is_kept():
    sub = submission(
        {"project": "孤儿助学", "annual_goal": "按规定发放孤儿助学金。"},
        rows={2: row(None, "时效指标", "按季发放助学金", None, "发放时间达标率", None, 10)},
    )
    fix = _fix(sub, "TIMELINESS_VAGUE", 2)
    assert (
        fix.row["name"] == "助学金发放时间"
        and "每季度末" in fix.row["value"]
        and "全年4次" in fix.row["value"]
    )


def test_pay_without_a_period_is_monthly_and_a_service_limit_is_a_time_limit():
    pay = submission(
        {"project": "村组干部报酬", "annual_goal": "按时发放报酬。"},
        rows={2: row("产出指标", "时效指标", "报酬发放时间", None, "及时", None, 10)},
    )
    assert _fix(pay, "TIMELINESS_VAGUE", 2).row["value"] == "每月10日前发放到位（全年12次）"
    service = submission(
        rows={2: row("产出指标", "时效指标", "特困人员入住办理时限", "定性", "及时", None, 10)}
    )
    fix = _fix(service, "TIMELINESS_VAGUE", 2)
    assert (fix.row["op"], fix.row["value"], fix.row["unit"]) == ("≤", "15", "个工作日")


def test_a_completion_time_takes_the_goals_deadline_else_a_date_to_fill():
    goal_date = submission(
        rows={2: row("产出指标", "时效指标", "培训完成时间", "定性", "年内完成", None, 10)}
    )
    assert _fix(goal_date, "TIMELINESS_VAGUE", 2).row["value"] == "2024年10月31日"
    no_date = submission(
        {"annual_goal": "2024年培训农村实用人才600人。"},
        rows={2: row("产出指标", "时效指标", "培训完成时间", "定性", "年内完成", None, 10)},
    )
    value = _fix(no_date, "TIMELINESS_VAGUE", 2).row["value"]
    assert value.startswith("2024年") and PLACEHOLDER.search(value)  # never “12月31日”, the year restated


# ---------------------------------------------------------------------------- effects from content
def _benefit(project: str, goal: str, name: str, value: str = "明显提升") -> Submission:
    return submission(
        {"project": project, "annual_goal": goal},
        rows={4: row("效益指标", "社会效益指标", name, "定性", value, None, 15)},
    )


@pytest.mark.parametrize(
    ("project", "goal", "name", "expected"),
    [
        (
            "农村实用人才培训",
            "2024年培训农村实用人才600人。",
            "农民综合素质",
            "参训",
        ),  # skills of the trained
        (
            "高中助学金",
            "2024年资助家庭经济困难学生2100人。",
            "学生就学情况",
            "辍学",
        ),  # the burden it relieves
        ("县公安局视频监控机房租赁", "2024年租赁机房1处，保障机柜77台运行。", "服务保障民生", "正常运行率"),
        ("19名百岁老人高龄津贴", "为百岁老人发放高龄津贴。", "老人生活条件", "应保尽保率"),
    ],
)
def test_an_effect_row_becomes_an_effect_this_project_can_cause(project, goal, name, expected):
    fix = _fix(_benefit(project, goal, name), "VAGUE_VALUE", 4)
    assert expected in fix.row["name"]
    assert "经营性收入" not in fix.row["name"] and not PLACEHOLDER.search(fix.row["value"])


def test_a_row_naming_a_measurable_quantity_keeps_it():
    fix = _fix(_benefit("脐橙果园改造", "2023年改造果园5000亩。", "果农收入", "明显增加"), "VAGUE_VALUE", 4)
    assert fix.row["name"] == "果农收入较上年增长率" and fix.row["unit"] == "%"


def test_a_satisfaction_row_stays_a_satisfaction_rate():
    sub = submission(
        rows={6: row("满意度指标", "服务对象满意度指标", "参训学员满意度", "定性", "较满意", None, 10)}
    )
    assert _fix(sub, "VAGUE_VALUE", 6).row == {"op": "≥", "value": "90", "unit": "%"}


def test_awareness_becomes_a_known_share_of_the_same_subject():
    sub = _benefit("消费者权益保护宣传", "2024年开展宣传2次。", "提升全县消费者维权意识", "不断提升")
    fix = _fix(sub, "VAGUE_VALUE", 4)
    assert fix.row["name"] == "全县消费者维权知识知晓率" and fix.row["value"] == "90"


# ------------------------------------------------------------------------------------- agreement
def test_a_rewritten_name_loses_the_templates_numbering_and_a_bare_cost_is_the_projects_unit_cost():
    sub = submission(
        {"project": "教学楼暖通改造", "budget_yuan": 432000, "annual_goal": "完成教学楼暖通改造2400平方米。"},
        rows={
            0: row("产出指标", "数量指标", "指标1改造面积", None, "2400", None, 20),
            1: row("产出指标", "质量指标", "指标1工程验收合格率", None, "100", None, 15),
            3: row("产出指标", "成本指标", "指标1成本控制率", None, "100", None, 15),
        },
    )
    assert _fix(sub, "NO_UNIT", 1).row == {"name": "工程验收合格率", "unit": "%"}
    cost = _fix(sub, "COST_NOT_MEASURABLE", 3).row
    assert (cost["name"], cost["op"], cost["value"], cost["unit"]) == (
        "教学楼暖通改造单位成本",
        "≤",
        "180",
        "元/平方米",
    )


def test_a_row_is_never_both_deleted_and_rewritten():
    sub = submission(
        {"project": "村干部生活补贴"},
        rows={5: row("效益指标", "生态效益指标", "改善农村人居生态环境", "定性", "持续改善", None, 15)},
    )
    on_row = [f for f in check_submission(sub).findings if f.location.indicator == 5 and f.fix]
    assert {f.code for f in on_row} >= {"IRRELEVANT", "VAGUE_VALUE"}
    assert len({f.fix.model_dump_json() for f in on_row}) == 1  # one fix for the row, whichever finding


def test_weights_are_conserved_and_never_moved_into_a_flagged_row():
    sub = submission(
        {"project": "村干部生活补贴"},
        rows={
            5: row("效益指标", "生态效益指标", "改善农村人居生态环境", "≥", "90", "%", 15),
            4: row("效益指标", "社会效益指标", "村干部队伍稳定率", "≥", "95", "%", 15),
        },
    )
    found = _found(sub, "IRRELEVANT", 5)
    fix = found[0].fix
    assert fix.action == "delete_row" and fix.also and fix.also[0].indicator == 4
    assert fix.also[0].row == {"weight": 30}
    flagged = {f.location.indicator for f in check_submission(sub).findings}
    assert 4 not in flagged
    assert sum(i.weight or 0 for i in _after(sub).indicators) == 100


def test_weights_off_100_never_gain_a_budget_execution_row():
    sub = submission(rows={0: row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 15)})  # 95
    fix = _fix(sub, "WEIGHTS_NOT_100")
    assert fix.action == "replace_row" and "预算执行率" not in str(fix.model_dump())
    assert sum(i.weight or 0 for i in _after(sub).indicators) == 100


def test_an_added_row_takes_its_weight_from_an_untouched_row():
    sub = submission(drop=[6])  # no satisfaction row: weights 90 + the added 10 must stay 100 in total
    sub = Submission.model_validate(
        {
            **sub.canonical(),
            "indicators": [
                {**i.model_dump(), "weight": w}
                for i, w in zip(sub.indicators, (30, 15, 10, 15, 15, 15), strict=True)
            ],
        }
    )
    fix = _fix(sub, "SATISFACTION_MISSING")
    assert fix.row["weight"] == 10 and fix.also and all(set(a.row) == {"weight"} for a in fix.also)
    assert sum(i.weight or 0 for i in _after(sub).indicators) == 100


def test_the_goal_is_written_from_the_fixed_rows_only():
    sub = submission(
        {"annual_goal": "保障培训工作顺利开展。"},
        rows={1: row("产出指标", "质量指标", "培训考核合格率", "≥", "100", "%", 15)},
    )
    goal = _fix(sub, "GOAL_VAGUE")
    assert goal.action == "set_field" and goal.field == "annual_goal"
    assert "培训农村实用人才不少于600人" in goal.value
    assert "培训考核合格率达到100%" in goal.value  # the rate as its own fix rewrites it, never “≥ 100%”


def test_a_benefit_restating_an_output_becomes_an_effect_not_a_second_count():
    sub = submission(rows={4: row("效益指标", "社会效益指标", "培训农村实用人才", "≥", "600", "人", 15)})
    fixes_here = {f.code: f.fix for f in check_submission(sub).findings if f.location.indicator == 4}
    assert fixes_here.keys() >= {"DUPLICATE", "OUTPUT_AS_BENEFIT"}
    assert fixes_here["DUPLICATE"] == fixes_here["OUTPUT_AS_BENEFIT"]
    assert "人数" not in fixes_here["DUPLICATE"].row["name"]


# ----------------------------------------------------------------------------------- the machinery
def test_apply_fixes_uses_input_indexes_and_applies_companions():
    data = {
        "project": "x",
        "indicators": [{"name": "a", "weight": 10}, {"name": "b", "weight": 20}, {"name": "c", "weight": 30}],
    }
    out = apply_fixes(
        data,
        [
            {
                "action": "delete_row",
                "indicator": 0,
                "also": [{"action": "replace_row", "indicator": 2, "row": {"weight": 40}}],
            },
            {"action": "replace_row", "indicator": 1, "row": {"name": "B"}},
            {"action": "add_row", "row": {"name": "d", "weight": 5}},
            {"action": "set_field", "field": "annual_goal", "value": "g"},
        ],
    )
    assert [(i["name"], i["weight"]) for i in out["indicators"]] == [("B", 20), ("c", 40), ("d", 5)]
    assert out["annual_goal"] == "g" and data["indicators"][1]["name"] == "b"  # the input is not changed


def test_the_suggestion_is_the_words_of_the_fix():
    sub = submission(rows={2: row("产出指标", "时效指标", "培训完成时间", "定性", "年内完成", None, 10)})
    found = _found(sub, "TIMELINESS_VAGUE", 2)[0]
    assert (
        found.suggestion
        == "第3行“培训完成时间：年内完成”改为“培训完成时间 ≤ 2024年10月31日”（依据年度目标）。"
    )


def test_the_report_says_how_each_fix_changes_the_table():
    sub = submission(rows={2: row("产出指标", "时效指标", "培训完成时间", "定性", "年内完成", None, 10)})
    result = check_submission(sub)
    found = [f for f in result.findings if f.code == "TIMELINESS_VAGUE"][0]
    assert fix_summary(found.fix) == "改写第3行（指标值）"
    assert "   - 修改方式：改写第3行（指标值）（结构化修改见 JSON 的 fix）" in result_to_markdown(result)
    assert fix_summary(Fix(action="delete_row", indicator=4)) == "删除第5行"
    todo = Fix(action="replace_row", indicator=0, row={"value": "〔待填：上年值〕"})
    assert fix_summary(todo) == "改写第1行（指标值）；需补填1处：〔待填：上年值〕"


def test_a_builder_that_fails_costs_the_fix_never_the_finding(monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(fixes, "_clause_target", broken)
    sub = _benefit("城区防洪", "防洪标准提高到10年一遇。", "防洪能力", "明显提高")
    found = _found(sub, "VAGUE_VALUE", 4)
    assert found and found[0].fix is None and found[0].suggestion  # the rule's own suggestion remains
    assert check_submission(sub).error is None


def test_clean_submission_has_no_fixes():
    assert not [f for f in check_submission(Submission.model_validate(CLEAN)).findings if f.fix]
