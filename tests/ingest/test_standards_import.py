"""支出标准 tables (formats.md §5): columns by meaning from CSV and xlsx, bad rows named, units read like
for like."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from ingest.standards import comparable, load_standards, load_standards_bytes, parse_cost_unit, parse_measure

SAMPLE = Path(__file__).resolve().parents[2] / "jixiao" / "samples" / "standards_sample.csv"


def _xlsx(rows: list[list[object]], sheet: str = "支出标准") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_csv_columns_are_matched_by_meaning_and_keywords_split():
    text = (
        "某局支出标准（示例）\n"
        "序号,支出事项,匹配词,计价单位,单价,标准性质,适用区域,执行年度,文件依据\n"
        "1,城市道路清扫保洁,道路清扫、道路保洁；清扫保洁,元/平方米·年,10,最高限额,常宁市,2024年,示例〔2024〕1号\n"
        "2,物业管理服务,物业服务,元/平方米·月,3.5,参考价,,,示例〔2024〕2号\n"
    )
    result = load_standards_bytes(text.encode("utf-8"), "标准.csv")
    assert result.issues == []
    first, second = result.standards
    assert (first.item, first.unit, first.value, first.kind) == (
        "城市道路清扫保洁",
        "元/平方米·年",
        10.0,
        "上限",
    )
    assert first.keywords == ["道路清扫", "道路保洁", "清扫保洁"]
    assert (first.region, first.year, first.basis) == ("常宁市", 2024, "示例〔2024〕1号")
    assert first.source == "标准.csv·第3行"
    assert (second.kind, second.region, second.year) == ("参考", None, None)


def test_gbk_csv_and_tab_separated_files_are_read():
    text = "事项\t计量单位\t标准值\n垃圾清运\t元/吨\t120\n"
    result = load_standards_bytes(text.encode("gb18030"), "标准.txt")
    assert [(s.item, s.value) for s in result.standards] == [("垃圾清运", 120.0)]


def test_bad_rows_are_named_with_file_sheet_row_and_field_and_good_rows_kept():
    data = _xlsx(
        [
            ["支出标准（示例）"],
            ["事项", "关键词", "计量单位", "标准值", "类型", "年度", "依据"],
            ["道路保洁", "道路清扫", "元/平方米·年", 10, "上限", 2024, "示例1"],
            ["绿化养护", None, "元/平方米·年", "十元", "上限", None, None],
            ["垃圾清运", None, "元", 30, "上限", None, None],
            ["物业服务", None, "元/平方米·月", 3, "随便", None, None],
            ["一、其他类", None, None, None, None, None, None],
            [None, None, "元/吨", 5, None, None, None],
            ["路灯维护", None, "元/盏·年", 0, None, "二〇二四", None],
            ["道路保洁", "道路清扫", "元/平方米·年", 12, "上限", 2024, "重复"],
        ]
    )
    result = load_standards_bytes(data, "标准.xlsx")
    assert [s.item for s in result.standards] == ["道路保洁"]
    issues = {(i.row, i.field): str(i) for i in result.issues}
    assert set(issues) == {
        (4, "标准值"),
        (5, "计量单位"),
        (6, "类型"),
        (8, "事项"),
        (9, "标准值"),
        (9, "年度"),
        (10, None),
    }
    assert issues[(4, "标准值")].startswith("文件“标准.xlsx”，工作表“支出标准”，第4行，字段“标准值”")
    assert "“十元”不是数字" in issues[(4, "标准值")]
    assert "元/平方米·年" in issues[(5, "计量单位")]  # the message shows what a unit should look like
    assert "与第3行重复" in issues[(10, None)]


def test_a_file_without_the_required_columns_says_which_are_needed():
    result = load_standards_bytes("名称,备注\n道路保洁,无\n".encode(), "x.csv")
    assert not result.standards
    assert "事项" in result.issues[0].message and "计量单位" in result.issues[0].message


@pytest.mark.parametrize(
    ("data", "name", "words"),
    [
        (b"", "a.csv", "空"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "a.xls", ".xls"),
        (b"PK\x03\x04broken", "a.xlsx", "损坏"),
        (b"\x00\x01\x02binary", "a.bin", "无法识别"),
    ],
)
def test_unreadable_files_are_one_chinese_issue(data, name, words):
    result = load_standards_bytes(data, name)
    assert not result.standards and len(result.issues) == 1
    assert words in result.issues[0].message and result.issues[0].file == name


def test_a_zip_bomb_is_refused_before_it_is_opened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "0" * 50_000_000)
    result = load_standards_bytes(buffer.getvalue(), "bomb.xlsx")
    assert not result.standards and "压缩" in result.issues[0].message


def test_missing_file(tmp_path):
    result = load_standards(tmp_path / "none.csv")
    assert "找不到" in result.issues[0].message


def test_the_bundled_sample_is_labelled_as_a_sample_and_imports_clean():
    head = SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    assert "示例" in head and "非" in head  # never presented as a real bureau's standard
    result = load_standards(SAMPLE)
    assert result.issues == [] and len(result.standards) >= 5
    assert all("示例" in (s.basis or "") for s in result.standards)
    assert {s.kind for s in result.standards} == {"上限", "参考"}


@pytest.mark.parametrize(
    ("unit", "dimension", "per_base_year"),
    [
        ("元/平方米·年", "面积", 1.0),
        ("元/平方米·月", "面积", 12.0),  # × 12 months
        ("元/平方米/月", "面积", 12.0),
        ("元/(平方米·月)", "面积", 12.0),
        ("元/万平方米·月", "面积", 12.0 / 10_000),
        ("万元/公里", "长度", 10_000 / 1_000),  # 万元 = 10,000 元, 公里 = 1,000 米
        ("元/公里·年", "长度", 1 / 1_000),
        ("元/人月", "人", 12.0),
        ("元/吨", "重量", 1 / 1_000),
        ("元/亩", "面积", 15 / 10_000),
    ],
)
def test_cost_units_convert_to_one_base(unit, dimension, per_base_year):
    parsed = parse_cost_unit(unit)
    assert parsed is not None and parsed.measure.dimension == dimension
    assert parsed.to_base(1.0) == pytest.approx(per_base_year)
    assert parsed.from_base(parsed.to_base(7.5)) == pytest.approx(7.5)


def test_units_of_different_things_or_periods_never_compare():
    km, m2, m2_month, person_day = (
        parse_cost_unit(u) for u in ("元/公里·年", "元/平方米·年", "元/平方米·月", "元/人·天")
    )
    assert not comparable(km, m2)
    assert comparable(m2, m2_month)  # ·月 × 12 = ·年
    assert not comparable(person_day, parse_cost_unit("元/人·月"))  # days are not months
    for unit in ("元", "元/年", "元/%", "人/平方米", "", None):
        assert parse_cost_unit(unit) is None


def test_quantity_units():
    assert parse_measure("万平方米").scale == 10_000 and parse_measure("万平方米").dimension == "面积"
    assert parse_measure("千米").dimension == parse_measure("公里").dimension == "长度"
    assert parse_measure("名").dimension == "人"
    for unit in ("%", "元", "万元", "年", "天", None):
        assert parse_measure(unit) is None


def test_a_json_list_of_standards_with_english_or_table_keys():
    data = (
        '{"standards": [{"item": "道路保洁", "keywords": ["道路清扫", "清扫保洁"], "unit": "元/平方米·年", '
        '"value": 10, "kind": "参考"}, {"事项": "垃圾清运", "计量单位": "元/吨", "标准值": "120"}, '
        '{"事项": "路灯", "计量单位": "元", "标准值": 5}, 7]}'
    )
    result = load_standards_bytes(data.encode("utf-8"), "标准.json")
    assert [(s.item, s.kind, s.value) for s in result.standards] == [
        ("道路保洁", "参考", 10.0),
        ("垃圾清运", "上限", 120.0),
    ]
    assert result.standards[0].keywords == ["道路清扫", "清扫保洁"]
    assert {(i.row, i.field) for i in result.issues} == {(3, "计量单位"), (4, None)}
    assert "不是有效的支出标准 JSON" in load_standards_bytes(b'{"x": 1}', "a.json").issues[0].message
