"""Rules about a row's value and unit (rules_values.py):
vague values and deadlines, units, percentages, value-name conflicts."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks import check_submission


def _with(r: dict, at: int = 4):
    return submission(rows={at: r})


@pytest.mark.parametrize(
    "name",
    [
        "犬只狂犬病免疫密度",
        "义务教育巩固水平（巩固）",
        "设施设备完好",
        "病死畜禽无害化处理占比",
        "新植苗木成活",
        "学员到课情况",
    ],
)
def test_real_rate_nouns_take_a_percentage(name):
    r = row("产出指标", "质量指标", name, "≥", "90", "%", 15)
    assert not findings_for(submission(rows={1: r}), "PERCENT_WITHOUT_BASIS")


def test_a_slogan_with_a_percentage_is_still_flagged():
    r = row("效益指标", "社会效益指标", "推动乡村文化繁荣", "≥", "90", "%", 15)
    assert findings_for(submission(rows={4: r}), "PERCENT_WITHOUT_BASIS")


@pytest.mark.parametrize(
    "name,value",
    [
        ("设备是否通过质量检测", "是"),
        ("是否发生重大安全责任事故", "否"),
        ("工程质量等级", "合格"),
        ("年度考核等次评定", "优秀"),
    ],
)
def test_decidable_qualitative_targets_are_fine(name, value):
    assert not findings_for(
        submission(rows={1: row("产出指标", "质量指标", name, "定性", value, None, 15)}), "VAGUE_VALUE"
    )


@pytest.mark.parametrize("name,value", [("培训组织情况", "是"), ("服务态度", "合格"), ("设施运行", "优")])
def test_bare_words_without_a_question_or_standard_are_vague(name, value):
    assert findings_for(
        submission(rows={1: row("产出指标", "质量指标", name, "定性", value, None, 15)}), "VAGUE_VALUE"
    )


def test_vague_quality_row_gets_a_quality_measure_of_its_object():
    sub = submission(
        {"project": "2024年城区道路养护", "annual_goal": "2024年养护城区道路85公里。"},
        rows={1: row("产出指标", "质量指标", "养护质量", "定性", "良好", None, 15)},
    )
    suggestion = findings_for(sub, "VAGUE_VALUE")[0].suggestion
    assert "城区道路养护优良路率" in suggestion and "85公里" not in suggestion


def test_percentage_written_into_the_name_without_brackets():
    r = row("产出指标", "质量指标", "设备安装调试合格率100%", "=", "90", "%", 15)
    found = findings_for(submission(rows={1: r}), "VALUE_NAME_CONFLICT")
    assert len(found) == 1 and "设备安装调试合格率 = 100%" in found[0].suggestion


def test_percentage_in_the_name_that_agrees_with_the_value_is_fine():
    r = row("产出指标", "质量指标", "设备安装调试合格率100%", "=", "100", "%", 15)
    assert not findings_for(submission(rows={1: r}), "VALUE_NAME_CONFLICT")


@pytest.mark.parametrize(
    "name,value,per_year",
    [
        ("助学金按学期发放", "1", "2次"),
        ("补助春秋两季拨付", "1", "2次"),
        ("生活费按旬发放", "12", "36次"),
        ("工资每半月支付", "12", "24次"),
    ],
)
def test_period_words_set_the_yearly_count(name, value, per_year):
    r = row("产出指标", "时效指标", name, "=", value, "次", 10)
    found = findings_for(submission(rows={2: r}), "VALUE_NAME_CONFLICT")
    assert len(found) == 1 and per_year in found[0].suggestion


@pytest.mark.parametrize(
    "name,value",
    [
        ("每月开展河道巡查", "4"),
        ("助学金按学期发放", "2"),
        ("每学期开展家访", "1"),
        ("按月开展安全检查", "1"),
    ],
)
def test_per_period_counts_and_matching_counts_are_fine(name, value):
    r = row("产出指标", "时效指标", name, "=", value, "次", 10)
    assert not findings_for(submission(rows={2: r}), "VALUE_NAME_CONFLICT")


@pytest.mark.parametrize(
    "name,unit,expected",
    [
        ("危房改造户数", "人", "户"),
        ("新增绿化面积", "个", "平方米"),
        ("新建通村公路里程", "条", "公里"),
        ("奖补资金", "户", "元"),
    ],
)
def test_unit_must_fit_the_kind_the_name_declares(name, unit, expected):
    r = row("产出指标", "数量指标", name, "=", "120", unit, 20)
    found = findings_for(submission(rows={0: r}), "WRONG_UNIT")
    assert len(found) == 1 and found[0].fix.row == {"unit": expected}
    assert f"改为“{name} = 120{expected}”" in found[0].suggestion


@pytest.mark.parametrize(
    "name,unit",
    [
        ("危房改造户数", "户"),
        ("新增绿化面积", "万平方米"),
        ("新建通村公路里程", "公里"),
        ("奖补资金", "万元"),
        ("危房改造户数", "栋户"),
    ],
)
def test_fitting_or_unknown_units_are_fine(name, unit):
    r = row("产出指标", "数量指标", name, "=", "120", unit, 20)
    assert not findings_for(submission(rows={0: r}), "WRONG_UNIT")


def test_hundred_percent_done_on_a_task_is_not_a_formless_percentage():
    r = row("产出指标", "数量指标", "年度培训计划", None, "100%完成", None, 20)
    assert not findings_for(submission(rows={0: r}), "PERCENT_WITHOUT_BASIS")


@pytest.mark.parametrize(
    "value", ["平稳运行，不出现赤字", "全年未发生安全生产责任事故", "不发生拖欠工资引发的群体性上访"]
)
def test_a_stated_absence_is_not_vague(value):
    sub = submission(
        {"project": "城乡居民医保运行保障"},
        rows={5: row("效益指标", "可持续影响指标", "基金运行情况", "定性", value, None, 10)},
    )
    assert not [f for f in findings_for(sub, "VAGUE_VALUE") if f.location.indicator == 5]


def test_a_descriptive_sentence_without_a_condition_is_still_vague():
    sub = submission(
        {"project": "城乡居民医保运行保障"},
        rows={
            5: row("效益指标", "可持续影响指标", "基金运行情况", "定性", "基金运行总体平稳健康发展", None, 10)
        },
    )
    assert [f for f in findings_for(sub, "VAGUE_VALUE") if f.location.indicator == 5]


def test_a_vague_benefit_row_is_not_rewritten_into_the_projects_output_count():
    sub = submission(
        {
            "project": "学生营养改善计划",
            "annual_goal": "2024年为全县农村学生提供营养膳食补助，惠及学生6000人。",
        },
        rows={5: row("效益指标", "社会效益指标", "学生营养健康状况", "定性", "有所改善", None, 10)},
    )
    found = [f for f in findings_for(sub, "VAGUE_VALUE") if f.location.indicator == 5]
    assert found and "6000人" not in found[0].suggestion


def test_a_role_noun_counted_in_ge_is_a_wrong_unit():
    sub = submission(
        {"project": "非遗保护传承"},
        rows={0: row("产出指标", "数量指标", "资助非遗传承人", "=", "25", "个", 10)},
    )
    assert [f for f in findings_for(sub, "WRONG_UNIT") if f.location.indicator == 0]


@pytest.mark.parametrize(
    "value", ["良好", "有效", "明显改善", "显著提升了群众出行便利程度", "高中低", "进一步提升"]
)
def test_vague_qualitative_values(value):
    found = findings_for(
        _with(row("效益指标", "社会效益指标", "群众出行条件", "定性", value, None, 15)), "VAGUE_VALUE"
    )
    assert len(found) == 1 and found[0].location.indicator == 4
    assert "细化量化" in found[0].message and found[0].suggestion


@pytest.mark.parametrize(
    "value", ["达到国家C级标准", "通过竣工验收", "水质达到Ⅲ类", "无重大安全事故", "达到/部分达到/未达到"]
)
def test_judgeable_qualitative_values_are_fine(value):
    assert not findings_for(
        _with(row("效益指标", "社会效益指标", "病媒生物密度控制水平", "定性", value, None, 15)), "VAGUE_VALUE"
    )


def test_vague_value_rewrite_prefers_the_goal_number():
    sub = submission(
        {"annual_goal": "2020年新建护岸堤防8.2公里，防洪标准提高到10年一遇。"},
        rows={4: row("效益指标", "社会效益指标", "防洪能力", "定性", "明显提高", None, 15)},
    )
    found = findings_for(sub, "VAGUE_VALUE")[0]
    assert found.fix.row == {"name": "防洪标准", "op": "≥", "value": "10年一遇", "unit": ""}
    assert "“防洪标准 ≥ 10年一遇”（依据年度目标）" in found.suggestion


@pytest.mark.parametrize("value", ["及时", "按时完成", "年内", "适时开展"])
def test_vague_deadline_on_a_timeliness_row(value):
    found = findings_for(
        _with(row("产出指标", "时效指标", "培训完成时间", "定性", value, None, 10), at=2), "TIMELINESS_VAGUE"
    )
    assert len(found) == 1
    assert "2024年10月31日" in found[0].suggestion  # the goal says 10月31日前
    assert not findings_for(
        _with(row("产出指标", "时效指标", "培训完成时间", "定性", value, None, 10), at=2), "VAGUE_VALUE"
    )


def test_pay_timeliness_rewrite_is_a_monthly_deadline():
    sub = submission(
        {"project": "村干部报酬"},
        rows={2: row("产出指标", "时效指标", "报酬发放时间", None, "及时", None, 10)},
    )
    assert "每月10日前" in findings_for(sub, "TIMELINESS_VAGUE")[0].suggestion


@pytest.mark.parametrize(
    "value,unit",
    [("2024-10-31", "日期"), ("24", "小时"), ("15", "个工作日"), ("每月10日前", None), ("10月底前", None)],
)
def test_concrete_deadlines_are_fine(value, unit):
    r = row("产出指标", "时效指标", "资金发放时间", "≤", value, unit, 10)
    assert not findings_for(_with(r, at=2), "TIMELINESS_VAGUE")


def test_timely_disbursement_rate_is_a_valid_timeliness_row():
    r = row("产出指标", "时效指标", "资金拨付及时率", "≥", "95", "%", 10)
    result = check_submission(_with(r, at=2))
    assert result.findings == []


def test_no_unit_on_a_rate():
    found = findings_for(
        _with(row("产出指标", "质量指标", "培训考核合格率", "≥", "95", None, 15), at=1), "NO_UNIT"
    )
    assert len(found) == 1 and "培训考核合格率 ≥ 95%" in found[0].suggestion


@pytest.mark.parametrize(
    "r,expected",
    [
        (row("产出指标", "成本指标", "个人防护装备单价", "≤", "3000", "人/天", 15), "元/"),
        (row("满意度指标", "服务对象满意度指标", "办事群众满意度", "≥", "95", "人次", 10), "95%"),
        (row("产出指标", "数量指标", "补贴村干部人数", "=", "96", "个", 20), "96人"),
        (row("效益指标", "社会效益指标", "经常参加体育锻炼人数", "≥", "12000", "户", 15), "12000人"),
    ],
)
def test_wrong_units(r, expected):
    at = {"成本指标": 3, "服务对象满意度指标": 6, "数量指标": 0}.get(r["level2"], 4)
    found = findings_for(_with(r, at=at), "WRONG_UNIT")
    assert len(found) == 1 and expected in found[0].suggestion


@pytest.mark.parametrize(
    "r",
    [
        row("效益指标", "社会效益指标", "防洪标准", "≥", "10", "年一遇", 15),
        row("效益指标", "社会效益指标", "低保对象", "=", "120", "户", 15),
        row("效益指标", "社会效益指标", "全县麻疹发病率", "≤", "1", "/10万", 15),
        row("满意度指标", "服务对象满意度指标", "群众满意度测评得分", "≥", "90", "分", 15),
    ],
)
def test_units_that_fit(r):
    assert not findings_for(_with(r), "WRONG_UNIT")


@pytest.mark.parametrize(
    "name", ["维护社会和谐稳定", "群众卫生健康意识", "工作质量", "促进经济社会高质量发展"]
)
def test_percent_on_something_that_is_not_a_rate(name):
    found = findings_for(
        _with(row("效益指标", "社会效益指标", name, "≥", "95", "%", 15)), "PERCENT_WITHOUT_BASIS"
    )
    assert len(found) == 1 and "比率" in found[0].message


@pytest.mark.parametrize(
    "name",
    [
        "改造路段交通事故起数较上年下降",
        "单位面积综合能耗较上年下降",
        "居民健康素养水平",
        "安置人员在岗满6个月比例",
        "护理型床位占比",
        "项目完成及时性",
    ],
)
def test_percent_on_rates_and_changes_is_fine(name):
    assert not findings_for(
        _with(row("效益指标", "社会效益指标", name, "≥", "10", "%", 15)), "PERCENT_WITHOUT_BASIS"
    )


def test_value_contradicting_the_name():
    pct = row("产出指标", "质量指标", "供养金按月足额发放率（100%）", "=", "98", "%", 15)
    assert findings_for(_with(pct, at=1), "VALUE_NAME_CONFLICT")
    monthly = row("产出指标", "时效指标", "报酬按月足额发放", "=", "1", "次", 10)
    found = findings_for(_with(monthly, at=2), "VALUE_NAME_CONFLICT")
    assert found and "12次" in found[0].suggestion
    ok = row("产出指标", "时效指标", "补贴按月发放次数", "=", "12", "次", 10)
    assert not findings_for(_with(ok, at=2), "VALUE_NAME_CONFLICT")


@pytest.mark.parametrize("value", ["无", "不涉及", "/"])
def test_rows_marked_not_applicable_are_not_judged(value):
    r = row("效益指标", "生态效益指标", "生态效益", "定性", value, None, 0)
    sub = submission(add=[r])
    assert not findings_for(sub, "VAGUE_VALUE") and not findings_for(sub, "IRRELEVANT")


@pytest.mark.parametrize("value", ["每月", "每季度", "全年12次"])
def test_period_values_on_timeliness_rows_are_concrete(value):
    assert not findings_for(
        _with(row("产出指标", "时效指标", "服务期限", "定性", value, None, 10), at=2), "TIMELINESS_VAGUE"
    )


@pytest.mark.parametrize("value", ["全年", "年底前完成"])
def test_the_budget_year_alone_is_not_a_period_a_reviewer_can_check(value):
    """shared/data/README.md labelling convention: 全年, 1-12月, 2023年度 restate the budget year (V07b)."""
    found = findings_for(
        _with(row("产出指标", "时效指标", "服务期限", "定性", value, None, 10), at=2), "TIMELINESS_VAGUE"
    )
    assert [f.rule_id for f in found] == ["V07b"]


def test_implicit_share_names_take_a_percent():
    r = row("产出指标", "数量指标", "培训任务完成", "=", "100", "%", 10)
    assert not findings_for(submission(add=[r]), "PERCENT_WITHOUT_BASIS")


@pytest.mark.parametrize(
    "i, level2, name, op, bad, good, unit, stated",
    [
        (1, "质量指标", "培训考核合格率（应达到98%以上）", "≥", "95", "98", "%", "98%"),
        (2, "时效指标", "培训完成时间（10月31日前）", "≤", "2024-12-31", "2024-10-31", "日期", "10月31日"),
    ],
)
def test_a_target_or_deadline_the_name_states_must_be_the_value(i, level2, name, op, bad, good, unit, stated):
    found = findings_for(
        submission(rows={i: row("产出指标", level2, name, op, bad, unit, 15)}), "VALUE_NAME_CONFLICT"
    )
    assert len(found) == 1 and stated in found[0].message
    assert not findings_for(
        submission(rows={i: row("产出指标", level2, name, op, good, unit, 15)}), "VALUE_NAME_CONFLICT"
    )


@pytest.mark.parametrize(
    "name, value, unit, conflict",
    [
        ("每周开放时长（每周不少于3小时）", "150", "分钟", True),
        ("每周开放时长（每周不少于3小时）", "180", "分钟", False),
        ("培训覆盖全县18个乡镇", "15", "个", True),
        ("开放场馆（大型1个、中型1个）", "2", "个", False),
        ("生均补助标准（每学期200元）", "400", "元/人", False),
    ],
)
def test_a_count_the_name_states_must_be_the_value(name, value, unit, conflict):
    sub = submission(add=[row("产出指标", "数量指标", name, "=", value, unit, 0)])
    assert bool(findings_for(sub, "VALUE_NAME_CONFLICT")) is conflict


@pytest.mark.parametrize("name, unit", [("农技人员人均培训费", "元/户"), ("服务集镇常住人口", "万户")])
def test_per_person_and_people_written_per_household(name, unit):
    sub = submission(
        add=[
            row(
                "产出指标",
                "成本指标" if "费" in name else "数量指标",
                name,
                "≤" if "费" in name else "≥",
                "3000" if "费" in name else "4.2",
                unit,
                0,
            )
        ]
    )
    assert findings_for(sub, "WRONG_UNIT")


@pytest.mark.parametrize(
    "value, vague",
    [
        ("优良", True),
        ("符合《城镇污水处理厂污染物排放标准》一级B要求", False),
        ("每户出具专项审计报告", False),
    ],
)
def test_qualitative_values_citing_a_standard_or_a_deliverable_are_judgeable(value, vague):
    sub = submission(add=[row("产出指标", "质量指标", "工作质量", "定性", value, None, 0)])
    assert bool(findings_for(sub, "VAGUE_VALUE")) is vague


@pytest.mark.parametrize("name", ["参训学员认可度（问卷调查）", "受益群众获得感（入户抽样）"])
def test_satisfaction_by_another_name_is_a_rate_and_a_satisfaction_row(name):
    sub = submission(rows={6: row("满意度指标", "服务对象满意度指标", name, "≥", "90", "%", 10)})
    assert not findings_for(sub, "PERCENT_WITHOUT_BASIS")
    levelless = submission(rows={6: row(None, None, name, "≥", "90", "%", None)})
    assert not findings_for(levelless, "SATISFACTION_MISSING")


def test_a_staff_member_counted_in_vehicles_is_the_wrong_unit():
    sub = submission(add=[row("产出指标", "数量指标", "配备随车照管员", "=", "45", "辆", 0)])
    assert findings_for(sub, "WRONG_UNIT")


@pytest.mark.parametrize(
    "name", ["病虫害防治效果（(对照区病情指数−防治区病情指数)/对照区病情指数×100%）", "保种群近交系数年增量"]
)
def test_a_percentage_whose_name_gives_its_formula_or_is_a_coefficient_has_a_basis(name):
    sub = submission(add=[row("效益指标", "生态效益指标", name, "≥", "85", "%", 0)])
    assert not findings_for(sub, "PERCENT_WITHOUT_BASIS")


@pytest.mark.parametrize(
    "value",
    ["通过县卫生健康委员会验收（以验收意见书为准）", "未出现品种丢失或混杂（以省级监测报告结论为准）"],
)
def test_acceptance_by_a_named_body_and_a_stated_non_event_are_judgeable(value):
    sub = submission(add=[row("产出指标", "质量指标", "验收情况", "定性", value, None, 0)])
    assert not findings_for(sub, "VAGUE_VALUE")


def test_a_one_off_payment_made_twice_conflicts_with_its_name():
    sub = submission(add=[row("产出指标", "时效指标", "补贴资金一次性兑付", "=", "2", "次", 0)])
    assert findings_for(sub, "VALUE_NAME_CONFLICT")


def test_a_start_date_in_the_name_is_not_a_deadline():
    sub = submission(
        rows={2: row("产出指标", "时效指标", "培训完成时间（3月1日起）", "≤", "2024-10-31", "日期", 10)}
    )
    assert not findings_for(sub, "VALUE_NAME_CONFLICT")


# ---------------------------------------------------------------- V07b: a 时效 row restating the budget year
@pytest.mark.parametrize("value", ["全年", "1-12月", "2023年1-12月", "2024年度", "年底前", "1至12月份"])
def test_a_timeliness_row_that_only_restates_the_budget_year_is_vague(value):
    sub = submission(rows={2: row("产出指标", "时效指标", "培训完成时间", None, value, None, 10)})
    found = [f for f in check_submission(sub).findings if f.rule_id == "V07b"]
    assert len(found) == 1 and found[0].code == "TIMELINESS_VAGUE" and found[0].location.indicator == 2
    assert f"只写“{value}”" in found[0].message and "重述预算年度" in found[0].message
    # the goal's own deadline (10月31日前) becomes the target
    assert found[0].fix.row == {"op": "≤", "value": "2024年10月31日", "unit": ""}  # the name stays
    assert found[0].suggestion.endswith("改为“培训完成时间 ≤ 2024年10月31日”（依据年度目标）。")
    assert len(findings_for(sub, "TIMELINESS_VAGUE")) == 1  # one finding per row, not V07 as well


@pytest.mark.parametrize(
    "value", ["2024年6月30日前", "2024-10-31", "每月10日前发放", "每年12月底前", "全年12次", "第三季度"]
)
def test_a_timeliness_row_with_a_date_or_period_is_not_a_restated_year(value):
    sub = submission(rows={2: row("产出指标", "时效指标", "培训完成时间", None, value, None, 10)})
    assert not [f for f in check_submission(sub).findings if f.rule_id == "V07b"]


def test_a_restated_year_outside_a_timeliness_row_is_not_judged_as_a_deadline():
    sub = submission(rows={1: row("产出指标", "质量指标", "培训考核合格率", "≥", "全年", "%", 15)})
    assert not [f for f in check_submission(sub).findings if f.rule_id == "V07b"]


# ---------------------------------------------------------------- V07c: a rate on a 时效 row with no deadline
NO_DEADLINE_GOAL = "2024年培训农村实用人才600人，人均培训成本不超过1500元，培训考核合格率达到95%以上。"


@pytest.mark.parametrize(
    ("name", "op", "value", "unit"),
    [
        ("培训按期完成率", "≥", "95", "%"),
        ("补助资金及时兑付率", None, "100", "%"),
        ("项目按时开工率", "=", "100", None),  # unit left out: still a rate
        ("应急物资保障率", None, "100%", None),  # not a time at all, filed under 时效
    ],
)
def test_a_rate_on_a_timeliness_row_with_no_deadline_anywhere(name, op, value, unit):
    """Labelling convention: a 及时率 / 按期完工率 with no deadline in name, basis or goal is vague."""
    sub = submission(
        {"annual_goal": NO_DEADLINE_GOAL}, rows={2: row("产出指标", "时效指标", name, op, value, unit, 10)}
    )
    found = findings_for(sub, "TIMELINESS_VAGUE")
    assert [(f.rule_id, f.location.indicator) for f in found] == [("V07c", 2)]
    assert "没有写明截止日期或时限" in found[0].message and "〔待填：" in found[0].suggestion


@pytest.mark.parametrize(
    ("goal", "timely"),
    [
        (None, row("产出指标", "时效指标", "培训按期完成率", "≥", "95", "%", 10)),  # goal: 10月31日前
        (NO_DEADLINE_GOAL, row("产出指标", "时效指标", "补助按月发放率", "=", "100", "%", 10)),  # a schedule
        (
            NO_DEADLINE_GOAL,
            row("产出指标", "时效指标", "工单办结率（受理后5个工作日内办结）", "≥", "95", "%", 10),
        ),
        (
            NO_DEADLINE_GOAL,
            row(
                "产出指标",
                "时效指标",
                "审批完成率",
                "≥",
                "99",
                "%",
                10,
                basis="按照要求每月完成符合条件对象审批",
            ),
        ),
        (
            NO_DEADLINE_GOAL,
            row("产出指标", "时效指标", "故障响应时间", "≤", "24", "小时", 10),
        ),  # a time limit
    ],
)
def test_a_timeliness_rate_with_a_stated_deadline_is_fine(goal, timely):
    changes = {"annual_goal": goal} if goal else None
    assert not findings_for(submission(changes, rows={2: timely}), "TIMELINESS_VAGUE")


def test_a_timeliness_rate_is_fine_when_another_time_row_gives_the_date():
    rate = row("产出指标", "时效指标", "培训按期完成率", "≥", "95", "%", 0)
    sub = submission({"annual_goal": NO_DEADLINE_GOAL}, add=[rate])  # row 2 says ≤ 2024-10-31
    assert not findings_for(sub, "TIMELINESS_VAGUE")
    year_only = row("产出指标", "时效指标", "培训完成时间", None, "全年", None, 10)
    sub = submission({"annual_goal": NO_DEADLINE_GOAL}, rows={2: year_only}, add=[rate])
    assert [f.rule_id for f in findings_for(sub, "TIMELINESS_VAGUE")] == ["V07b", "V07c"]


# ---------------------------------------------------------------- V13 on abstract qualities, V02 on zero
@pytest.mark.parametrize(
    ("name", "value", "unit"),
    [
        ("学校办学能力", "100", None),  # a bare 100 on an ability reads as 100%
        ("设施长期使用性", "100", None),
        ("提升基层应急处置能力", "90", "%"),  # the verb 提升 does not make it a change rate
        ("学员科学种植意识", "95", "%"),
        ("设施使用效果", "95", "%"),  # 使用 does not make an effect a share
    ],
)
def test_a_percentage_on_an_abstract_quality_has_no_basis(name, value, unit):
    sub = submission(rows={4: row("效益指标", "社会效益指标", name, None, value, unit, 15)})
    assert [f.location.indicator for f in findings_for(sub, "PERCENT_WITHOUT_BASIS")] == [4]


@pytest.mark.parametrize(
    ("name", "value", "unit"),
    [
        ("资金使用合规性", "100", "%"),  # a compliance share
        ("系统运行稳定性", "99", "%"),  # an availability share
        ("设备完好性", "100", "%"),
        ("居民健康素养水平", "25", "%"),  # a published rate
        ("参训学员技能提升人数", "100", None),  # a count, flagged as NO_UNIT instead
        ("培训考核合格率", "100", None),
        ("培训后就业能力提升比例", "60", "%"),
    ],
)
def test_rates_and_counts_are_not_formless_percentages(name, value, unit):
    sub = submission(rows={4: row("效益指标", "社会效益指标", name, None, value, unit, 15)})
    assert not findings_for(sub, "PERCENT_WITHOUT_BASIS")


@pytest.mark.parametrize("name", ["培训安全事故发生率", "教材破损比例", "安全责任事故"])
def test_zero_needs_no_unit(name):
    assert not findings_for(_with(row("效益指标", "社会效益指标", name, None, "0", None, 15)), "NO_UNIT")


def test_a_nonzero_count_still_needs_a_unit():
    found = findings_for(
        _with(row("效益指标", "社会效益指标", "培训安全事故发生数", None, "2", None, 15)), "NO_UNIT"
    )
    assert len(found) == 1


# ---------------------------------------------------------------- V03: slogans in place of a target
@pytest.mark.parametrize("value", ["全覆盖", "足额", "按需"])
def test_a_count_row_without_a_number_is_vague(value):
    sub = submission(rows={0: row("产出指标", "数量指标", "资助学生人数", None, value, None, 20)})
    found = findings_for(sub, "VAGUE_VALUE")
    assert len(found) == 1 and "是数量指标却没有数字" in found[0].message


@pytest.mark.parametrize(
    "value", ["应保尽保", "应助尽助", "达到预期目标", "按计划完成", "已完成", "足额发放"]
)
def test_slogans_in_place_of_a_target_are_vague(value):
    sub = submission(rows={4: row("效益指标", "社会效益指标", "困难群众基本生活保障", None, value, None, 15)})
    assert findings_for(sub, "VAGUE_VALUE")


@pytest.mark.parametrize("value", ["达到国家二级标准", "通过竣工验收", "≥600", "全县12个乡镇全覆盖"])
def test_a_count_row_with_a_standard_or_a_number_is_not_vague(value):
    sub = submission(rows={0: row("产出指标", "数量指标", "资助学生人数", None, value, None, 20)})
    assert not findings_for(sub, "VAGUE_VALUE")


# ---------------------------------------------------------------- schedules and same-day service (V07, V07c)
@pytest.mark.parametrize(
    "value", ["防火期内每日巡山", "按学期拨付到校", "日产日清", "每季度末前拨付", "按月发放到户"]
)
def test_a_recurring_schedule_anywhere_in_a_timeliness_value_is_concrete(value):
    r = row("产出指标", "时效指标", "工作时效", None, value, None, 10)
    assert not findings_for(_with(r, at=2), "TIMELINESS_VAGUE")


@pytest.mark.parametrize("value", ["发现问题及时整改", "按时完成", "年内完成", "按年度计划完成"])
def test_a_timeliness_value_without_a_schedule_is_still_vague(value):
    r = row("产出指标", "时效指标", "问题整改", None, value, None, 10)
    assert [f.location.indicator for f in findings_for(_with(r, at=2), "TIMELINESS_VAGUE")] == [2]


def test_a_same_day_rate_carries_its_own_deadline():
    sub = submission(
        {"annual_goal": NO_DEADLINE_GOAL},
        rows={2: row("产出指标", "时效指标", "生活垃圾日产日清率", "=", "100", "%", 10)},
    )
    assert not findings_for(sub, "TIMELINESS_VAGUE")
    sub = submission(
        {"annual_goal": NO_DEADLINE_GOAL},
        rows={2: row("产出指标", "时效指标", "生活垃圾清运及时率", "=", "100", "%", 10)},
    )
    assert [f.rule_id for f in findings_for(sub, "TIMELINESS_VAGUE")] == ["V07c"]


# ---------------------------------------------------------------- a pure number needs no unit (V02)
@pytest.mark.parametrize(
    "name,value", [("农田灌溉水有效利用系数", "0.55"), ("农村公路技术状况指数", "80"), ("容积率比值", "1.2")]
)
def test_a_coefficient_or_index_needs_no_unit(name, value):
    r = row("效益指标", "生态效益指标", name, "≥", value, None, 15)
    assert not findings_for(_with(r), "NO_UNIT")


@pytest.mark.parametrize("name,value", [("工程完工率", "100"), ("受益人口数", "1000"), ("系数测算报告", "2")])
def test_other_numbers_without_a_unit_still_need_one(name, value):
    r = row("效益指标", "社会效益指标", name, "≥", value, None, 15)
    assert [f.location.indicator for f in findings_for(_with(r), "NO_UNIT")] == [4]


# ---------------------------------------------------------------- a benefit stated only in words (V03)
@pytest.mark.parametrize(
    "name,value",
    [
        ("城区市容环境", "整洁有序"),
        ("村级医疗服务网络运行情况", "稳定运行"),
        ("为全市经济发展保驾护航", "正面支撑"),
        ("动物防疫体系持续发挥作用", "长期"),
        ("带动种植户增收", "增加"),
    ],
)
def test_a_benefit_in_words_without_a_number_or_standard_is_vague(name, value):
    r = row("效益指标", "社会效益指标", name, None, value, None, 15)
    found = findings_for(_with(r), "VAGUE_VALUE")
    assert [f.location.indicator for f in found] == [4]
    assert found[0].fix is not None


@pytest.mark.parametrize(
    "name,value",
    [
        ("区域性重大动物疫情", "不发生"),
        ("校园欺凌事件", "杜绝"),
        ("是否发生安全生产责任事故", "否"),
        ("饮用水水质", "达到国家生活饮用水卫生标准"),
        ("复垦耕地质量", "按《耕地质量等级》评定不低于周边耕地"),
    ],
)
def test_a_benefit_in_words_that_can_be_decided_is_fine(name, value):
    r = row("效益指标", "社会效益指标", name, None, value, None, 15)
    assert not findings_for(_with(r), "VAGUE_VALUE")


@pytest.mark.parametrize("value", ["符合学生营养膳食指南要求", "执行公路养护技术规程"])
def test_a_quality_value_naming_a_guide_or_code_is_judgeable(value):
    r = row("产出指标", "质量指标", "供餐质量", None, value, None, 15)
    assert not findings_for(_with(r, at=1), "VAGUE_VALUE")


@pytest.mark.parametrize("value", ["供餐质量符合相关规程", "按照有关准则执行到位"])
def test_an_unnamed_code_is_no_standard(value):
    r = row("产出指标", "质量指标", "供餐质量", None, value, None, 15)
    assert findings_for(_with(r, at=1), "VAGUE_VALUE")


# ---------------------------------------------------------------- satisfaction by other names (V13)
@pytest.mark.parametrize("name", ["沿河群众对河道环境的满意程度", "群众满意情况", "受益群众满意率"])
def test_satisfaction_by_another_name_is_a_rate(name):
    r = row("满意度指标", "服务对象满意度指标", name, "≥", "90", "%", 10)
    assert not findings_for(_with(r, at=6), "PERCENT_WITHOUT_BASIS")


def test_a_percentage_on_an_abstract_benefit_is_still_formless():
    r = row("效益指标", "社会效益指标", "维护河湖生态安全", "≥", "95", "%", 15)
    assert [f.location.indicator for f in findings_for(_with(r), "PERCENT_WITHOUT_BASIS")] == [4]


# ---------------------------------------------------------------- a deadline at the moment of an event (V07)
@pytest.mark.parametrize(
    "value",
    [
        "出院结算时即时减免",
        "办理时当场发放",
        "申请材料齐全的随到随办",
        "即报即办",
        "缴费时一站式即时结算",
        "符合条件的当场兑付",
        "验收时一次性支付",
    ],
)
def test_a_deadline_anchored_to_an_event_of_the_service_is_checkable(value):
    r = row("产出指标", "时效指标", "补助兑付时间", None, value, None, 10)
    sub = submission({"annual_goal": NO_DEADLINE_GOAL}, rows={2: r})
    assert not findings_for(sub, "TIMELINESS_VAGUE") and not findings_for(sub, "VAGUE_VALUE")


@pytest.mark.parametrize(
    "value", ["及时兑付", "按时结算", "尽快办结", "适时开展", "随时办理", "发现问题立即整改", "结算时间合理"]
)
def test_a_vague_time_without_an_event_moment_stays_vague(value):
    r = row("产出指标", "时效指标", "补助兑付时间", None, value, None, 10)
    assert [f.location.indicator for f in findings_for(_with(r, at=2), "TIMELINESS_VAGUE")] == [2]


def test_an_event_moment_in_another_time_row_is_the_deadline_of_a_timeliness_rate():
    rows = {2: row("产出指标", "时效指标", "救助资金兑付及时率", "=", "100", "%", 10)}
    vague = submission({"annual_goal": NO_DEADLINE_GOAL}, rows=rows)
    assert [f.rule_id for f in findings_for(vague, "TIMELINESS_VAGUE")] == ["V07c"]
    stated = submission(
        {"annual_goal": NO_DEADLINE_GOAL},
        rows=rows,
        add=[row("产出指标", "时效指标", "救助资金兑付时间", None, "出院结算时即时减免", None, 0)],
    )
    assert not findings_for(stated, "TIMELINESS_VAGUE")


# ---------------------------------------------------------------- a named qualification held (V03)
@pytest.mark.parametrize(
    "value",
    ["具备CMA资质认定", "取得建筑工程施工总承包二级资质", "持有食品经营许可证", "承检人员具有执业药师资格"],
)
def test_a_named_qualification_held_is_a_yes_no_fact(value):
    r = row("产出指标", "质量指标", "承检机构资质", "定性", value, None, 15)
    assert not findings_for(submission(rows={1: r}), "VAGUE_VALUE")


@pytest.mark.parametrize(
    "value", ["具备相关能力", "具备一定条件", "承检机构具备相关检测资质", "具有一定的资质条件"]
)
def test_a_qualification_or_ability_that_names_nothing_stays_vague(value):
    r = row("产出指标", "质量指标", "承检机构资质", "定性", value, None, 15)
    assert [f.location.indicator for f in findings_for(submission(rows={1: r}), "VAGUE_VALUE")] == [1]


# ---------------------------------------------------------------- a placeholder in the name (V02)
@pytest.mark.parametrize(
    "name, value",
    [
        ("享受补贴农户（≥**户）", "9600"),
        ("培训人数(≥**人)", "600"),
        ("系统可用率（≥**%）", "99"),
        ("检测批次（≥**）", "1200"),
    ],
)
def test_a_name_with_a_template_placeholder_is_not_judged_for_its_unit(name, value):
    sub = submission(rows={0: row("产出指标", "数量指标", name, "≥", value, None, 20)})
    codes = [f.code for f in check_submission(sub).findings if f.location.indicator == 0]
    assert codes == ["TEMPLATE_PLACEHOLDER"]


def test_a_bare_number_without_a_placeholder_still_needs_a_unit():
    sub = submission(rows={0: row("产出指标", "数量指标", "培训人数", "≥", "600", None, 20)})
    assert [f.location.indicator for f in findings_for(sub, "NO_UNIT")] == [0]
