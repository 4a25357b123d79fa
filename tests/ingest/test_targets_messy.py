"""Messy real-world tables built with openpyxl: merged cells, 万元, ≥ in values, no op column, odd headers."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from ingest.targets import load_submissions_bytes


def _load(wb: openpyxl.Workbook, name: str = "messy.xlsx"):
    buf = io.BytesIO()
    wb.save(buf)
    return load_submissions_bytes(buf.getvalue(), name)


@pytest.fixture()
def messy_flat() -> openpyxl.Workbook:
    """Title, 金额单位 row, a header with newlines/full-width brackets and synonyms, no 指标性质 column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "附表3"
    ws.append(["2024年部门项目支出绩效目标表"])
    ws.merge_cells("A1:I1")
    ws.append([None, None, None, None, None, None, None, "金额单位：万元"])
    ws.append(
        [
            "预算单位",
            "项\n目",
            "年度资金总额\n（万元）",
            "年度绩效目标",
            "一级指标",
            "二级指标",
            "绩效指标",
            "目标值",
            "计量单位",
            "分值（分）",
        ]
    )
    ws.append(
        [
            "某县教育局",
            "校舍维修",
            "1,188",
            "暑期完成１８所学校维修",
            "产出指标",
            "数量指标",
            "维修学校数量",
            18,
            "所",
            "15",
        ]
    )
    ws.append([None, None, None, None, None, None, "维修面积", "≥21,600", "平方米", 15])
    ws.append([None, None, None, None, None, "质量指标", "验收合格率", "不低于95%", None, 10])
    ws.append([None, None, None, None, None, "时效指标", "完工时间", dt.datetime(2024, 8, 25), "日期", 10])
    ws.append([])  # blank separator row
    ws.append([None, None, None, None, "满意度指标", "服务对象满意度指标", "师生满意度", 0.9, None, 10])
    ws["H9"].number_format = "0%"
    ws.append(["合计", None, 1188, None, None, None, None, None, None, 60])
    ws.append(
        [
            "某县卫健委",
            "疫苗接种补助",
            105,
            "完成接种1.2万剂次",
            "产出指标",
            "数量指标",
            "接种剂次",
            "≥1.2",
            "万剂次",
            20,
        ]
    )
    ws.append([None, None, None, None, "效益指标", "社会效益指标", "群众健康意识", "明显提高", None, 20])
    ws.append(["注：本表金额单位为万元。"])
    ws.merge_cells("A4:A8")
    ws.merge_cells("B4:B8")
    ws.merge_cells("C4:C8")
    ws.merge_cells("D4:D8")
    ws.merge_cells("E4:E7")
    ws.merge_cells("F4:F5")
    return wb


def test_messy_flat_projects_amounts_and_merges(messy_flat: openpyxl.Workbook) -> None:
    result = _load(messy_flat)
    assert result.issues == []
    a, b = result.submissions
    assert (a.unit, a.project, a.budget_yuan) == ("某县教育局", "校舍维修", 11880000.0)
    assert (b.unit, b.project, b.budget_yuan) == ("某县卫健委", "疫苗接种补助", 1050000.0)
    assert a.source == "messy.xlsx#附表3!R4" and b.source == "messy.xlsx#附表3!R11"
    assert [i.name for i in a.indicators] == [
        "维修学校数量",
        "维修面积",
        "验收合格率",
        "完工时间",
        "师生满意度",
    ]
    assert [(i.level1, i.level2) for i in a.indicators] == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("产出指标", "质量指标"),
        ("产出指标", "时效指标"),
        ("满意度指标", "服务对象满意度指标"),
    ]
    assert [i.weight for i in a.indicators] == [15, 15, 10, 10, 10]


def test_values_split_only_where_op_or_unit_missing(messy_flat: openpyxl.Workbook) -> None:
    a, b = _load(messy_flat).submissions
    count, area, rate, deadline, satisfaction = a.indicators
    assert (count.op, count.value, count.unit, count.value_raw) == (None, "18", "所", None)
    assert (area.op, area.value, area.unit, area.value_raw) == ("≥", "21,600", "平方米", "≥21,600")
    assert area.value_num == 21600.0
    assert (rate.op, rate.value, rate.unit, rate.value_raw) == ("≥", "95", "%", "不低于95%")
    assert (deadline.value, deadline.unit) == ("2024-08-25", "日期")
    assert (satisfaction.value, satisfaction.unit, satisfaction.value_raw) == ("90", "%", "90%")
    doses, awareness = b.indicators
    assert (doses.op, doses.value, doses.unit) == ("≥", "1.2", "万剂次")
    assert (awareness.op, awareness.value, awareness.level1) == (None, "明显提高", "效益指标")


def test_goal_keeps_fullwidth_digits_as_published(messy_flat: openpyxl.Workbook) -> None:
    a = _load(messy_flat).submissions[0]
    assert a.annual_goal == "暑期完成１８所学校维修"


def test_chongqing_style_repeated_project_cells_no_levels() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "项目名称", "预算数", "指标名称", "指标值", "单位"])
    ws.append(["万州区卫健委", "基本公共卫生服务", 500000, "建档人数", "≥1000", "人"])
    ws.append(["万州区卫健委", "基本公共卫生服务", 500000, "群众满意度", "≥90%", None])
    ws.append(["永川区图书馆", "图书馆免费开放", 200000, "接待读者人次", 50000, "人次"])
    ws.append(["永川区图书馆", "图书馆免费开放", 200000, "读者满意度", "≥95", "%"])
    result = _load(wb, "cq.xlsx")
    assert result.issues == []
    a, b = result.submissions
    assert (a.project, a.unit, len(a.indicators)) == ("基本公共卫生服务", "万州区卫健委", 2)
    assert (b.project, len(b.indicators)) == ("图书馆免费开放", 2)
    assert all(i.level1 is None and i.level2 is None for s in result.submissions for i in s.indicators)
    assert (a.indicators[0].op, a.indicators[0].value, a.indicators[0].unit) == ("≥", "1000", "人")
    assert (a.indicators[1].op, a.indicators[1].value, a.indicators[1].unit) == ("≥", "90", "%")
    assert (b.indicators[1].op, b.indicators[1].value, b.indicators[1].unit) == ("≥", "95", "%")


def test_same_project_name_in_two_units_is_two_projects() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位名称", "项目名称", "三级指标", "指标性质", "指标值", "度量单位"])
    ws.append(["甲镇人民政府", "村组干部报酬", "干部人数", "=", 100, "人"])
    ws.append(["乙镇人民政府", "村组干部报酬", "干部人数", "=", 80, "人"])
    subs = _load(wb).submissions
    assert [(s.unit, s.indicators[0].value) for s in subs] == [
        ("甲镇人民政府", "100"),
        ("乙镇人民政府", "80"),
    ]


def test_op_column_present_but_conflicting_value_is_kept_as_published() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "三级指标", "指标性质", "指标值", "度量单位"])
    ws.append(["道路保洁", "保洁覆盖率", "=", "≥95%", None])
    ws.append([None, "保洁面积", "≥", "12万", "平方米"])
    first, second = _load(wb).submissions[0].indicators
    assert (first.op, first.value, first.unit, first.value_raw) == ("=", "≥95%", None, None)
    assert (second.op, second.value, second.unit) == ("≥", "12万", "平方米")


def test_two_row_header_with_parent_cell() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "部门名称",
            "项目名称",
            "预算数（元）",
            "绩效指标",
            None,
            None,
            "指标值",
            "指标方向性",
            "指标值设定依据",
        ]
    )
    ws.append([None, None, None, "一级指标", "二级指标", "三级指标"])
    ws.merge_cells("D1:F1")
    for col in "ABCGHI":
        ws.merge_cells(f"{col}1:{col}2")
    ws.append(
        [
            "某区城管局",
            "道路清扫保洁",
            12580000,
            "产出指标",
            "数量指标",
            "保洁面积",
            "≥350万平方米",
            "正向指标",
            "2023年实际345万平方米",
        ]
    )
    result = _load(wb)
    assert result.issues == []
    [sub] = result.submissions
    ind = sub.indicators[0]
    assert (ind.level1, ind.level2, ind.name) == ("产出指标", "数量指标", "保洁面积")
    assert (ind.op, ind.value, ind.unit) == ("≥", "350", "万平方米")
    assert (ind.direction, ind.basis, ind.basis_num) == ("正向指标", "2023年实际345万平方米", 345.0)
    assert sub.budget_yuan == 12580000.0 and sub.source == "messy.xlsx#Sheet!R3"


def test_blank_level_cells_inherit_but_new_level1_does_not_leak_level2() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "一级指标", "二级指标", "三级指标", "指标值", "权重"])
    ws.append(["助学金", "产出指标", "数量指标", "资助人数", 2100, 40])
    ws.append([None, None, None, "资助批次", 2, 20])
    ws.append([None, "满意度指标", "服务对象满意度指标", "学生满意度", "≥90%", 30])
    ws.append([None, "预算执行率", None, "预算执行率", "≥95%", 10])
    inds = _load(wb).submissions[0].indicators
    assert [(i.level1, i.level2) for i in inds] == [
        ("产出指标", "数量指标"),
        ("产出指标", "数量指标"),
        ("满意度指标", "服务对象满意度指标"),
        ("预算执行率", None),
    ]


def test_form_and_flat_sheets_in_one_workbook_keep_order() -> None:
    wb = openpyxl.Workbook()
    form = wb.active
    form.title = "申报表"
    form.append(["项目支出绩效目标申报表（2025年度）"])
    form.append(["填报单位（盖章）：某市体育中心", None, None, "金额单位：元"])
    form.append(["项目名称：", "全民健身路径建设"])
    form.append(["主管部门", "某市文体旅游局", "项目类型", "一次性项目"])
    form.append(["资金总额", 1500000])
    form.append(["年度目标", "建设全民健身路径30条"])
    form.append(["一级指标", "二级指标", "三级指标", "指标值"])
    form.append(["产出指标", "数量指标", "建设健身路径", "30条"])
    form.append(["填报人：张三", None, "联系电话：123"])
    flat = wb.create_sheet("汇总")
    flat.append(["单位名称", "项目名称", "预算数", "三级指标", "指标值"])
    flat.append(["某市体育中心", "体育场馆开放", 200000, "开放天数", "≥300天"])
    result = _load(wb, "mixed.xlsx")
    assert result.issues == []
    form_sub, flat_sub = result.submissions
    assert (form_sub.project, form_sub.unit, form_sub.department) == (
        "全民健身路径建设",
        "某市体育中心",
        "某市文体旅游局",
    )
    assert (form_sub.project_type, form_sub.budget_yuan, form_sub.year) == ("一次性项目", 1500000.0, 2025)
    assert form_sub.annual_goal == "建设全民健身路径30条"
    assert [(i.name, i.value, i.unit) for i in form_sub.indicators] == [("建设健身路径", "30", "条")]
    assert form_sub.source == "mixed.xlsx#申报表!R3" and flat_sub.source == "mixed.xlsx#汇总!R2"
    assert (flat_sub.indicators[0].op, flat_sub.indicators[0].value) == ("≥", "300")


def test_bare_unit_column_left_of_project_is_the_organisation() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["单位", "项目", "指标", "指标值", "计量单位"])
    ws.append(["某县财政局", "绩效评价经费", "评价项目数", 12, "个"])
    [sub] = _load(wb).submissions
    assert (sub.unit, sub.project, sub.indicators[0].unit) == ("某县财政局", "绩效评价经费", "个")


def test_repeated_header_row_after_page_break_is_skipped() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    header = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值"]
    ws.append(header)
    ws.append(["项目甲", "产出指标", "数量指标", "人数", 5])
    ws.append(header)
    ws.append([None, "效益指标", "社会效益指标", "就业", 3])
    result = _load(wb)
    assert result.issues == []
    assert [i.name for i in result.submissions[0].indicators] == ["人数", "就业"]


def test_optional_project_columns_year_region_department_history() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(
        [
            "年度",
            "地区",
            "主管部门",
            "实施单位",
            "项目名称",
            "三级指标",
            "指标性质",
            "指标值",
            "度量单位",
            "上年实际",
            "指标值设定依据",
        ]
    )
    ws.append(
        [
            "2023年",
            "湖南省衡阳市常宁市",
            "常宁市民政局",
            "常宁市救助站",
            "流浪乞讨人员救助",
            "救助人次",
            "≥",
            "1,200",
            "人次",
            1150,
            "2022年实际1150人次",
        ]
    )
    ws.append(
        [
            "二〇二三",
            "湖南省衡阳市常宁市",
            "常宁市民政局",
            "常宁市救助站",
            "临时救助",
            "救助人数",
            ">=",
            300,
            "人",
            None,
            None,
        ]
    )
    result = _load(wb, "opt.xlsx")
    a, b = result.submissions
    assert (a.year, a.region, a.department, a.unit) == (
        2023,
        "湖南省衡阳市常宁市",
        "常宁市民政局",
        "常宁市救助站",
    )
    ind = a.indicators[0]
    assert (ind.value, ind.value_num, ind.history, ind.history_num, ind.basis_num) == (
        "1,200",
        1200.0,
        "1150",
        1150.0,
        1150.0,
    )
    assert b.year is None and b.indicators[0].op == "≥" and b.indicators[0].op_raw == ">="
    [issue] = result.issues
    assert (issue.row, issue.field) == (3, "年度") and "二〇二三" in issue.message


def test_words_that_start_like_notes_are_still_indicators() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["项目名称", "三级指标", "指标值", "度量单位"])
    ws.append(["疫苗接种", "注射剂次", 1000, "剂次"])
    ws.append([None, "说明书印制", 200, "份"])
    ws.append(["注：指标值为年度目标值。"])
    result = _load(wb)
    assert result.issues == []
    assert [i.name for i in result.submissions[0].indicators] == ["注射剂次", "说明书印制"]


def test_header_without_data_rows_is_reported() -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["单位名称", "项目名称", "三级指标", "指标值"])
    result = _load(wb, "空模板.xlsx")
    assert result.submissions == []
    [issue] = result.issues
    assert issue.row == 1 and "没有任何项目数据行" in issue.message
