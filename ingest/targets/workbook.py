"""Open an .xlsx from bytes and read each sheet with the layout its content shows (flat or form)."""

from __future__ import annotations

import io
import warnings
import zipfile
from typing import Any

from pydantic import ValidationError

from core.errors import ImportIssue
from core.models import Submission
from ingest.targets.result import ImportResult
from ingest.targets.rows import SheetContext
from ingest.targets.xlsx_common import MAX_ROWS, Grid, find_header, sheet_amount_unit
from ingest.targets.xlsx_flat import parse_flat
from ingest.targets.xlsx_form import form_label, parse_form

FLAT_HEADER_SCAN = 20  # a flat export's header sits among its first rows (titles and 金额单位 above)
FORM_GRID_SCAN = 80  # a form's indicator grid sits below its label block


def load_workbook_bytes(data: bytes, filename: str) -> ImportResult:
    """All sheets of a workbook; an unreadable workbook is one issue, an unreadable sheet does not stop the rest."""
    import openpyxl

    result = ImportResult()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            wb = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except zipfile.BadZipFile:
        result.issues.append(
            ImportIssue(
                file=filename,
                message="文件已损坏或不完整，不是有效的 Excel（.xlsx）压缩包，请重新导出后再导入。",
            )
        )
        return result
    except Exception as exc:  # noqa: BLE001  openpyxl raises many types for malformed packages
        result.issues.append(
            ImportIssue(
                file=filename,
                message=f"无法打开 Excel 工作簿（{type(exc).__name__}）："
                "文件可能已损坏或不是一体化系统导出的 .xlsx，请重新导出后再导入。",
            )
        )
        return result
    for ws in wb.worksheets:
        result.extend(read_sheet(ws, filename))
    return result


def read_sheet(ws: Any, filename: str) -> ImportResult:
    result = ImportResult()
    try:
        grid = Grid.from_worksheet(ws)
    except Exception as exc:  # noqa: BLE001  a damaged sheet must not take the others down
        result.issues.append(
            ImportIssue(
                file=filename, sheet=ws.title, message=f"工作表无法读取（{type(exc).__name__}），已跳过。"
            )
        )
        return result
    ctx = SheetContext(filename, grid)
    if grid.truncated:
        ctx.issue(MAX_ROWS, f"工作表超过 {MAX_ROWS} 行，只读取了前 {MAX_ROWS} 行，请拆分文件后导入其余部分。")
    dicts = _parse_grid(ctx) if grid.n_rows else []
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


def _parse_grid(ctx: SheetContext) -> list[dict[str, Any]]:
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
        f"（第{r}行为：{shown or '空'}），该工作表未导入。请使用一体化系统导出的绩效目标表或项目支出绩效目标申报表。"
    )


def _row_of(source: str | None) -> int | None:
    if source and "!R" in source:
        tail = source.rsplit("!R", 1)[1]
        return int(tail) if tail.isdigit() else None
    return None
