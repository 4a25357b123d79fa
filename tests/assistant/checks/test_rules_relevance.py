"""相关性 rules about what rows measure (rules_relevance.py):
duplicates, off-topic rows, inputs and outputs in the wrong place."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks.rules_relevance import same_subject


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
    # the only benefit row of a weighted table: rewritten into an effect this project causes, not deleted
    fix = found[0].fix
    assert fix.action == "replace_row" and fix.row["level2"] == "社会效益指标"
    assert "上年实际值" not in found[0].suggestion and "经营性收入" not in found[0].suggestion


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


def test_same_quantity_twice_is_a_duplicate_and_an_output_filed_as_benefit():
    sub = submission(rows={4: row("效益指标", "社会效益指标", "培训农村实用人才人数", "≥", "600", "人", 15)})
    dup = findings_for(sub, "DUPLICATE")
    assert len(dup) == 1 and dup[0].location.indicator == 4 and "第1行" in dup[0].message
    assert findings_for(sub, "OUTPUT_AS_BENEFIT")


def test_completion_rate_restating_a_quantity_row():
    sub = submission(add=[row("产出指标", "数量指标", "培训任务完成率", "=", "100", "%", 0)])
    found = findings_for(sub, "DUPLICATE")
    assert len(found) == 1 and "完成率" in found[0].message


@pytest.mark.parametrize(
    "a,b",
    [("群众满意度", "村民满意度"), ("城区居民满意度", "居民满意度"), ("受益脱贫户满意度", "受益群众满意度")],
)
def test_two_satisfaction_rows_for_the_same_people(a, b):
    sub = submission(
        rows={6: row("满意度指标", "服务对象满意度指标", a, "≥", "90", "%", 5)},
        add=[row("满意度指标", "服务对象满意度指标", b, "≥", "90", "%", 5)],
    )
    assert len(findings_for(sub, "DUPLICATE")) == 1


@pytest.mark.parametrize(
    "a,b",
    [
        ("学生满意度", "家长满意度"),
        ("服务对象满意度", "社会公众满意度"),
        ("参训学员满意度", "用工企业满意度"),
    ],
)
def test_satisfaction_of_different_people_is_not_a_duplicate(a, b):
    sub = submission(
        rows={6: row("满意度指标", "服务对象满意度指标", a, "≥", "90", "%", 5)},
        add=[row("满意度指标", "服务对象满意度指标", b, "≥", "90", "%", 5)],
    )
    assert not findings_for(sub, "DUPLICATE")


def test_equal_standards_for_two_groups_are_not_duplicates():
    sub = submission(
        {"project": "残疾人两项补贴", "budget_yuan": 172800},
        rows={3: row("产出指标", "成本指标", "困难残疾人生活补贴标准", "=", "90", "元/人·月", 10)},
        add=[row("产出指标", "成本指标", "重度残疾人护理补贴标准", "=", "90", "元/人·月", 5)],
    )
    assert not findings_for(sub, "DUPLICATE")


def test_ecological_benefit_on_a_salary_project_is_irrelevant():
    sub = submission(
        {"project": "村组干部报酬", "annual_goal": "2024年按月发放182名村组干部报酬。"},
        add=[row("效益指标", "生态效益指标", "农村环境卫生", "定性", "持续改善", None, 0)],
    )
    found = findings_for(sub, "IRRELEVANT")
    assert len(found) == 1 and "生态" in found[0].message


def test_ecological_benefit_on_an_ecological_project_is_relevant():
    sub = submission(
        {"project": "城区道路绿化提质", "annual_goal": "2024年补植行道树3000株。"},
        add=[row("效益指标", "生态效益指标", "城区绿化覆盖率", "≥", "40", "%", 0)],
    )
    assert not findings_for(sub, "IRRELEVANT")


def test_macro_economy_benefit_on_a_relief_project_is_irrelevant():
    sub = submission(
        {"project": "残疾儿童康复救助", "annual_goal": "2024年救助残疾儿童420人。"},
        add=[row("效益指标", "经济效益指标", "带动当地经济发展", "定性", "有效带动", None, 0)],
    )
    assert findings_for(sub, "IRRELEVANT")


def test_relevance_is_not_judged_for_unidentifiable_projects():
    sub = submission(
        {"project": "其他专项业务经费（汇总）"},
        add=[row("效益指标", "生态效益指标", "全县森林覆盖率", "≥", "62", "%", 0)],
    )
    assert not findings_for(sub, "IRRELEVANT")


@pytest.mark.parametrize(
    "r",
    [
        row("效益指标", "可持续影响指标", "资金到位率", "=", "100", "%", 10),
        row("产出指标", "数量指标", "债券资金到位率", "=", "100", "%", 10),
        row("产出指标", "数量指标", "发放培训补贴资金", "=", "90", "万元", 10),
    ],
)
def test_inputs_used_as_results(r):
    assert len(findings_for(submission(add=[r]), "INPUT_AS_OUTPUT")) == 1


@pytest.mark.parametrize(
    "r",
    [
        row("产出指标", "时效指标", "补贴资金发放及时率", "≥", "95", "%", 10),
        row("效益指标", "经济效益指标", "带动社会资本投入", "≥", "300", "万元", 10),
        row("预算执行率", None, "预算执行率", "≥", "95", "%", 10),
    ],
)
def test_outputs_and_benefits_that_mention_money_are_fine(r):
    assert not findings_for(submission(add=[r]), "INPUT_AS_OUTPUT")


@pytest.mark.parametrize(
    "name,unit", [("举办培训班期数", "期"), ("开展系统巡检", "次"), ("建设经营性项目", "个")]
)
def test_workload_counts_under_benefits(name, unit):
    assert (
        len(
            findings_for(
                submission(add=[row("效益指标", "社会效益指标", name, "≥", "30", unit, 0)]),
                "OUTPUT_AS_BENEFIT",
            )
        )
        == 1
    )


@pytest.mark.parametrize(
    "name,op,value,unit",
    [
        ("带动就业人数", "≥", "30", "人"),
        ("受益人口", "≥", "5000", "人"),
        ("维修学校校舍安全责任事故", "=", "0", "起"),
        ("新增就业岗位", "≥", "50", "个"),
    ],
)
def test_real_benefits_are_not_outputs(name, op, value, unit):
    assert not findings_for(
        submission(add=[row("效益指标", "社会效益指标", name, op, value, unit, 0)]), "OUTPUT_AS_BENEFIT"
    )


def test_a_length_restated_as_a_benefit_under_another_name_is_a_duplicate():
    """养护长度 / 养护里程 / 完成…里程: the measure word is how it is counted, not what."""
    sub = submission(
        {
            "project": "农村公路日常养护",
            "budget_yuan": 960000,
            "annual_goal": "2024年完成全镇农村公路日常养护120公里，每公里养护费不超过8000元。",
        },
        rows={
            0: row("产出指标", "数量指标", "农村公路日常养护长度", "=", "120", "公里", 20),
            3: row("产出指标", "成本指标", "每公里养护费", "≤", "8000", "元/公里", 15),
            4: row("效益指标", "社会效益指标", "完成全镇农村公路养护里程", "≥", "120", "公里", 15),
        },
    )
    dup = findings_for(sub, "DUPLICATE")
    assert len(dup) == 1 and dup[0].location.indicator == 4
    assert findings_for(sub, "OUTPUT_AS_BENEFIT")


def test_two_areas_of_different_work_are_not_duplicates():
    sub = submission(
        rows={
            0: row("产出指标", "数量指标", "道路硬化面积", "=", "5000", "平方米", 20),
            4: row("效益指标", "生态效益指标", "新增绿化面积", "≥", "5000", "平方米", 15),
        }
    )
    assert not findings_for(sub, "DUPLICATE")


def test_placing_traps_counted_as_an_ecological_benefit_is_an_output():
    sub = submission(
        {"project": "城区病媒生物防制", "annual_goal": "2024年在城区投放毒饵站600个，鼠密度控制在1%以下。"},
        rows={4: row("效益指标", "生态效益指标", "投放灭鼠毒饵站", "≥", "600", "个", 15)},
    )
    found = findings_for(sub, "OUTPUT_AS_BENEFIT")
    assert len(found) == 1 and found[0].location.indicator == 4


def test_business_environment_is_not_an_ecological_subject():
    sub = submission(
        {"project": "产业招商推介活动经费", "annual_goal": "持续优化营商环境，全年举办招商推介会8场。"},
        rows={4: row("效益指标", "生态效益指标", "空气质量优良天数比率", "≥", "90", "%", 15)},
    )
    assert findings_for(sub, "IRRELEVANT")


def test_funeral_reform_may_have_an_ecological_benefit():
    sub = submission(
        {"project": "惠民殡葬补贴", "annual_goal": "2024年为约3000例逝者减免基本殡葬服务费用。"},
        rows={4: row("效益指标", "生态效益指标", "节地生态安葬率", "≥", "40", "%", 15)},
    )
    assert not findings_for(sub, "IRRELEVANT")


def test_reaching_a_place_is_not_money_but_money_reaching_is_an_input():
    tech = submission(add=[row("产出指标", "质量指标", "主推技术到位率", "≥", "95", "%", 0)])
    assert not findings_for(tech, "INPUT_AS_OUTPUT")
    money = submission(add=[row("产出指标", "数量指标", "省级补助资金到位比例", "=", "100", "%", 0)])
    assert findings_for(money, "INPUT_AS_OUTPUT")


def test_county_industrial_growth_on_a_school_meal_project_is_irrelevant():
    sub = submission(
        {
            "project": "农村义务教育学生营养改善计划",
            "annual_goal": "2024年为全县12000名农村学生提供营养膳食补助。",
        },
        rows={4: row("效益指标", "经济效益指标", "全县规模以上工业增加值增速", "≥", "6", "%", 15)},
    )
    assert findings_for(sub, "IRRELEVANT")


def test_a_benefit_reaching_the_trained_people_restates_the_output():
    sub = submission(rows={4: row("效益指标", "社会效益指标", "惠及参训农民", "≥", "600", "人次", 15)})
    assert findings_for(sub, "DUPLICATE") and findings_for(sub, "OUTPUT_AS_BENEFIT")


@pytest.mark.parametrize("name, value, unit", [("放映科教电影", "120", "场"), ("栽植苗木", "5.5", "万株")])
def test_screenings_and_plantings_counted_as_benefits_are_outputs(name, value, unit):
    sub = submission(rows={4: row("效益指标", "社会效益指标", name, "≥", value, unit, 15)})
    assert findings_for(sub, "OUTPUT_AS_BENEFIT")


def test_fish_stocking_is_an_ecological_subject():
    sub = submission(
        {"project": "瓯江鱼类增殖放流", "annual_goal": "2024年放流鱼苗300万尾。"},
        rows={4: row("效益指标", "生态效益指标", "放流水域放流品种回捕占比", "≥", "10", "%", 15)},
    )
    assert not findings_for(sub, "IRRELEVANT")


# ---------------------------------------------------------------- R02: inputs used as results
@pytest.mark.parametrize(
    ("level1", "level2", "name", "value", "unit"),
    [
        ("产出指标", "数量指标", "培训资金金额", "90", None),  # the budget in 万元, unit left out
        (None, "成本指标", "资金执行率", "100", "%"),  # budget execution under 成本
        ("效益指标", "经济效益指标", "培训经费保障率", "100", "%"),
        ("效益指标", "经济效益指标", "贷款利息补贴保障率", "100", "%"),
        ("产出指标", "质量指标", "补助资金拨付率", "100", "%"),
    ],
)
def test_budget_execution_and_funding_rates_are_inputs(level1, level2, name, value, unit):
    found = findings_for(
        submission(rows={4: row(level1, level2, name, None, value, unit, 15)}), "INPUT_AS_OUTPUT"
    )
    assert [f.location.indicator for f in found] == [4]


@pytest.mark.parametrize(
    ("level1", "level2", "name", "value", "unit"),
    [
        ("产出指标", "质量指标", "培训管理制度执行率", "100", "%"),  # a rule carried out, not money spent
        ("产出指标", "成本指标", "补助标准执行率", "100", "%"),  # a standard applied (A05 judges it)
        ("产出指标", "时效指标", "应急物资保障率", "100", "%"),
        ("效益指标", "社会效益指标", "符合条件困难家庭保障率", "100", "%"),
        ("产出指标", "质量指标", "师资到位率", "100", "%"),
        ("预算执行率", None, "预算执行率", "95", "%"),  # the 自评 item under its own first level
        ("产出指标", "数量指标", "培训班次", "12", None),  # a count with its unit left out is NO_UNIT only
    ],
)
def test_rates_and_counts_that_are_not_money_are_no_input(level1, level2, name, value, unit):
    sub = submission(rows={4: row(level1, level2, name, "≥", value, unit, 15)})
    assert not findings_for(sub, "INPUT_AS_OUTPUT")


# ---------------------------------------------------------------- R03b: own-work rates as benefits
@pytest.mark.parametrize(
    ("level2", "name"),
    [("社会效益指标", "补助发放率"), ("社会效益指标", "工程完工率"), ("可持续影响指标", "设备安装率")],
)
def test_a_completion_rate_filed_as_a_benefit(level2, name):
    found = findings_for(
        submission(rows={4: row("效益指标", level2, name, "≥", "95", "%", 15)}), "OUTPUT_AS_BENEFIT"
    )
    assert [(f.rule_id, f.location.indicator) for f in found] == [("R03b", 4)]
    assert "是项目自身工作的完成或质量比率" in found[0].message
    assert (found[0].fix.row["level1"], found[0].fix.row["level2"]) == ("产出指标", "质量指标")
    assert "产出指标—质量指标" in found[0].suggestion


def test_a_rate_with_no_ecological_subject_under_ecology_of_a_project_without_one():
    sub = submission(rows={5: row("效益指标", "生态效益指标", "培训档案规范管理率", "=", "100", "%", 15)})
    assert [f.rule_id for f in findings_for(sub, "OUTPUT_AS_BENEFIT")] == ["R03b"]
    assert not findings_for(sub, "IRRELEVANT")  # an output in the wrong category, not an off-topic claim


@pytest.mark.parametrize(
    ("project", "level2", "name"),
    [
        ("农村实用人才培训", "社会效益指标", "参训人员就业率"),
        ("农村实用人才培训", "社会效益指标", "培训后就业率较上年提高"),
        ("城区绿地养护", "生态效益指标", "养护绿地植物保存率"),  # an ecological project
    ],
)
def test_effect_rates_stay_benefits(project, level2, name):
    sub = submission({"project": project}, rows={4: row("效益指标", level2, name, "≥", "60", "%", 15)})
    assert not findings_for(sub, "OUTPUT_AS_BENEFIT")


def test_an_ecological_claim_on_a_project_without_ecology_is_still_irrelevant():
    sub = submission(rows={5: row("效益指标", "生态效益指标", "生态环境质量改善", "定性", "明显", None, 15)})
    assert [f.rule_id for f in findings_for(sub, "IRRELEVANT")] == ["R05"]


def test_green_practice_after_a_planting_course_is_arguable_not_irrelevant():
    sub = submission(
        {"project": "设施蔬菜种植技术培训"},
        rows={5: row("效益指标", "生态效益指标", "学员绿色种植意识", None, "提高", None, 15)},
    )
    assert not findings_for(sub, "IRRELEVANT")


# ---------------------------------------------------------------- R05b / R05c: rows forced into a category
@pytest.mark.parametrize(
    ("name", "value", "unit"),
    [("培训安全事故发生数", "0", "起"), ("培训班次", "12", "期"), ("教材发放合格率", "100", "%")],
)
def test_a_satisfaction_row_that_asks_no_one(name, value, unit):
    sub = submission(rows={6: row("满意度指标", "服务对象满意度指标", name, "=", value, unit, 10)})
    found = findings_for(sub, "IRRELEVANT")
    assert [(f.rule_id, f.location.indicator) for f in found] == [("R05b", 6)]
    assert "不是满意度指标" in found[0].message
    # no survey left in the category: the row becomes the served people's satisfaction
    fix = found[0].fix
    assert fix.row["name"].endswith("满意度") and (fix.row["op"], fix.row["value"]) == ("≥", "90")


def test_a_satisfaction_row_that_asks_no_one_beside_a_real_survey():
    extra = row("满意度指标", "服务对象满意度指标", "培训安全事故发生数", "=", "0", "起", 0)
    found = findings_for(submission(add=[extra]), "IRRELEVANT")
    # a real survey is there: the row moves to the benefit category it measures
    assert len(found) == 1 and found[0].fix.row == {"level1": "效益指标", "level2": "社会效益指标"}


@pytest.mark.parametrize(
    "name", ["参训学员满意度", "培训政策知晓率", "学员好评率（电话回访）", "群众安全感", "有效投诉次数"]
)
def test_survey_rows_in_the_satisfaction_category_are_fine(name):
    sub = submission(rows={6: row("满意度指标", "服务对象满意度指标", name, "≥", "90", "%", 10)})
    assert not findings_for(sub, "IRRELEVANT")


@pytest.mark.parametrize("name", ["校舍安全率", "社会和谐稳定", "学员法治意识"])
def test_an_economic_row_with_no_economic_notion(name):
    sub = submission(rows={4: row("效益指标", "经济效益指标", name, None, "100", "%", 15)})
    assert [f.rule_id for f in findings_for(sub, "IRRELEVANT")] == ["R05c"]


@pytest.mark.parametrize("name", ["参训人员人均增收", "挽回经济损失", "带动就业人数", "安全生产事故经济损失"])
def test_economic_rows_stay(name):
    sub = submission(rows={4: row("效益指标", "经济效益指标", name, "≥", "100", "元", 15)})
    assert not findings_for(sub, "IRRELEVANT")


# ---------------------------------------------------------------- pass rates under two names (C07)
@pytest.mark.parametrize(
    "first,second",
    [
        ("道路保洁达标率", "道路清扫保洁合格率"),
        ("出厂水水质合格率", "水质达标率"),
        ("培训考核合格率", "培训考核达标比例"),
    ],
)
def test_one_pass_rate_under_two_names_is_a_duplicate(first, second):
    sub = submission(
        rows={1: row("产出指标", "质量指标", first, "≥", "95", "%", 15)},
        add=[row("产出指标", "质量指标", second, "≥", "95", "%", 0)],
    )
    found = findings_for(sub, "DUPLICATE")
    assert [f.location.indicator for f in found] == [7]
    assert "说法不同" in found[0].message and found[0].fix.action == "delete_row"


@pytest.mark.parametrize(
    "first,second,level2",
    [
        ("县道养护合格率", "乡道养护合格率", "质量指标"),  # two roads
        ("工程验收合格率", "工程质量达标率", "质量指标"),  # acceptance and quality are two checks
        ("道路保洁达标率", "道路保洁优良率", "质量指标"),  # a higher bar, not the same requirement
        ("培训考核合格率", "培训考核合格率", "时效指标"),  # same words in another category: same_name only
    ],
)
def test_different_pass_rates_are_not_a_rate_twin(first, second, level2):
    sub = submission(
        rows={1: row("产出指标", "质量指标", first, "≥", "95", "%", 15)},
        add=[row("产出指标", level2, second, "≥", "95", "%", 0)],
    )
    assert "说法不同" not in "".join(f.message for f in findings_for(sub, "DUPLICATE"))


# ------------------------------------------------------------ benefits that restate who was served (C07, R03)
def test_a_benefit_counting_the_households_the_output_already_counts_is_restated():
    sub = submission(
        {
            "project": "脱贫户牛羊养殖补助",
            "annual_goal": "对420户脱贫户发展牛羊养殖给予补助，9月底前发放到户。",
        },
        rows={
            0: row("产出指标", "数量指标", "补助养殖户数", "≥", "420", "户", 20),
            4: row("效益指标", "社会效益指标", "享受补助脱贫户数", "≥", "420", "户", 15),
        },
    )
    assert [f.location.indicator for f in findings_for(sub, "DUPLICATE")] == [4]
    assert [f.location.indicator for f in findings_for(sub, "OUTPUT_AS_BENEFIT")] == [4]


@pytest.mark.parametrize(
    "name,value,unit",
    [("享受补助脱贫户数", "400", "户"), ("带动户均增收", "2000", "元"), ("获得技能证书人数", "420", "人")],
)
def test_a_benefit_with_another_count_or_object_is_not_restated(name, value, unit):
    sub = submission(
        {
            "project": "脱贫户牛羊养殖补助",
            "annual_goal": "对420户脱贫户发展牛羊养殖给予补助，9月底前发放到户。",
        },
        rows={
            0: row("产出指标", "数量指标", "补助养殖户数", "≥", "420", "户", 20),
            4: row("效益指标", "社会效益指标", name, "≥", value, unit, 15),
        },
    )
    assert not findings_for(sub, "DUPLICATE") and not findings_for(sub, "OUTPUT_AS_BENEFIT")


# ---------------------------------------------------------------- an audience is not an activity count (R03)
@pytest.mark.parametrize("name", ["观看演出群众", "接待读者", "参观群众"])
def test_an_audience_count_under_social_benefit_is_not_an_output(name):
    sub = submission(
        {"project": "送戏下乡演出补助", "annual_goal": "全年组织送戏下乡演出60场。"},
        rows={
            0: row("产出指标", "数量指标", "送戏下乡演出场次", "≥", "60", "场", 20),
            4: row("效益指标", "社会效益指标", name, "≥", "3", "万人次", 15),
        },
    )
    assert not findings_for(sub, "OUTPUT_AS_BENEFIT")


def test_an_activity_count_under_social_benefit_is_still_an_output():
    sub = submission(
        {"project": "送戏下乡演出补助", "annual_goal": "全年组织送戏下乡演出60场。"},
        rows={
            0: row("产出指标", "数量指标", "送戏下乡演出场次", "≥", "60", "场", 20),
            4: row("效益指标", "社会效益指标", "开展文艺演出", "≥", "20", "场", 15),
        },
    )
    assert [f.location.indicator for f in findings_for(sub, "OUTPUT_AS_BENEFIT")] == [4]


def test_an_outcome_that_happens_to_match_a_count_is_not_restated():
    sub = submission(
        {"project": "脱贫户技能培训", "annual_goal": "培训脱贫户420人。"},
        rows={
            0: row("产出指标", "数量指标", "培训脱贫户", "≥", "420", "人", 20),
            4: row("效益指标", "社会效益指标", "获得职业技能证书人数", "≥", "420", "人", 15),
        },
    )
    assert not findings_for(sub, "DUPLICATE") and not findings_for(sub, "OUTPUT_AS_BENEFIT")
