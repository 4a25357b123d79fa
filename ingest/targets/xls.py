"""Legacy Excel 97–2003 (.xls) workbooks through xlrd: each sheet becomes the grid the xlsx readers use.

Numbers keep their percent formats, dates become dates, merged ranges stay merged, so a flat export or a
申报表 saved as .xls reads exactly as its .xlsx twin.
"""

from __future__ import annotations

from typing import Any

from core.errors import ImportIssue
from ingest.targets.limits import ImportLimits
from ingest.targets.result import ImportResult
from ingest.targets.tables import read_grid
from ingest.targets.xlsx_common import Grid


def load_xls_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    import xlrd

    limits = limits or ImportLimits()
    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # noqa: BLE001  xlrd raises XLRDError, CompDocError, struct errors …
        return ImportResult(issues=[ImportIssue(file=filename, message=_open_failure(exc))])
    result = ImportResult()
    try:
        for index in range(book.nsheets):
            try:
                sheet = book.sheet_by_index(index)
                grid = sheet_grid(book, sheet, limits)
            except Exception:  # noqa: BLE001  a damaged sheet must not take the others down
                name = book.sheet_names()[index]
                result.issues.append(
                    ImportIssue(file=filename, sheet=name, message="工作表无法读取，已跳过。")
                )
                continue
            result.extend(read_grid(grid, filename, limits=limits))
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return result


def sheet_grid(book: Any, sheet: Any, limits: ImportLimits) -> Grid:
    import xlrd

    n_rows = min(sheet.nrows, limits.max_rows)
    n_cols = min(sheet.ncols, limits.max_columns)
    values: list[list[Any]] = []
    formats: list[list[str]] = []
    for r in range(n_rows):
        row_values: list[Any] = []
        row_formats: list[str] = []
        for c in range(n_cols):
            cell = sheet.cell(r, c)
            row_values.append(_value(cell, book, xlrd))
            row_formats.append(_number_format(book, cell.xf_index))
        values.append(row_values)
        formats.append(row_formats)
    while values and all(v is None or (isinstance(v, str) and not v.strip()) for v in values[-1]):
        values.pop()
        formats.pop()
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    for rlo, rhi, clo, chi in sheet.merged_cells:
        for r in range(rlo, min(rhi, len(values))):
            for c in range(clo, min(chi, n_cols)):
                if (r, c) != (rlo, clo):
                    merges[(r + 1, c + 1)] = (rlo + 1, clo + 1)
    return Grid(sheet.name, values, formats, merges, truncated=sheet.nrows > limits.max_rows)


def _value(cell: Any, book: Any, xlrd: Any) -> Any:
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return None
    if cell.ctype == xlrd.XL_CELL_NUMBER:
        value = float(cell.value)
        return int(value) if value.is_integer() else value
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate_as_datetime(cell.value, book.datemode)
        except Exception:  # noqa: BLE001  a date out of Excel's range stays a number
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return cell.value


def _number_format(book: Any, xf_index: int | None) -> str:
    if xf_index is None or xf_index >= len(book.xf_list):
        return "General"
    fmt = book.format_map.get(book.xf_list[xf_index].format_key)
    return fmt.format_str if fmt is not None else "General"


def _open_failure(exc: Exception) -> str:
    text = str(exc).lower()
    if "encrypt" in text:
        return (
            "文件是设置了打开密码的加密 Excel，无法读取。请在 Excel 中取消密码保护并“另存为” .xlsx 后再导入。"
        )
    if "workbook" in text and ("find" in text or "not" in text):
        return (
            "文件是 Office 旧版格式，但不是 Excel 工作簿（可能是 .doc 或其他文件），无法读取。"
            "请另存为 .xlsx 或 .docx 后再导入。"
        )
    return "旧版 Excel（.xls）文件已损坏，无法打开。请在 Excel 中“另存为” .xlsx 后再导入。"
