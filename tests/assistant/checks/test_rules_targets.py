"""Rules about the target itself (rules_targets.py):
rates above 100%, trivial thresholds, direction, targets too low."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission


def _with(r: dict, at: int = 4):
    return submission(rows={at: r})


def test_a_damage_rate_is_a_negative_rate_and_le_is_right():
    sub = submission(
        {"project": "森林防火"}, rows={2: row("产出指标", "质量指标", "林木病虫害受害率", "≤", "3", "‰", 10)}
    )
    assert not [f for f in findings_for(sub, "WRONG_DIRECTION") if f.location.indicator == 2]


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
        ("投诉量较上年下降", "≥", "5", "%"),  # a change ≥ 0 requires no change at all (trivial, below)
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
            "annual_goal": "2024年培训农村实用人才600人，人均培训成本不超过1500元，城区黑臭水体占比降至3%以内。"  # noqa: E501
        },
        add=[row("效益指标", "生态效益指标", "城区黑臭水体占比", "≤", "3", "%", 0)],
    )
    assert not findings_for(sub, "WRONG_DIRECTION")


def test_days_in_a_year_capped_at_365_is_trivial():
    sub = submission(add=[row("产出指标", "质量指标", "设施停运天数", "≤", "365", "天", 0)])
    assert findings_for(sub, "TRIVIAL_THRESHOLD")


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


@pytest.mark.parametrize(
    ("name", "op", "unit"),
    [
        ("参训人员收入较上年提升", "≥", "%"),
        ("耕地质量等级较上年提升", "≥", "等"),
        ("就业人数增长", "≥", "人"),
    ],
)
def test_a_change_of_at_least_zero_cannot_fail(name, op, unit):
    """较上年提升 ≥ 0: no change at all meets it."""
    found = findings_for(_with(row("效益指标", "经济效益指标", name, op, "0", unit, 15)), "TRIVIAL_THRESHOLD")
    assert [f.location.indicator for f in found] == [4]


@pytest.mark.parametrize(
    ("name", "op", "value"), [("参训人员收入较上年增长", ">", "0"), ("人均收入增长", "≥", "5")]
)
def test_a_strict_growth_or_a_real_growth_target_is_not_trivial(name, op, value):
    assert not findings_for(
        _with(row("效益指标", "经济效益指标", name, op, value, "%", 15)), "TRIVIAL_THRESHOLD"
    )


# ---------------------------------------------------------------- last year's figure beside a 万 target (V10)
@pytest.mark.parametrize(
    "history,shown",
    [("68120", "68120人"), ("6.8", "6.8万人")],
)
def test_last_years_figure_is_read_in_the_unit_nearer_the_target(history, shown):
    sub = _with(row("产出指标", "数量指标", "受益学生人数", "≥", "6.5", "万人", 20, history=history), at=0)
    found = findings_for(sub, "TARGET_TOO_LOW")
    assert len(found) == 1 and f"上年实际完成值（{shown}）" in found[0].message
    assert "68120万人" not in found[0].message


@pytest.mark.parametrize("value,history", [("6.9", "68120"), ("6.5", "6.5"), ("7", "6.8")])
def test_a_万_target_at_or_above_last_year_is_fine(value, history):
    sub = _with(row("产出指标", "数量指标", "受益学生人数", "≥", value, "万人", 20, history=history), at=0)
    assert not findings_for(sub, "TARGET_TOO_LOW")
