"""Open an .xlsx from bytes and read each sheet with the layout its content shows (flat or form)."""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
import zlib
from typing import Any

from pydantic import ValidationError

from core.errors import ImportIssue
from core.models import Submission
from ingest.targets.limits import ImportLimits, xlsx_cells_problem, zip_problem
from ingest.targets.result import ImportResult
from ingest.targets.rows import SheetContext
from ingest.targets.xlsx_common import Grid, find_header, sheet_amount_unit
from ingest.targets.xlsx_flat import parse_flat
from ingest.targets.xlsx_form import form_label, parse_form

FLAT_HEADER_SCAN = 20  # a flat export's header sits among its first rows (titles and 金额单位 above)
FORM_GRID_SCAN = 80  # a form's indicator grid sits below its label block

log = logging.getLogger(__name__)


def load_workbook_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    """All sheets of a workbook; an unreadable workbook is one issue, an unreadable sheet does not stop
    the rest. A workbook over the limits (decompressed size, members, cells) is refused before openpyxl
    inflates anything."""
    limits = limits or ImportLimits()
    refusal = _refusal(data, limits)
    if refusal is not None:
        return ImportResult(issues=[ImportIssue(file=filename, message=refusal)])
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True, keep_links=False)
    except Exception:  # noqa: BLE001  openpyxl raises many types for malformed packages
        log.info("openpyxl could not open %s", filename, exc_info=True)
        return ImportResult(
            issues=[
                ImportIssue(
                    file=filename,
                    message="无法打开 Excel 工作簿：文件内容已损坏或不符合 .xlsx 规范"
                    "（常见于第三方软件生成或传输中损坏的文件），请用 Excel 或一体化系统重新导出后再导入。",
                )
            ]
        )
    result = ImportResult()
    for ws in wb.worksheets:
        result.extend(read_sheet(ws, filename, limits))
    return result


_CORRUPT = "文件已损坏或不完整，不是有效的 Excel（.xlsx）压缩包，请重新导出后再导入。"


def _refusal(data: bytes, limits: ImportLimits) -> str | None:
    """Why the package must not be opened (corrupt, not a workbook, over a limit), read from the zip's
    directory and a streamed count of cells; None when openpyxl may load it."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return _CORRUPT
    with zf:
        problem = zip_problem(zf, limits, compressed_size=len(data))
        if problem is not None:
            return problem
        names = set(zf.namelist())
        if "xl/workbook.xml" not in names:
            return _not_a_workbook(names)
        try:
            return xlsx_cells_problem(zf, limits)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            ValueError,
            NotImplementedError,
            RuntimeError,
        ):
            return _CORRUPT


def _not_a_workbook(names: set[str]) -> str:
    if "word/document.xml" in names:
        what = "这是 Word 文档（.docx），不是 Excel 工作簿"
    elif "xl/workbook.bin" in names:
        what = "这是 Excel 二进制工作簿（.xlsb），无法读取，请在 Excel 中“另存为” .xlsx"
    elif "ppt/presentation.xml" in names:
        what = "这是 PowerPoint 演示文稿，不是 Excel 工作簿"
    else:
        what = "文件是压缩包，但其中没有 Excel 工作簿的内容（xl/workbook.xml）"
    return f"无法打开 Excel 工作簿：{what}。请上传一体化系统导出的 .xlsx 或项目支出绩效目标申报表。"


def read_sheet(ws: Any, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    limits = limits or ImportLimits()
    result = ImportResult()
    try:
        grid = Grid.from_worksheet(ws, limits.max_rows, limits.max_columns)
    except Exception:  # noqa: BLE001  a damaged sheet must not take the others down
        log.info("sheet %r of %s could not be read", ws.title, filename, exc_info=True)
        result.issues.append(
            ImportIssue(
                file=filename,
                sheet=ws.title,
                message="工作表内容已损坏，无法读取，已跳过；其余工作表照常导入。",
            )
        )
        return result
    ctx = SheetContext(filename, grid, limits=limits)
    if grid.truncated:
        ctx.issue(
            limits.max_rows,
            f"工作表超过 {limits.max_rows} 行，只读取了前 {limits.max_rows} 行，请拆分文件后导入其余部分。",
        )
    if grid.wide:
        ctx.issue(
            None,
            f"工作表第 {limits.max_columns} 列之后还有内容，未读取（绩效目标表通常不超过 30 列），请核对。",
        )
    dicts = parse_grid(ctx) if grid.n_rows else []
    if not grid.n_rows:
        ctx.issue(None, "工作表为空，没有可导入的内容。")
    result.issues.extend(ctx.issues)
    for d in dicts:
        try:
            result.submissions.append(Submission.model_validate(d))
        except ValidationError as exc:
            row = _row_of(d.get("source"))
            result.issues.append(
                ImportIssue(
                    file=filename,
                    sheet=ws.title,
                    row=row,
                    message=f"项目“{d.get('project') or ''}”的数据无法转换（"
                    f"{exc.error_count()} 处格式错误），未导入。",
                )
            )
    return result


def parse_grid(ctx: SheetContext) -> list[dict[str, Any]]:
    """Submission dicts of one sheet's grid, flat export or single-project 申报表 by its layout; a grid of
    neither kind is an issue on `ctx`. Shared with the Word and PDF table readers (tables.read_grid)."""
    grid = ctx.grid
    flat = find_header(grid, 1, FLAT_HEADER_SCAN, need=("project", "name"))
    if flat is not None:
        ctx.amount_unit = sheet_amount_unit(grid, flat.row) or "元"
        return parse_flat(ctx, flat)
    table = find_header(grid, 1, FORM_GRID_SCAN, need=("name",))
    if table is not None and _has_project_label(ctx, table.first_row - 1):
        ctx.amount_unit = sheet_amount_unit(grid, table.first_row) or "元"
        return parse_form(ctx, table)
    if table is not None:
        ctx.issue(
            table.row,
            "找到了指标表头，但表中既没有“项目名称”列，表头上方也没有“项目名称”栏，无法确定指标属于哪个项目，"
            "未导入。请增加“项目名称”列。",
            "项目名称",
        )
        return []
    ctx.issue(_likely_header_row(grid), _unmapped_message(grid))
    return []


def _has_project_label(ctx: SheetContext, last_row: int) -> bool:
    return any(
        form_label(t)[0] == "project" or (t.replace("：", ":").split(":")[0].strip() == "项目名称")
        for r in range(1, last_row + 1)
        for t in ctx.grid.row_texts(r)
    )


def _likely_header_row(grid: Grid) -> int | None:
    """The fullest of the first rows: where a header most likely is, for the message."""
    rows = range(1, min(FLAT_HEADER_SCAN, grid.n_rows) + 1)
    return max(rows, key=lambda r: len(grid.row_texts(r)), default=None)


def _unmapped_message(grid: Grid) -> str:
    r = _likely_header_row(grid)
    shown = "、".join(f"“{t[:12]}”" for t in (grid.row_texts(r) if r else [])[:8])
    return (
        f"未能识别表头：前 {FLAT_HEADER_SCAN} 行中找不到同时含“项目名称”和“三级指标/指标名称”的表头行"
        f"（第{r}行为：{shown or '空'}），该工作表未导入。"
        "请使用一体化系统导出的绩效目标表或项目支出绩效目标申报表。"
    )


def _row_of(source: str | None) -> int | None:
    if source and "!R" in source:
        tail = source.rsplit("!R", 1)[1]
        return int(tail) if tail.isdigit() else None
    return None
