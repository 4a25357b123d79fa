"""Bad input never raises: each problem is a Chinese issue naming file/sheet/row/field; the rest loads."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import openpyxl

from ingest.targets import load_submissions, load_submissions_bytes, parse_submissions_json

HEADER = [
    "单位名称",
    "项目名称",
    "预算数",
    "年度目标",
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "权重",
]
GOOD_ROW = [
    "某县民政局",
    "困难群众救助",
    1000000,
    "全年救助困难群众500人",
    "产出指标",
    "数量指标",
    "救助人数",
    "≥",
    500,
    "人",
    100,
]


def _xlsx_bytes(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _flat_sheet(ws, rows: list[list]) -> None:
    ws.append(["绩效目标表"])
    ws.append(HEADER)
    for row in rows:
        ws.append(row)


def test_text_file_renamed_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "申报.xlsx"
    path.write_text("项目名称,指标\n村组干部报酬,人数\n", encoding="utf-8")
    result = load_submissions(path)
    assert result.submissions == []
    [issue] = result.issues
    assert issue.file == "申报.xlsx"
    assert "不是 Excel 工作簿" in issue.message
    assert "申报.xlsx" in str(issue)


def test_truncated_zip_is_reported_as_corrupt(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    _flat_sheet(wb.active, [GOOD_ROW])
    data = _xlsx_bytes(wb)
    result = load_submissions_bytes(data[: len(data) // 2], "坏文件.xlsx")
    assert result.submissions == []
    assert len(result.issues) == 1 and "损坏" in result.issues[0].message
    assert result.issues[0].file == "坏文件.xlsx"


def test_zip_that_is_not_a_workbook() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "hello")
    result = load_submissions_bytes(buf.getvalue(), "包.xlsx")
    assert result.submissions == [] and len(result.issues) == 1
    assert "无法打开 Excel 工作簿" in result.issues[0].message


def test_encrypted_workbook_ole_container() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 1024  # how a password-protected .xlsx starts
    result = load_submissions_bytes(data, "加密.xlsx")
    assert result.submissions == []
    assert "加密" in result.issues[0].message and result.issues[0].file == "加密.xlsx"


def test_empty_and_unmappable_sheets_do_not_stop_good_sheet() -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "空表"
    odd = wb.create_sheet("说明")
    odd.append(["序号", "事项", "备注"])
    odd.append([1, "按要求填报", "无"])
    _flat_sheet(wb.create_sheet("目标表"), [GOOD_ROW])
    result = load_submissions_bytes(_xlsx_bytes(wb), "多表.xlsx")
    assert [s.project for s in result.submissions] == ["困难群众救助"]
    assert result.submissions[0].source == "多表.xlsx#目标表!R3"
    by_sheet = {i.sheet: i for i in result.issues}
    assert set(by_sheet) == {"空表", "说明"}
    assert "工作表为空" in by_sheet["空表"].message
    assert "未能识别表头" in by_sheet["说明"].message and by_sheet["说明"].row == 1
    assert "工作表“说明”" in str(by_sheet["说明"]) and "文件“多表.xlsx”" in str(by_sheet["说明"])


def test_indicator_grid_without_any_project_is_reported() -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["一级指标", "二级指标", "三级指标", "指标值"])
    ws.append(["产出指标", "数量指标", "培训人数", 100])
    result = load_submissions_bytes(_xlsx_bytes(wb), "无项目.xlsx")
    assert result.submissions == []
    [issue] = result.issues
    assert issue.row == 1 and issue.field == "项目名称" and "无法确定" in issue.message


def test_row_without_project_is_an_issue_with_its_row() -> None:
    wb = openpyxl.Workbook()
    no_project = [None, None, None, None, "产出指标", "数量指标", "发放人数", "=", 20, "人", 10]
    _flat_sheet(wb.active, [no_project, GOOD_ROW])
    result = load_submissions_bytes(_xlsx_bytes(wb), "缺项目.xlsx")
    assert [s.project for s in result.submissions] == ["困难群众救助"]
    assert len(result.submissions[0].indicators) == 1
    [issue] = result.issues
    assert (issue.sheet, issue.row, issue.field) == ("Sheet", 3, "项目名称")
    assert "没有项目名称" in issue.message and "第3行" in str(issue)


def test_new_unit_without_project_does_not_join_previous_project() -> None:
    wb = openpyxl.Workbook()
    other_unit = ["另一单位", None, None, None, "产出指标", "数量指标", "维修公里数", "≥", 5, "公里", 50]
    _flat_sheet(wb.active, [GOOD_ROW, other_unit])
    result = load_submissions_bytes(_xlsx_bytes(wb), "x.xlsx")
    assert len(result.submissions[0].indicators) == 1
    [issue] = result.issues
    assert issue.row == 4 and "另一单位" in issue.message


def test_indicator_row_without_name_is_reported_not_dropped_silently() -> None:
    wb = openpyxl.Workbook()
    nameless = [None, None, None, None, "产出指标", "质量指标", None, "≥", 95, "%", 10]
    _flat_sheet(wb.active, [GOOD_ROW, nameless])
    result = load_submissions_bytes(_xlsx_bytes(wb), "缺名称.xlsx")
    assert len(result.submissions) == 1 and len(result.submissions[0].indicators) == 1
    [issue] = result.issues
    assert issue.row == 4 and issue.field == "三级指标" and "名称为空" in issue.message


def test_bad_weight_and_budget_text_are_reported() -> None:
    wb = openpyxl.Workbook()
    row = list(GOOD_ROW)
    row[2], row[10] = "约一百万", "很重要"
    _flat_sheet(wb.active, [row])
    result = load_submissions_bytes(_xlsx_bytes(wb), "文本数字.xlsx")
    [sub] = result.submissions
    assert sub.budget_yuan is None and sub.indicators[0].weight is None
    fields = sorted((i.row, i.field) for i in result.issues)
    assert fields == [(3, "权重"), (3, "预算数")]


def test_json_one_bad_submission_among_good_ones() -> None:
    good = {
        "id": "G1",
        "project": "村组干部报酬",
        "indicators": [{"name": "人数", "op": ">=", "value": "230"}],
    }
    bad_weight = {"id": "B1", "project": "道路保洁", "indicators": [{"name": "保洁面积", "weight": "十分"}]}
    bad_shape = {"id": "B2", "project": "养老服务", "indicators": "见附件"}
    good2 = {
        "id": "G2",
        "project": "送戏下乡",
        "budget_yuan": "1,080,000",
        "indicators": [{"name": "演出场次", "value": 120, "unit": "场", "weight": "10分"}],
    }
    result = parse_submissions_json(
        {"submissions": [good, bad_weight, "not an object", bad_shape, good2]}, source="upload.json"
    )
    # a wrong value is emptied with an issue and the submission still imported; only a non-object is lost
    assert [s.id for s in result.submissions] == ["G1", "B1", "B2", "G2"]
    g1, b1, b2, g2 = result.submissions
    assert g1.indicators[0].op == "≥"
    assert b1.indicators[0].name == "保洁面积" and b1.indicators[0].weight is None
    assert b2.project == "养老服务" and b2.indicators == []
    assert g2.budget_yuan == 1080000.0
    assert g2.indicators[0].value == "120" and g2.indicators[0].weight == 10
    assert [s.source for s in result.submissions] == [f"upload.json#{n}" for n in (1, 2, 4, 5)]
    msgs = [str(i) for i in result.issues]
    assert len(msgs) == 3
    assert "第2条申报（编号 B1" in msgs[0] and "indicators[0].weight" in msgs[0] and "十分" in msgs[0]
    assert "已按空值导入" in msgs[0] and "其余内容照常导入" in msgs[0]
    assert "第3条申报" in msgs[1] and "不是 JSON 对象" in msgs[1] and "未导入" in msgs[1]
    assert "第4条申报（编号 B2" in msgs[2] and "字段“indicators”" in msgs[2] and "应为列表" in msgs[2]
    assert all(i.file == "upload.json" for i in result.issues)


def test_json_values_of_the_wrong_type_are_emptied_and_the_rest_kept() -> None:
    sub = {
        "id": "W1",
        "project": "道路保洁",
        "year": "明年",
        "budget_yuan": "约一百万",
        "funding": "财政",
        "indicators": [
            {"name": "保洁面积", "op": "≥", "value": "120", "unit": "万平方米", "weight": "优"},
            "见附件",
            {"name": "满意度", "value": "95", "unit": "%", "weight": {"分": 10}},
        ],
    }
    result = parse_submissions_json([sub], source="odd.json")
    [got] = result.submissions
    assert (got.year, got.budget_yuan, got.funding) == (None, None, None)
    assert [i.name for i in got.indicators] == ["保洁面积", "满意度"]
    assert got.indicators[0].value == "120" and got.indicators[0].weight is None
    assert got.indicators[1].value == "95" and got.indicators[1].weight is None
    fields = {i.field for i in result.issues}
    assert {"year", "budget_yuan", "funding", "indicators[1]", "indicators[2].weight"} <= fields
    assert any(i.field == "indicators[1]" and "该项已跳过" in i.message for i in result.issues)


def test_json_single_object_and_list_forms() -> None:
    one = {"project": "A", "indicators": []}
    assert [s.project for s in parse_submissions_json(one).submissions] == ["A"]
    assert [s.project for s in parse_submissions_json([one, {**one, "project": "B"}]).submissions] == [
        "A",
        "B",
    ]
    top = parse_submissions_json(42)
    assert top.submissions == [] and "顶层" in top.issues[0].message


def test_json_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text('{"submissions": [\n {"project": "A",}\n]}', encoding="utf-8")
    result = load_submissions(path)
    assert result.submissions == []
    assert result.issues[0].row == 2 and "JSON 格式错误：第2行" in result.issues[0].message


def test_json_bytes_with_bom_and_missing_or_empty_files(tmp_path: Path) -> None:
    data = "\ufeff".encode() + json.dumps([{"project": "甲", "indicators": []}], ensure_ascii=False).encode()
    assert [s.project for s in load_submissions_bytes(data, "a.json").submissions] == ["甲"]
    assert "文件为空" in load_submissions_bytes(b"", "b.json").issues[0].message
    missing = load_submissions(tmp_path / "nope.xlsx")
    assert missing.submissions == [] and "文件不存在" in missing.issues[0].message
    other = load_submissions_bytes(b"a;b;c", "c.csv")
    assert "不支持的文件类型“.csv”" in other.issues[0].message
