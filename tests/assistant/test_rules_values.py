"""Value, unit and target rules: vague values, deadlines, units, percentages, rates, thresholds,
direction, history. Each with rows a reviewer would accept from real published tables."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks import check_submission


def _with(r: dict, at: int = 4):
    return submission(rows={at: r})


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
    assert "防洪标准提高到10年一遇" in findings_for(sub, "VAGUE_VALUE")[0].suggestion


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


@pytest.mark.parametrize(
    "name,op,value",
    [("工程质量验收合格率", "≥", "100"), ("提案办复率", "≥", "100"), ("苗木成活率", "≥", "110")],
)
def test_rate_over_100(name, op, value):
    found = findings_for(_with(row("产出指标", "质量指标", name, op, value, "%", 15), at=1), "RATE_OVER_100")
    assert len(found) == 1


@pytest.mark.parametrize(
    "name,op,value",
    [("工程质量验收合格率", "=", "100"), ("任务完成率", "≥", "100"), ("带动村集体收入增长率", "≥", "120")],
)
def test_rates_that_may_be_100_or_more(name, op, value):
    assert not findings_for(
        _with(row("产出指标", "质量指标", name, op, value, "%", 15), at=1), "RATE_OVER_100"
    )


@pytest.mark.parametrize(
    "name,op,value,unit",
    [
        ("农村生活垃圾无害化处理率", "≥", "0", "%"),
        ("粪污无害化处理率", ">", "0", "%"),
        ("食品安全事故发生率", "≤", "100", "%"),
    ],
)
def test_trivial_thresholds(name, op, value, unit):
    found = findings_for(
        _with(row("效益指标", "社会效益指标", name, op, value, unit, 15)), "TRIVIAL_THRESHOLD"
    )
    assert len(found) == 1


@pytest.mark.parametrize(
    "name,op,value,unit",
    [
        ("校舍安全责任事故", "=", "0", "起"),
        ("年度表彰大会", "≥", "1", "次"),
        ("受助学生辍学人数", "=", "0", "人"),
        ("投诉量较上年增长", "≥", "0", "%"),
    ],
)
def test_real_targets_are_not_trivial(name, op, value, unit):
    assert not findings_for(
        _with(row("效益指标", "社会效益指标", name, op, value, unit, 15)), "TRIVIAL_THRESHOLD"
    )


@pytest.mark.parametrize(
    "r,at",
    [
        (row("产出指标", "成本指标", "会议费标准", "≥", "300", "元/人·天", 15), 3),
        (row("产出指标", "数量指标", "购置抢险救援车辆", "≤", "2", "台", 20, direction="反向指标"), 0),
        (row("产出指标", "质量指标", "设施设备完好率", "≤", "95", "%", 15), 1),
        (row("产出指标", "时效指标", "故障响应时间", "≥", "2", "小时", 10), 2),
    ],
)
def test_wrong_direction(r, at):
    assert len(findings_for(_with(r, at=at), "WRONG_DIRECTION")) == 1


@pytest.mark.parametrize(
    "r,at",
    [
        (row("产出指标", "成本指标", "人均培训成本", "=", "1500", "元/人", 15), 3),
        (row("效益指标", "社会效益指标", "村干部年度离职人数", "≤", "5", "人", 15), 4),
        (row("效益指标", "社会效益指标", "乙肝表面抗原携带率", "≤", "1", "%", 15), 4),
        (row("产出指标", "质量指标", "单场演出时长", "≥", "90", "分钟", 15), 1),
        (row("产出指标", "成本指标", "成本节约率", "≥", "5", "%", 15), 3),
    ],
)
def test_right_direction(r, at):
    assert not findings_for(_with(r, at=at), "WRONG_DIRECTION")


def test_target_below_last_year_or_basis():
    hist = row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 20, history="650")
    found = findings_for(_with(hist, at=0), "TARGET_TOO_LOW")
    assert found and "650" in found[0].suggestion
    basis = row(
        "产出指标",
        "数量指标",
        "培训农村实用人才",
        "≥",
        "600",
        "人",
        20,
        basis="县政府下达2024年培训任务700人",
    )
    assert findings_for(_with(basis, at=0), "TARGET_TOO_LOW")
    scaled = row(
        "产出指标", "数量指标", "接种剂次", "≥", "210000", "剂次", 20, basis="2021年实际接种23.6万剂次"
    )
    assert findings_for(_with(scaled, at=0), "TARGET_TOO_LOW")


@pytest.mark.parametrize(
    "extra",
    [
        {"history": "550"},
        {"basis": "2023年实际87.2%"},
        {"basis": "依据省级文件第5条"},
        {"history": "700", "direction": "反向指标"},
    ],
)
def test_targets_at_or_above_reference_are_fine(extra):
    r = row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 20, **extra)
    assert not findings_for(_with(r, at=0), "TARGET_TOO_LOW")


def test_operator_written_into_the_value_cell_is_read():
    r = row("产出指标", "质量指标", "设施设备完好率", None, "≤95%", None, 15)
    found = findings_for(_with(r, at=1), "WRONG_DIRECTION")
    assert found and "“≤95%”" not in found[0].message.replace("≤≤", "")  # shown once, not doubled
    assert "≤≤" not in found[0].message


@pytest.mark.parametrize("value", ["无", "不涉及", "/"])
def test_rows_marked_not_applicable_are_not_judged(value):
    r = row("效益指标", "生态效益指标", "生态效益", "定性", value, None, 0)
    sub = submission(add=[r])
    assert not findings_for(sub, "VAGUE_VALUE") and not findings_for(sub, "IRRELEVANT")


@pytest.mark.parametrize("value", ["全年", "每月", "年底前完成"])
def test_period_values_on_timeliness_rows_are_concrete(value):
    assert not findings_for(
        _with(row("产出指标", "时效指标", "服务期限", "定性", value, None, 10), at=2), "TIMELINESS_VAGUE"
    )


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


@pytest.mark.parametrize(
    "name, extra, flagged",
    [
        ("学生总体近视率", {}, False),  # a bad thing the lexicon knows
        ("城区积水点占比", {"history": "8"}, False),  # below last year's actual: meant to fall
        ("培训考核合格率", {}, True),  # a good rate capped from above
    ],
)
def test_a_rate_capped_from_above_is_wrong_only_when_it_should_rise(name, extra, flagged):
    sub = submission(add=[row("效益指标", "社会效益指标", name, "≤", "5", "%", 0, **extra)])
    assert bool(findings_for(sub, "WRONG_DIRECTION")) is flagged


def test_the_goal_saying_a_rate_falls_makes_a_cap_right():
    sub = submission(
        {
            "annual_goal": "2024年培训农村实用人才600人，人均培训成本不超过1500元，城区黑臭水体占比降至3%以内。"
        },
        add=[row("效益指标", "生态效益指标", "城区黑臭水体占比", "≤", "3", "%", 0)],
    )
    assert not findings_for(sub, "WRONG_DIRECTION")


def test_days_in_a_year_capped_at_365_is_trivial():
    sub = submission(add=[row("产出指标", "质量指标", "设施停运天数", "≤", "365", "天", 0)])
    assert findings_for(sub, "TRIVIAL_THRESHOLD")


@pytest.mark.parametrize("name", ["参训学员认可度（问卷调查）", "受益群众获得感（入户抽样）"])
def test_satisfaction_by_another_name_is_a_rate_and_a_satisfaction_row(name):
    sub = submission(rows={6: row("满意度指标", "服务对象满意度指标", name, "≥", "90", "%", 10)})
    assert not findings_for(sub, "PERCENT_WITHOUT_BASIS")
    levelless = submission(rows={6: row(None, None, name, "≥", "90", "%", None)})
    assert not findings_for(levelless, "SATISFACTION_MISSING")


@pytest.mark.parametrize(
    "name, op", [("诉求工单按期办结率（5个工作日内办结数/应办结数×100%）", "≥"), ("治愈患者复发率", "≤")]
)
def test_on_time_rates_and_relapse_rates_point_the_right_way(name, op):
    sub = submission(add=[row("产出指标", "质量指标", name, op, "95" if op == "≥" else "3", "%", 0)])
    assert not findings_for(sub, "WRONG_DIRECTION")


def test_a_lower_target_the_basis_explains_is_not_too_low():
    explained = submission(
        rows={
            0: row(
                "产出指标",
                "数量指标",
                "培训农村实用人才",
                "≥",
                "600",
                "人",
                20,
                history="640",
                basis="上年640人，今年核减已退出产业的40人",
            )
        }
    )
    assert not findings_for(explained, "TARGET_TOO_LOW")
    unexplained = submission(
        rows={0: row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 20, history="640")}
    )
    assert findings_for(unexplained, "TARGET_TOO_LOW")


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


def test_an_estimate_in_the_basis_is_not_a_level_already_reached():
    sub = submission(
        add=[
            row(
                "效益指标",
                "社会效益指标",
                "应急口粮保障天数",
                "≥",
                "50",
                "天",
                0,
                basis="储备2.5万吨，按人均每日0.4公斤测算约54天",
            )
        ]
    )
    assert not findings_for(sub, "TARGET_TOO_LOW")


def test_a_one_off_payment_made_twice_conflicts_with_its_name():
    sub = submission(add=[row("产出指标", "时效指标", "补贴资金一次性兑付", "=", "2", "次", 0)])
    assert findings_for(sub, "VALUE_NAME_CONFLICT")


def test_a_start_date_in_the_name_is_not_a_deadline():
    sub = submission(
        rows={2: row("产出指标", "时效指标", "培训完成时间（3月1日起）", "≤", "2024-10-31", "日期", 10)}
    )
    assert not findings_for(sub, "VALUE_NAME_CONFLICT")
