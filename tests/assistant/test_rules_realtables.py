"""Classes of weakness found on messier, real-style tables: each fix with a row that must be flagged and a
row a senior reviewer accepts. Rows are invented for these tests (not taken from any dataset)."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks import check_submission
from assistant.checks.kinds import counting_unit, unit_misfit
from assistant.checks.rules_relevance import same_subject


# ---------------------------------------------------------------- 1/2 OUTPUT_BUDGET_MISMATCH
def _subsidy(rows: list[dict], budget: float, goal: str = "2024年完成补贴发放。") -> object:
    return submission(
        {"project": "农机购置补贴", "budget_yuan": budget, "annual_goal": goal},
        rows=dict(enumerate(rows)),
        drop=list(range(len(rows), 7)),
    )


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
    assert findings_for(sub, "WRONG_UNIT")  # the bad unit is reported where it is, once


def test_far_under_budget_even_after_summing_is_flagged():
    rows = [
        row("产出指标", "数量指标", "屋顶光伏安装户数", "=", "300", "户", 20),
        row("产出指标", "数量指标", "空气源热泵安装户数", "=", "200", "户", 20),
        row("产出指标", "成本指标", "户均安装补助", "≤", "5000", "元/户", 20),
    ]
    assert findings_for(_subsidy(rows, 10_000_000), "OUTPUT_BUDGET_MISMATCH")


# ---------------------------------------------------------------- 3 IRRELEVANT
@pytest.mark.parametrize(
    "project", ["农村地膜回收补助", "燃煤锅炉淘汰改造", "灌区渠系配套改造", "新能源公交车购置补贴"]
)
def test_ecological_benefit_is_plausible_for_energy_water_waste_projects(project):
    sub = submission(
        {"project": project, "annual_goal": "2024年完成改造任务。"},
        rows={4: row("效益指标", "生态效益指标", "减少二氧化碳排放量", "≥", "1200", "吨", 15)},
    )
    assert not findings_for(sub, "IRRELEVANT")


def test_ecological_row_on_a_library_project_is_still_irrelevant():
    sub = submission(
        {"project": "图书馆数字资源采购", "annual_goal": "2024年采购数字图书1.5万册。"},
        rows={4: row("效益指标", "生态效益指标", "减少二氧化碳排放量", "≥", "1200", "吨", 15)},
        drop=[5],
    )
    found = findings_for(sub, "IRRELEVANT")
    assert len(found) == 1
    assert found[0].suggestion.startswith("删除") and "上年实际值" not in found[0].suggestion


# ---------------------------------------------------------------- 4 PERCENT_WITHOUT_BASIS
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


# ---------------------------------------------------------------- 5 DUPLICATE
@pytest.mark.parametrize(
    "a,b,same",
    [
        ("结核病筛查人数", "艾滋病筛查人数", False),
        ("城区公厕新建座数", "农村公厕新建座数", False),
        ("资助建档立卡学生人数", "享受资助学生", True),
        ("改造户数", "受益农户", True),
        ("维修校舍面积", "校舍维修面积", True),
    ],
)
def test_same_subject_needs_the_same_counted_object(a, b, same):
    assert same_subject(a, b) is same


def test_equal_numbers_for_different_subjects_are_not_duplicates():
    sub = submission(
        rows={0: row("产出指标", "数量指标", "结核病筛查人数", "≥", "600", "人", 10)},
        add=[row("产出指标", "数量指标", "艾滋病筛查人数", "≥", "600", "人", 10)],
    )
    assert not findings_for(sub, "DUPLICATE")


def test_the_same_count_restated_is_a_duplicate():
    sub = submission(add=[row("产出指标", "数量指标", "参训农村实用人才人数", "≥", "600", "人", 0)])
    assert len(findings_for(sub, "DUPLICATE")) == 1


# ---------------------------------------------------------------- 6 VAGUE_VALUE
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


# ---------------------------------------------------------------- 7/8 VALUE_NAME_CONFLICT
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


# ---------------------------------------------------------------- 9 WRONG_UNIT (symmetric)
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
    assert len(found) == 1 and found[0].suggestion.endswith(f"120{expected}")


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


def test_counting_unit_reads_a_household_row_written_in_people_as_households():
    assert unit_misfit("电动车充电桩安装户数", "人") is not None
    assert counting_unit("电动车充电桩安装户数", "人") == "户" and counting_unit("安装户数", "户") == "户"


# ---------------------------------------------------------------- 10/11 MISSING_CORE_OUTPUT
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
    assert len(found) == 1 and "只反映资金金额" in found[0].suggestion


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


# ---------------------------------------------------------------- messy cells
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


def test_hundred_percent_done_on_a_task_is_not_a_formless_percentage():
    r = row("产出指标", "数量指标", "年度培训计划", None, "100%完成", None, 20)
    assert not findings_for(submission(rows={0: r}), "PERCENT_WITHOUT_BASIS")


# ---------------------------------------------------------------- a stated absence is a decidable target
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


# ---------------------------------------------------------------- second red-team round (invented rows)
def test_a_damage_rate_is_a_negative_rate_and_le_is_right():
    sub = submission(
        {"project": "森林防火"}, rows={2: row("产出指标", "质量指标", "林木病虫害受害率", "≤", "3", "‰", 10)}
    )
    assert not [f for f in findings_for(sub, "WRONG_DIRECTION") if f.location.indicator == 2]


def test_a_role_noun_counted_in_ge_is_a_wrong_unit():
    sub = submission(
        {"project": "非遗保护传承"},
        rows={0: row("产出指标", "数量指标", "资助非遗传承人", "=", "25", "个", 10)},
    )
    assert [f for f in findings_for(sub, "WRONG_UNIT") if f.location.indicator == 0]


def test_a_goal_output_counted_by_a_unitless_row_is_only_a_missing_unit():
    sub = submission(
        {
            "project": "政务云平台运维",
            "annual_goal": "2024年对8个业务系统开展运行维护，系统可用率不低于99%。",
        },
        rows={0: row("产出指标", "数量指标", "运维业务系统数量", "=", "8", None, 10)},
    )
    assert findings_for(sub, "NO_UNIT") and not findings_for(sub, "MISSING_CORE_OUTPUT")


def test_a_grand_slogan_benefit_on_a_back_office_project_is_irrelevant():
    sub = submission(
        {"project": "区政务服务中心物业管理费", "annual_goal": "2024年保障政务服务中心2.1万平方米物业服务。"},
        rows={5: row("效益指标", "社会效益指标", "助力全区经济社会高质量发展", "定性", "有效助力", None, 10)},
    )
    assert [f for f in findings_for(sub, "IRRELEVANT") if f.location.indicator == 5]


def test_a_grand_slogan_on_a_development_project_is_not_called_irrelevant():
    sub = submission(
        {"project": "乡村振兴示范村建设", "annual_goal": "2024年建成示范村5个。"},
        rows={5: row("效益指标", "社会效益指标", "助力乡村振兴", "定性", "有效助力", None, 10)},
    )
    assert not [f for f in findings_for(sub, "IRRELEVANT") if f.location.indicator == 5]


def test_staff_hired_by_a_project_are_not_its_service_recipients():
    sub = submission(
        {"project": "经济普查经费", "annual_goal": "2024年选聘普查员200名，完成普查登记。"},
        rows={0: row("产出指标", "数量指标", "选聘普查员", "=", "200", "人", 10)},
        drop=[6],
    )
    assert not findings_for(sub, "SATISFACTION_MISSING")


def test_towns_a_goal_covers_are_its_scope_not_its_output():
    sub = submission(
        {
            "annual_goal": "2024年培训农村实用人才600人，培训覆盖全县18个乡镇（街道），人均培训成本不超过1500元。"
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
