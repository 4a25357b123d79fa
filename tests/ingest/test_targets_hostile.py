"""Hostile files (issue 13): zip bombs, huge merges and sheets, deep JSON, control characters, lone
surrogates and over-long fields are refused or cleaned at the edge with a Chinese issue, fast and without
a memory spike; the rest of the file still imports."""

from __future__ import annotations

import io
import json
import re
import struct
import time
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest

from core.settings import Settings
from ingest.targets import load_submissions, load_submissions_bytes, parse_submissions_json
from ingest.targets.json_loader import decode_json_bytes
from ingest.targets.limits import ImportLimits, clean_str, count_cells, json_text_depth

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
]
HEADER += ["度量单位", "权重"]
ROW = ["某县民政局", "困难群众救助", 1000000, "全年救助困难群众500人", "产出指标", "数量指标", "救助人数"]
ROW += ["≥", 500, "人", 100]
CJK = re.compile(r"[\u4e00-\u9fff]")


def _xlsx(rows: list[list], *, extra=None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "目标表"
    for row in rows:
        ws.append(row)
    if extra:
        extra(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _rewrite_member(data: bytes, member: str, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            zout.writestr(info.filename, edit(body) if info.filename == member else body)
    return out.getvalue()


def _zip_with_raw_member(base: bytes, member: str, deflated: bytes, size: int, crc: int) -> bytes:
    """`base` (an xlsx) with `member` replaced by an already-deflated body: a valid zip, written by hand so
    a 1 GiB member costs milliseconds to build (zipfile would deflate the whole GiB)."""
    out = io.BytesIO()
    central = []
    with zipfile.ZipFile(io.BytesIO(base)) as zin:
        for info in zin.infolist():
            name = info.filename.encode()
            if info.filename == member:
                body, usize, ucrc = deflated, size, crc
            else:
                raw = zin.read(info)
                co = zlib.compressobj(6, zlib.DEFLATED, -15)
                body, usize, ucrc = co.compress(raw) + co.flush(), len(raw), zlib.crc32(raw)
            offset = out.tell()
            out.write(
                struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0, ucrc, len(body), usize, len(name), 0)
            )
            out.write(name + body)
            central.append(
                struct.pack(
                    "<4s6H3L5H2L",
                    b"PK\x01\x02",
                    20,
                    20,
                    0,
                    8,
                    0,
                    0,
                    ucrc,
                    len(body),
                    usize,
                    len(name),
                    0,
                    0,
                    0,
                    0,
                    0,
                    offset,
                )
                + name
            )
    start = out.tell()
    for entry in central:
        out.write(entry)
    end = out.tell()
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(central), len(central), end - start, start, 0))
    return out.getvalue()


def _gib_bomb(base: bytes) -> bytes:
    """The form's sheet XML padded with 1 GiB of spaces: about 1 MB on disk, 1 GiB inflated."""
    with zipfile.ZipFile(io.BytesIO(base)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    head, tail = sheet[: -len(b"</worksheet>")], b"</worksheet>"
    mib = b" " * (1 << 20)
    co = zlib.compressobj(9, zlib.DEFLATED, -15)
    first = co.compress(head + mib) + co.flush(zlib.Z_FULL_FLUSH)
    block = co.compress(mib) + co.flush(zlib.Z_FULL_FLUSH)  # after a full flush every MiB deflates alike
    body = first + block * 1023 + co.compress(tail) + co.flush()
    crc = zlib.crc32(head + mib)
    for _ in range(1023):
        crc = zlib.crc32(mib, crc)
    crc = zlib.crc32(tail, crc)
    return _zip_with_raw_member(
        base, "xl/worksheets/sheet1.xml", body, len(head) + (1 << 30) + len(tail), crc
    )


def _timed_peak(fn):
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        out = fn()
        return out, time.perf_counter() - t0, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _assert_chinese(issue) -> None:
    assert CJK.search(issue.message), issue.message
    assert "Error" not in issue.message and "Traceback" not in issue.message


# --- zip containers -------------------------------------------------------------------------------------


def test_gib_zip_bomb_is_refused_in_under_two_seconds_without_inflating(data_dir_shared: Path) -> None:
    base = (data_dir_shared / "targets_form_D07.xlsx").read_bytes()
    bomb = _gib_bomb(base)
    assert 0.5e6 < len(bomb) < 4e6
    with zipfile.ZipFile(io.BytesIO(bomb)) as zf:  # a real bomb: the directory states the full GiB
        assert sum(i.file_size for i in zf.infolist()) > 1 << 30
    result, seconds, peak = _timed_peak(lambda: load_submissions_bytes(bomb, "炸弹.xlsx"))
    assert seconds < 2.0
    assert peak < 30 * 1024 * 1024, f"peak Python memory {peak / 1e6:.0f} MB"
    assert result.submissions == []
    [issue] = result.issues
    assert issue.file == "炸弹.xlsx" and "解压" in issue.message and "1,024 MB" in issue.message
    _assert_chinese(issue)


def test_bomb_under_the_size_limit_is_refused_by_its_ratio(data_dir_shared: Path) -> None:
    base = (data_dir_shared / "targets_form_D07.xlsx").read_bytes()
    bomb = _rewrite_member(
        base,
        "xl/worksheets/sheet1.xml",
        lambda x: x[: -len(b"</worksheet>")] + b" " * (40 << 20) + b"</worksheet>",
    )
    result = load_submissions_bytes(bomb, "高压缩比.xlsx")
    [issue] = result.issues
    assert "压缩比" in issue.message and "sheet1.xml" in issue.message
    _assert_chinese(issue)


def test_zip_with_too_many_members_is_refused(data_dir_shared: Path) -> None:
    base = (data_dir_shared / "targets_form_D07.xlsx").read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(base)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, zin.read(info))
        for i in range(60):
            zout.writestr(f"xl/media/pad{i}.bin", b"x")
    result = load_submissions_bytes(out.getvalue(), "多文件.xlsx", ImportLimits(max_zip_members=50))
    [issue] = result.issues
    assert "个文件" in issue.message and "50" in issue.message
    ok = load_submissions_bytes(out.getvalue(), "多文件.xlsx")  # the default allows it: a real workbook
    assert [s.project for s in ok.submissions] and not ok.issues


def test_merge_over_the_whole_sheet_is_refused_before_openpyxl_expands_it() -> None:
    data = _xlsx([HEADER, ROW])
    data = _rewrite_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(
            b"</sheetData>",
            b'</sheetData><mergeCells count="1"><mergeCell ref="L1:XFD1048576"/></mergeCells>',
        ),
    )
    result, seconds, peak = _timed_peak(lambda: load_submissions_bytes(data, "整表合并.xlsx"))
    assert seconds < 2.0 and peak < 30 * 1024 * 1024
    [issue] = result.issues
    assert "合并" in issue.message and "“目标表”" in issue.message
    _assert_chinese(issue)


def test_cell_limit_names_the_biggest_sheet(data_dir_shared: Path) -> None:
    result = load_submissions(data_dir_shared / "targets_dev_flat.xlsx", ImportLimits(max_cells=500))
    assert result.submissions == []
    [issue] = result.issues
    assert issue.file == "targets_dev_flat.xlsx" and "超过 500 个" in issue.message
    assert "“项目绩效目标表”就有 5,341 个" in issue.message
    whole = load_submissions(data_dir_shared / "targets_dev_flat.xlsx")
    assert len(whole.submissions) == 40


def test_count_cells_matches_across_chunk_boundaries() -> None:
    xml = b"<sheetData>" + b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1"/></row>' * 1000
    xml += b'</sheetData><mergeCells><mergeCell ref="A1:C3"/></mergeCells>'
    expected = 2000 + 9
    for size in (1, 7, 64, 4096, len(xml)):
        assert count_cells(xml[i : i + size] for i in range(0, len(xml), size)) == expected


def test_a_stray_far_cell_does_not_blow_up_the_grid() -> None:
    def far(ws) -> None:
        ws.cell(row=19_000, column=16_000, value="误输入")

    data = _xlsx([HEADER, ROW], extra=far)
    result, seconds, peak = _timed_peak(lambda: load_submissions_bytes(data, "远处单元格.xlsx"))
    assert seconds < 3.0 and peak < 60 * 1024 * 1024
    assert [s.project for s in result.submissions] == ["困难群众救助"]
    assert any("列之后还有内容" in i.message for i in result.issues)


def test_rows_over_the_limit_are_reported_and_the_rest_imported() -> None:
    rows = [HEADER] + [[*ROW[:6], f"指标{i}", *ROW[7:]] for i in range(30)]
    result = load_submissions_bytes(_xlsx(rows), "长表.xlsx", ImportLimits(max_rows=11))
    [sub] = result.submissions
    assert len(sub.indicators) == 10
    assert any(i.row == 11 and "只读取了前 11 行" in i.message for i in result.issues)


# --- JSON ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [65, 100_000])
def test_deep_json_is_refused_without_recursion_error(depth: int) -> None:
    text = "[" * depth + "]" * depth
    result = decode_json_bytes(text.encode(), "深.json")
    [issue] = result.issues
    assert "嵌套超过 64 层" in issue.message and issue.file == "深.json"


def test_depth_scan_skips_brackets_in_strings_and_allows_a_normal_file(data_dir_shared: Path) -> None:
    assert json_text_depth('{"a": "[[[[[[[[[\\"{{{{"}', 64) == 1
    text = (data_dir_shared / "real_dev_targets.json").read_text(encoding="utf-8")
    assert json_text_depth(text, 64) < 8
    assert (
        len(decode_json_bytes(text.encode(), "real.json", ImportLimits(max_json_depth=8)).submissions) == 12
    )


def test_deep_parsed_object_is_refused_too() -> None:
    deep: list = []
    node = deep
    for _ in range(10_000):
        node.append([])
        node = node[0]
    result = parse_submissions_json({"project": "x", "indicators": [], "extra": deep}, source="api")
    [issue] = result.issues
    assert "嵌套" in issue.message


def test_huge_integer_and_non_finite_numbers() -> None:
    big = '{"project": "A", "budget_yuan": ' + "9" * 5000 + ', "indicators": []}'
    [issue] = decode_json_bytes(big.encode(), "大数.json").issues
    assert "数千位" in issue.message
    text = '[{"id": "N1", "project": "B", "budget_yuan": NaN, "indicators": [{"weight": -Infinity}]}]'
    result = decode_json_bytes(text.encode(), "非数.json")
    [sub] = result.submissions
    assert sub.budget_yuan is None and sub.indicators[0].weight is None
    assert sorted(i.field for i in result.issues) == ["budget_yuan", "indicators[0].weight"]
    assert all("不是有限数字" in i.message and "编号 N1" in i.message for i in result.issues)


def test_control_characters_and_lone_surrogates_are_cleaned_at_the_edge() -> None:
    sub = {
        "id": "C1",
        "project": "村组\u0000干部\u200f报酬\ud800",
        "annual_goal": "按月\x07发放 a\r\nb",
        "indicators": [{"name": "人数\x1f", "op": "≥", "value": "\u200e230\x00", "unit": "人"}],
        "extra\ud83d": {"nested": "ok\udfff"},
    }
    text = json.dumps(sub)  # ensure_ascii: surrogates travel as \\ud800 escapes, as an attacker sends them
    [got] = decode_json_bytes(text.encode(), "c.json").submissions
    assert got.project == "村组干部报酬\ufffd" and got.annual_goal == "按月发放 a\nb"
    ind = got.indicators[0]
    assert (ind.name, ind.value, ind.value_num) == ("人数", "230", 230.0)
    dumped = json.dumps(got.canonical(), ensure_ascii=False)
    dumped.encode("utf-8")  # no surrogate left: encodes (a .docx export and an HTTP header would too)
    assert "\x00" not in dumped and "\x07" not in dumped


def test_xlsx_escapes_and_invisible_characters_are_cleaned() -> None:
    data = _xlsx([HEADER, [*ROW[:1], "PLACEHOLDER1", *ROW[2:8], "PLACEHOLDER2", *ROW[9:]]])
    data = _rewrite_member(
        data,
        "xl/worksheets/sheet1.xml",
        lambda x: x.replace(b"PLACEHOLDER1", "村组_x0000_干部&#x200f;报酬_x000D_".encode()).replace(
            b"PLACEHOLDER2", b"&#x200e;95_x0007_"
        ),
    )
    [sub] = load_submissions_bytes(data, "转义.xlsx").submissions
    assert sub.project == "村组干部报酬" and sub.indicators[0].value == "95"


def test_clean_str_keeps_ordinary_text() -> None:
    text = "≥95%（全年）\n第二行\t制表符 ＡＢＣ😀"
    assert clean_str(text) == text


# --- field lengths and counts -----------------------------------------------------------------------------


def test_over_long_json_fields_are_cut_with_an_issue() -> None:
    sub = {
        "id": "L1",
        "project": "项" * 100_000,
        "annual_goal": "目" * 6000,
        "indicators": [{"name": "名" * 600}],
    }
    result = parse_submissions_json([sub], source="长.json")
    [got] = result.submissions
    assert len(got.project) == 500 and len(got.annual_goal) == 5000 and len(got.indicators[0].name) == 500
    by_field = {i.field: i.message for i in result.issues}
    assert set(by_field) == {"project", "annual_goal", "indicators[0].name"}
    assert "项目名称" in by_field["project"] and "100000 个字符" in by_field["project"]
    assert "截断为前 500 个字符" in by_field["project"] and "编号 L1" in by_field["project"]


def test_over_long_xlsx_cells_are_cut_with_sheet_row_and_field() -> None:
    row = list(ROW)
    row[1], row[8] = "项" * 20_000, "9" * 1000
    result = load_submissions_bytes(_xlsx([HEADER, row]), "长格.xlsx")
    [sub] = result.submissions
    assert len(sub.project) == 500 and len(sub.indicators[0].value) == 500
    got = {(i.sheet, i.row, i.field) for i in result.issues}
    assert got == {("目标表", 2, "项目名称"), ("目标表", 2, "指标值")}
    assert all("截断" in i.message for i in result.issues)


def test_too_many_indicators_are_cut_once_per_submission() -> None:
    inds = [{"name": f"指标{i}", "value": str(i)} for i in range(30)]
    result = parse_submissions_json(
        [{"project": "多", "indicators": inds}], limits=ImportLimits(max_indicators=10)
    )
    assert len(result.submissions[0].indicators) == 10
    [issue] = result.issues
    assert "30 行" in issue.message and "前 10 行" in issue.message
    rows = [HEADER] + [[*ROW[:6], f"指标{i}", *ROW[7:]] for i in range(30)]
    result = load_submissions_bytes(_xlsx(rows), "多指标.xlsx", ImportLimits(max_indicators=10))
    assert len(result.submissions[0].indicators) == 10
    [issue] = result.issues
    assert issue.row == 12 and "超过 10 行" in issue.message


# --- limits are settings, passed down ----------------------------------------------------------------------


def test_limits_defaults_equal_the_settings_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ImportLimits.__dataclass_fields__:
        monkeypatch.delenv(f"JIXIAO_{name.upper()}", raising=False)
    assert ImportLimits.from_settings(Settings(_env_file=None)) == ImportLimits()
    monkeypatch.setenv("JIXIAO_MAX_CELLS", "1234")
    assert ImportLimits.from_settings(Settings(_env_file=None)).max_cells == 1234


def test_a_long_sheet_is_scanned_in_linear_time() -> None:
    from ingest.targets.xlsx_common import Grid

    rows = [[f"项目{r}", "产出指标", "数量指标", f"指标{r}", "≥", r, "人"] for r in range(40_000)]
    grid = Grid("长表", rows, [["General"] * 7 for _ in rows])
    t0 = time.perf_counter()
    assert sum(len(grid.row_texts(r)) for r in range(1, grid.n_rows + 1)) == 7 * 40_000
    assert time.perf_counter() - t0 < 5.0  # n_cols recomputed per row made this 40,000² steps
