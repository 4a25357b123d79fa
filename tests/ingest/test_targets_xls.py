"""Legacy .xls (xlrd): the shared xlsx files saved as .xls read exactly as the xlsx; other OLE files named."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import xlwt

from ingest.targets import load_submissions, load_submissions_bytes


def _as_xls(xlsx: Path) -> bytes:
    """The workbook cell by cell: values, merged ranges, percent formats (what "save as .xls" keeps)."""
    wb = openpyxl.load_workbook(xlsx)
    book = xlwt.Workbook(encoding="utf-8")
    styles: dict[str, xlwt.XFStyle] = {}
    for ws in wb.worksheets:
        sheet = book.add_sheet(ws.title)
        merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        covered = {
            (row, col)
            for r in ws.merged_cells.ranges
            for row in range(r.min_row, r.max_row + 1)
            for col in range(r.min_col, r.max_col + 1)
        }
        for row in ws.iter_rows():
            for c in row:
                fmt = c.number_format if "%" in (c.number_format or "") else "General"
                style = styles.setdefault(fmt, xlwt.easyxf(num_format_str=fmt))
                key = (c.row, c.column)
                if key in merged:
                    r = merged[key]
                    sheet.write_merge(
                        r.min_row - 1, r.max_row - 1, r.min_col - 1, r.max_col - 1, c.value, style
                    )
                elif key not in covered and c.value is not None:
                    sheet.write(c.row - 1, c.column - 1, c.value, style)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


def test_flat_export_saved_as_xls_reads_like_the_xlsx(data_dir_shared: Path) -> None:
    xlsx = data_dir_shared / "targets_dev_flat.xlsx"
    want = load_submissions(xlsx)
    got = load_submissions_bytes(_as_xls(xlsx), "targets_dev_flat.xls")
    assert got.issues == []
    assert len(got.submissions) == 40
    assert [s.canonical() for s in got.submissions] == [s.canonical() for s in want.submissions]
    assert got.submissions[1].source == "targets_dev_flat.xls#项目绩效目标表!R13"


def test_form_saved_as_xls_keeps_wan_yuan_and_merges(data_dir_shared: Path) -> None:
    xlsx = data_dir_shared / "targets_form_D07.xlsx"
    [got] = load_submissions_bytes(_as_xls(xlsx), "D07.xls").submissions
    [want] = load_submissions(xlsx).submissions
    assert got.canonical() == want.canonical() and got.budget_yuan == 11880000.0


def test_percent_cells_read_as_percent() -> None:
    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("表1")
    header = ["项目名称", "一级指标", "二级指标", "三级指标", "指标值"]
    for c, text in enumerate(header):
        sheet.write(0, c, text)
    for c, value in enumerate(["助学金", "产出指标", "质量指标", "资助准确率"]):
        sheet.write(1, c, value)
    sheet.write(1, 4, 0.95, xlwt.easyxf(num_format_str="0%"))
    buf = io.BytesIO()
    book.save(buf)
    [sub] = load_submissions_bytes(buf.getvalue(), "a.xls").submissions
    ind = sub.indicators[0]
    assert (ind.value, ind.unit, ind.value_raw) == ("95", "%", "95%")


def test_other_ole_files_are_named_for_what_they_are() -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512
    doc = ole + "WordDocument".encode("utf-16-le") + b"\x00" * 512
    [issue] = load_submissions_bytes(doc, "旧版.doc").issues
    assert ".doc" in issue.message and "另存为" in issue.message and issue.file == "旧版.doc"
    locked = ole + "EncryptedPackage".encode("utf-16-le") + b"\x00" * 512
    [issue] = load_submissions_bytes(locked, "加密.xlsx").issues
    assert "密码" in issue.message
    [issue] = load_submissions_bytes(ole, "坏.xls").issues
    assert "损坏" in issue.message and "另存为" in issue.message
