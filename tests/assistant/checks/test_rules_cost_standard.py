"""适当性 rule A06 COST_OVER_STANDARD (rules_cost_standard.py, cost_standard.py): unit costs against the
bureau's 支出标准 — units like for like, the implied unit cost, 参考 standards reported not flagged, the
saving."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from checks_kit import row

from assistant.checks import check_submission
from assistant.checks.render import results_to_json, results_to_markdown
from assistant.models import Submission
from core.models import Standard
from ingest.standards import load_standards

REPO = Path(__file__).resolve().parents[3]
SAMPLES = REPO / "jixiao" / "samples"


def _std(item: str, unit: str, value: float, kind: str = "上限", **extra: Any) -> Standard:
    return Standard(
        item=item, unit=unit, value=value, kind=kind, basis=extra.pop("basis", "示例〔2024〕1号"), **extra
    )


def _sub(project: str, budget: float | None, rows: list[dict], **extra: Any) -> Submission:
    base = [
        row("产出指标", "质量指标", "作业质量考核合格率", "≥", "95", "%", 10),
        row("满意度指标", "服务对象满意度指标", "群众满意度", "≥", "90", "%", 10),
    ]
    return Submission.model_validate(
        {
            "id": "S1",
            "year": 2024,
            "region": "湖南省衡阳市常宁市",
            "project": project,
            "budget_yuan": budget,
            "annual_goal": f"2024年完成{project}，作业质量考核合格率95%以上。",
            "indicators": rows + base,
            **extra,
        }
    )


def _cost_findings(sub: Submission, standards: list[Standard]):
    result = check_submission(sub, standards=standards)
    return [f for f in result.findings if f.code == "COST_OVER_STANDARD"], result


SWEEP = _std("城市道路清扫保洁", "元/平方米·年", 10, keywords="道路清扫、道路保洁、清扫保洁")


def test_a_monthly_cost_row_is_annualised_before_it_is_compared():
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "1.2", "元/平方米·月", 10),
        ],
    )
    (finding,), result = _cost_findings(sub, [SWEEP])
    # 1.2 × 12 = 14.4 元/平方米·年; (14.4 − 10) × 1,000,000 平方米 = 4,400,000 元
    assert finding.saving_yuan == pytest.approx(4_400_000, rel=1e-6)
    assert finding.location.indicator == 1 and finding.dimension.value == "适当性"
    assert "14.4元/平方米·年" in finding.message and "示例〔2024〕1号" in finding.message
    assert "核减4,400,000元" in finding.suggestion and "10,600,000元" in finding.suggestion
    assert "道路保洁单价 ≤ 10元/平方米·年" in finding.suggestion
    (check,) = result.cost_checks
    assert check.verdict == "over" and check.quantity_indicator == 0 and len(check.steps) == 4


def test_a_yearly_cost_against_a_monthly_standard_compares_in_one_unit():
    standard = _std("物业管理服务", "元/平方米·月", 3, keywords="物业服务、物业管理")
    sub = _sub(
        "机关办公楼物业管理服务",
        1_000_000,
        [
            row("产出指标", "数量指标", "物业服务面积", "=", "20000", "平方米", 20),
            row("产出指标", "成本指标", "物业服务费单价", "≤", "48", "元/平方米·年", 10),
        ],
    )
    (finding,), _ = _cost_findings(sub, [standard])
    # 48 元/平方米·年 = 4 元/平方米·月 against 3: (4 − 3) × 12 × 20,000 = 240,000 元 a year
    assert finding.saving_yuan == pytest.approx(240_000, rel=1e-6)
    assert "4元/平方米·月" in finding.message


def test_wan_yuan_costs_and_standards_are_converted_to_yuan():
    road = _std("农村公路日常养护", "元/公里", 8000, keywords="公路养护")
    sub = _sub(
        "农村公路养护工程",
        2_000_000,
        [
            row("产出指标", "数量指标", "养护农村公路里程", "=", "150", "公里", 20),
            row("产出指标", "成本指标", "公路养护单价", "≤", "1.2", "万元/公里", 10),
        ],
    )
    (finding,), _ = _cost_findings(sub, [road])
    assert finding.saving_yuan == pytest.approx((12_000 - 8_000) * 150, rel=1e-6)  # 600,000 元
    assert "12,000元/公里" in finding.message


def test_the_implied_unit_cost_is_compared_when_the_table_has_no_cost_row():
    per_km = _std("农村公路日常养护", "万元/公里·年", 0.8, keywords="公路养护")
    sub = _sub(
        "农村公路养护工程",
        1_800_000,
        [row("产出指标", "数量指标", "养护农村公路里程", "=", "150", "公里", 20)],
    )
    (finding,), result = _cost_findings(sub, [per_km])
    # 1,800,000 ÷ 150 = 12,000 元/公里 against 8,000: (12,000 − 8,000) × 150 = 600,000 元
    assert finding.saving_yuan == pytest.approx(600_000, rel=1e-6)
    assert finding.location.field == "budget_yuan" and finding.location.indicator is None
    assert "按预算÷数量测算" in finding.message and "1.2万元/公里·年" in finding.message
    assert result.cost_checks[0].indicator is None


def test_a_reference_standard_is_reported_beside_the_row_never_flagged():
    reference = _std("城市道路清扫保洁", "元/平方米·年", 10, kind="参考", keywords="道路保洁")
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "1.2", "元/平方米·月", 10),
        ],
    )
    findings, result = _cost_findings(sub, [reference])
    assert findings == []
    (check,) = result.cost_checks
    assert check.verdict == "reference_over" and check.saving_yuan is None and check.indicator == 1
    assert "高于参考标准（仅提示）" in results_to_markdown([result])
    assert check_submission(sub).findings == result.findings  # nothing else changes


@pytest.mark.parametrize(
    ("cost", "unit"), [("0.7", "元/平方米·月"), ("10", "元/平方米·年"), ("9.5", "元/平方米·年")]
)
def test_a_cost_within_the_standard_is_no_finding(cost, unit):
    sub = _sub(
        "城区道路清扫保洁服务",
        10_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", cost, unit, 10),
        ],
    )
    findings, result = _cost_findings(sub, [SWEEP])
    assert findings == [] and [c.verdict for c in result.cost_checks] == ["within"]


def test_an_implied_cost_at_the_standard_is_no_finding():
    sub = _sub(
        "城区道路清扫保洁服务",
        10_000_000,
        [row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20)],
    )
    findings, result = _cost_findings(sub, [SWEEP])
    assert findings == [] and result.cost_checks[0].verdict == "within"


def test_per_kilometre_and_per_square_metre_never_mix():
    per_km = _std("道路清扫保洁", "元/公里·年", 5, keywords="道路保洁")
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "14", "元/平方米·年", 10),
        ],
    )
    findings, result = _cost_findings(sub, [per_km])
    assert findings == [] and result.cost_checks == []  # no 公里 quantity to imply a per-km cost either


def test_a_row_about_another_item_is_not_priced_by_the_projects_standard():
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "绿化带养护单价", "≤", "14", "元/平方米·年", 10),
        ],
    )
    findings, _ = _cost_findings(sub, [SWEEP])
    assert all(f.location.indicator != 1 for f in findings)


def test_a_standard_for_another_region_does_not_apply():
    elsewhere = _std("城市道路清扫保洁", "元/平方米·年", 10, keywords="道路保洁", region="耒阳市")
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "14", "元/平方米·年", 10),
        ],
    )
    assert _cost_findings(sub, [elsewhere])[0] == []
    here = elsewhere.model_copy(update={"region": "常宁市"})
    assert len(_cost_findings(sub, [here])[0]) == 1


def test_the_standard_of_the_budget_year_wins_over_older_ones():
    old = _std("城市道路清扫保洁", "元/平方米·年", 16, keywords="道路保洁", year=2022)
    current = _std("城市道路清扫保洁", "元/平方米·年", 10, keywords="道路保洁", year=2024)
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "14", "元/平方米·年", 10),
        ],
    )
    (finding,), _ = _cost_findings(sub, [old, current])
    assert finding.saving_yuan == pytest.approx(4_000_000)


def test_without_a_matching_quantity_the_finding_stands_without_a_saving():
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [row("产出指标", "成本指标", "道路保洁单价", "≤", "14", "元/平方米·年", 10)],
    )
    (finding,), result = _cost_findings(sub, [SWEEP])
    assert finding.saving_yuan is None and "核减额无法测算" in finding.suggestion
    assert "saving_yuan" not in json.loads(results_to_json([result]))["submissions"][0]["findings"][-1]


def test_a_per_day_standard_uses_the_days_row():
    training = _std("干部培训", "元/人·天", 400, keywords="培训")
    sub = _sub(
        "基层干部业务培训",
        300_000,
        [
            row("产出指标", "数量指标", "培训人数", "=", "100", "人", 10),
            row("产出指标", "数量指标", "培训天数", "=", "5", "天", 10),
            row("产出指标", "成本指标", "培训费标准", "≤", "500", "元/人·天", 10),
        ],
    )
    (finding,), _ = _cost_findings(sub, [training])
    assert finding.saving_yuan == pytest.approx((500 - 400) * 100 * 5)


def test_the_road_cleaning_plan_is_flagged_with_the_cut_line_by_line():
    """The seed's 国省县道保洁 case: 12,628,207 元 for 235.8 km over three years, against the sample
    standard of 15,000 元/公里·年 (示例)."""
    standards = load_standards(SAMPLES / "standards_sample.csv").standards
    raw = json.loads((SAMPLES / "cost_standard_submissions.json").read_text(encoding="utf-8"))
    sub = Submission.model_validate(raw["submissions"][0])
    result = check_submission(sub, standards=standards)
    (finding,) = [f for f in result.findings if f.code == "COST_OVER_STANDARD"]
    expected = 12_628_207 - 15_000 * 235.8 * 3  # 2,017,207 元
    assert finding.saving_yuan == pytest.approx(expected, rel=1e-9)
    (check,) = result.cost_checks
    assert check.years == 3 and check.quantity == pytest.approx(235.8)
    assert check.steps == [
        "单位成本（预算 ÷ 数量）：12,628,207元 ÷ 235.8公里 ÷ 3年 = 17,851.58元/公里·年",
        "超出标准：17,851.58 − 15,000 = 2,851.58元/公里·年（超出19.0%）",
        "核减额：2,851.58元/公里·年 × 235.8公里（第1行“保洁道路里程”） × 3年 = 2,017,207元",
        "核减后预算：12,628,207元 − 2,017,207元 = 10,611,000元",
    ]
    report = results_to_markdown([result])
    lines = report.splitlines()
    assert "**支出标准比对**" in lines
    for n, step in enumerate(check.steps, 1):
        assert f"  {n}. {step}" in lines  # each step on its own line
    assert "核减2,017,207元" in finding.suggestion and "示例" in finding.message
    data = json.loads(results_to_json([result]))["submissions"][0]
    (cost,) = [f for f in data["findings"] if f["code"] == "COST_OVER_STANDARD"]
    assert cost["saving_yuan"] == pytest.approx(expected) and data["cost_checks"][0]["verdict"] == "over"


def test_the_plan_years_come_from_a_service_term_row_or_the_plan_text():
    per_km = _std("国省县道保洁", "元/公里·年", 15000, keywords="县道保洁")
    rows = [row("产出指标", "数量指标", "保洁道路里程", "=", "235.8", "公里", 20)]
    by_row = _sub(
        "国省县道保洁服务", 12_628_207, rows + [row("产出指标", "时效指标", "服务期限", "=", "3", "年", 5)]
    )
    by_text = _sub(
        "国省县道保洁服务", 12_628_207, rows, ex_ante={"project_kind": "新增", "plan": "服务期三年"}
    )
    one_year = _sub("国省县道保洁服务", 12_628_207, rows)
    for sub in (by_row, by_text):
        assert _cost_findings(sub, [per_km])[1].cost_checks[0].years == 3
    assert _cost_findings(one_year, [per_km])[0][0].saving_yuan == pytest.approx(12_628_207 - 15000 * 235.8)


def test_without_standards_nothing_is_compared():
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "1.2", "元/平方米·月", 10),
        ],
    )
    result = check_submission(sub)
    assert result.cost_checks == [] and "COST_OVER_STANDARD" not in {f.code for f in result.findings}
    assert "cost_checks" not in json.loads(results_to_json([result]))["submissions"][0]


def test_odd_standards_and_rows_never_crash_the_check():
    odd = [
        _std("x", "元/平方米·年", 1e-9, keywords="保洁"),
        _std("保洁", "元/个·季", 5),
        _std("保洁", "万元/万平方米·周", 0.1),
        _std("保洁", "元/千米·日", 3),
    ]
    sub = _sub(
        "保洁服务",
        0,
        [
            row("产出指标", "数量指标", "保洁面积", "=", "0", "万平方米", 20),
            row("产出指标", "成本指标", "保洁单价", "≤", "", "元/平方米·月", 10),
            row("产出指标", "成本指标", "保洁成本", "≤", "1e30", "元/个·季", 10),
        ],
    )
    result = check_submission(sub, standards=odd)
    assert result.error is None and result.grade is not None


def test_an_item_name_without_keywords_matches_a_project_named_a_little_differently():
    bare = Standard(item="城市道路清扫保洁", unit="元/平方米·年", value=10, basis="示例")  # no 关键词
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "清扫面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "综合单价", "≤", "14", "元/平方米·年", 10),
        ],
    )
    (finding,), _ = _cost_findings(sub, [bare])
    assert finding.saving_yuan == pytest.approx(4_000_000)
    other = Standard(item="城市道路维修养护", unit="元/平方米·年", value=10, basis="示例")
    assert _cost_findings(sub, [other])[0] == []  # 道路 alone is not the item


def test_quantity_rows_of_one_item_are_summed_unless_one_is_the_total():
    rows = [
        row("产出指标", "数量指标", "主干道保洁面积", "=", "80", "万平方米", 10),
        row("产出指标", "数量指标", "次干道保洁面积", "=", "40", "万平方米", 10),
        row("产出指标", "数量指标", "新建绿地面积", "=", "5", "万平方米", 10),
    ]
    sub = _sub("城区道路清扫保洁服务", 15_600_000, rows)
    (finding,), result = _cost_findings(sub, [SWEEP])
    # 15,600,000 ÷ 1,200,000 平方米 = 13 元/平方米·年; (13 − 10) × 1,200,000 = 3,600,000 元
    assert finding.saving_yuan == pytest.approx(3_600_000)
    assert "第1、2行“主干道保洁面积”“次干道保洁面积”合计" in result.cost_checks[0].steps[2]
    total = row("产出指标", "数量指标", "保洁面积合计", "=", "120", "万平方米", 10)
    (again,), _ = _cost_findings(_sub("城区道路清扫保洁服务", 15_600_000, [*rows, total]), [SWEEP])
    assert again.saving_yuan == pytest.approx(3_600_000)  # the total row alone, not 240万平方米


def test_a_standard_issued_after_the_budget_year_is_a_last_resort():
    later = _std("城市道路清扫保洁", "元/平方米·年", 10, keywords="道路保洁", year=2025)
    sub = _sub(
        "城区道路清扫保洁服务",
        15_000_000,
        [
            row("产出指标", "数量指标", "道路清扫保洁面积", "=", "100", "万平方米", 20),
            row("产出指标", "成本指标", "道路保洁单价", "≤", "14", "元/平方米·年", 10),
        ],
    )
    assert len(_cost_findings(sub, [later])[0]) == 1
    current = _std("城市道路清扫保洁", "元/平方米·年", 15, keywords="道路保洁", year=2024)
    assert _cost_findings(sub, [later, current])[0] == []  # the budget year's standard wins
