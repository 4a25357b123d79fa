"""MISSING_CORE_OUTPUT (rules_outputs.py, coverage.py): goal or title outputs with no quantity indicator."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission


def _orchard(rows: list[dict], goal: str, project: str = "茶园提质改造补助") -> object:
    return submission(
        {"project": project, "annual_goal": goal, "budget_yuan": 1_600_000},
        rows=dict(enumerate(rows)),
        drop=list(range(len(rows), 7)),
    )


_ORCHARD_ROWS = [
    row(None, None, "提质改造涉及村", "=", "9", "个"),
    row(None, None, "改造补助标准", "=", "400", "元/亩"),
    row(None, None, "提质改造验收合格率", "≥", "95", "%"),
]


def test_goal_area_is_not_covered_by_rows_in_other_units():
    found = findings_for(
        _orchard(_ORCHARD_ROWS, "2024年完成低产茶园提质改造4000亩，年底前验收。"), "MISSING_CORE_OUTPUT"
    )
    assert len(found) == 1 and "低产茶园提质改造面积 ≥ 4000亩" in found[0].suggestion


def test_goal_area_is_covered_by_a_row_in_hectares():
    rows = [*_ORCHARD_ROWS, row(None, None, "提质改造茶园面积", "=", "266.7", "公顷")]
    assert not findings_for(
        _orchard(rows, "2024年完成低产茶园提质改造4000亩，年底前验收。"), "MISSING_CORE_OUTPUT"
    )


def test_title_output_is_required_when_the_goal_has_no_number_and_only_money_is_counted():
    rows = [
        row("产出指标", "数量指标", "奖补资金拨付金额", "=", "160", "万元", 30),
        row("产出指标", "质量指标", "奖补对象认定准确率", "=", "100", "%", 30),
        row("效益指标", "社会效益指标", "带动农户增收", "≥", "500", "元/户", 40),
    ]
    found = findings_for(
        _orchard(rows, "按时足额兑付奖补资金，调动农户种植积极性。", "生猪调出大县奖补"),
        "MISSING_CORE_OUTPUT",
    )
    # the money row becomes the output the money buys (the same fix as INPUT_AS_OUTPUT's on that row)
    assert len(found) == 1 and found[0].fix.action == "replace_row" and found[0].fix.indicator == 0
    assert "第1行“奖补资金拨付金额 = 160万元”改为" in found[0].suggestion


def test_title_fallback_stays_silent_when_an_output_is_counted():
    rows = [
        row("产出指标", "数量指标", "奖补生猪养殖场户", "=", "48", "户", 30),
        row("产出指标", "质量指标", "奖补对象认定准确率", "=", "100", "%", 30),
        row("效益指标", "社会效益指标", "带动农户增收", "≥", "500", "元/户", 40),
    ]
    assert not findings_for(
        _orchard(rows, "按时足额兑付奖补资金，调动农户种植积极性。", "生猪调出大县奖补"),
        "MISSING_CORE_OUTPUT",
    )


def test_a_goal_output_counted_by_a_unitless_row_is_only_a_missing_unit():
    sub = submission(
        {
            "project": "政务云平台运维",
            "annual_goal": "2024年对8个业务系统开展运行维护，系统可用率不低于99%。",
        },
        rows={0: row("产出指标", "数量指标", "运维业务系统数量", "=", "8", None, 10)},
    )
    assert findings_for(sub, "NO_UNIT") and not findings_for(sub, "MISSING_CORE_OUTPUT")


def test_towns_a_goal_covers_are_its_scope_not_its_output():
    sub = submission(
        {
            "annual_goal": "2024年培训农村实用人才600人，培训覆盖全县18个乡镇（街道），人均培训成本不超过1500元。"  # noqa: E501
        }
    )
    assert not findings_for(sub, "MISSING_CORE_OUTPUT")


def test_a_unitless_row_written_in_ten_thousands_covers_the_goal():
    sub = submission(
        {"annual_goal": "2024年培训农村实用人才600人，储备物资可满足2.5万名群众应急安置需要。"},
        add=[row("效益指标", "社会效益指标", "储备物资可保障应急安置群众", "≥", "2.5", None, 0)],
    )
    assert not findings_for(sub, "MISSING_CORE_OUTPUT")
    assert findings_for(sub, "NO_UNIT")


@pytest.mark.parametrize(
    "clause",
    [
        "示范田水稻亩产稳定在450公斤以上",
        "农村教师流失人数比上年减少10人以上",
        "化学农药使用量控制在0.6吨以内",
        "运维污水处理站（设计规模6000吨/日）",
        "学员考核（连续操作20次）通过率不低于85%",
    ],
)
def test_levels_changes_limits_and_capacities_in_a_goal_are_not_outputs(clause):
    sub = submission({"annual_goal": f"2024年培训农村实用人才600人，人均培训成本不超过1500元，{clause}。"})
    assert not findings_for(sub, "MISSING_CORE_OUTPUT")


def test_counting_the_villages_reached_does_not_count_the_output():
    sub = submission(
        {"project": "农村户厕改造补助", "annual_goal": "扎实推进农村改厕工作，改善农村人居环境。"},
        rows={0: row("产出指标", "数量指标", "改造涉及行政村", "≥", "25", "个", 20)},
    )
    assert findings_for(sub, "MISSING_CORE_OUTPUT")


@pytest.mark.parametrize("clause", ["筛查结果15个工作日内反馈学校", "学生近视率较上年下降0.5个百分点以上"])
def test_time_spans_and_percentage_points_in_a_goal_are_not_outputs(clause):
    sub = submission({"annual_goal": f"2024年培训农村实用人才600人，人均培训成本不超过1500元，{clause}。"})
    assert not findings_for(sub, "MISSING_CORE_OUTPUT")


@pytest.mark.parametrize(
    "clause", ["开展统防统治作业30万亩次（10万亩防治3遍）", "在10个乡镇扶持种植户发展林下种植"]
)
def test_bracketed_breakdowns_and_supported_towns_in_a_goal_are_not_outputs(clause):
    sub = submission(
        {"annual_goal": f"2024年培训农村实用人才600人，人均培训成本不超过1500元，{clause}。"},
        add=[row("产出指标", "数量指标", "统防统治作业面积", "=", "300000", "亩·次", 0)],
    )
    assert not findings_for(sub, "MISSING_CORE_OUTPUT")


def test_goal_output_with_no_indicator():
    sub = submission({"annual_goal": "2024年培训农村实用人才600人，新建实训基地2个，10月31日前完成。"})
    found = findings_for(sub, "MISSING_CORE_OUTPUT")
    assert len(found) == 1 and "实训基地" in found[0].message and "≥ 2个" in found[0].suggestion


def test_goal_scope_breakdowns_and_time_spans_are_not_outputs():
    goal = (
        "2024年在全县12个乡镇培训农村实用人才600人，其中种植能手200人、养殖能手400人，"
        "培训后6个月内就业创业率不低于60%。"
    )
    assert not findings_for(submission({"annual_goal": goal}), "MISSING_CORE_OUTPUT")


def test_a_goal_count_of_boats_or_sets_needs_an_indicator():
    sub = submission(
        {
            "project": "渔船救生设备配备补助",
            "annual_goal": "2024年为800艘渔船配备救生筏800具，每具补助500元。",
        },
        rows={0: row("产出指标", "数量指标", "培训渔民", "≥", "600", "人", 20)},
    )
    found = findings_for(sub, "MISSING_CORE_OUTPUT")
    assert len(found) == 1 and "800艘" in found[0].message
