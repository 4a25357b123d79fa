"""审核结果汇总表.xlsx as a bureau prints it: title, 金额单位, a frozen header repeated on every page, one
row per submission in input order with grade colours, A4 landscape fitted to the page width; then the
按单位 and 按问题 sheets (and 导入提示 / 未列入审核 when there are any).

Nothing is written below the rows of the first sheet (totals live on 按单位), so every row under the
header is one submission.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from assistant.batch.phrases import main_problems
from assistant.batch.rows import BatchRow
from assistant.batch.summary import GRADES, code_stats, unit_stats
from assistant.models import Severity

FILE_NAME = "审核结果汇总表.xlsx"
DEFAULT_TITLE = "项目支出绩效目标审核结果汇总表"
MAIN_HEADER = ["序号", "单位", "项目", "预算（万元）", "等级", "错误", "警告", "主要问题", "备注", "来源文件"]
MAIN_WIDTHS = [6, 26, 38, 12, 6, 6, 6, 46, 30, 28]
UNIT_HEADER = [
    "序号", "单位", "项目数", "审核范围内", "优", "良", "中", "差", "未能预审", "不在审核范围",
    "中差占比", "预算（万元）", "中差项目预算（万元）",
]  # fmt: skip
UNIT_WIDTHS = [6, 30, 8, 10, 6, 6, 6, 6, 9, 12, 9, 14, 18]
CODE_HEADER = ["序号", "问题", "问题代码", "审核维度", "涉及项目数", "占已预审项目", "问题条数"]
CODE_WIDTHS = [6, 24, 28, 10, 11, 13, 10]

FONT = "宋体"
GRADE_FILL = {
    "优": ("C6EFCE", "006100"),
    "良": ("DDEBF7", "1F4E78"),
    "中": ("FFEB9C", "9C5700"),
    "差": ("FFC7CE", "9C0006"),
}
ERROR_FILL = PatternFill("solid", fgColor="EDEDED")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
THIN = Side(style="thin", color="808080")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
MONEY = "#,##0.00"
PERCENT = "0.0%"


def write_report(
    path: Path,
    rows: list[BatchRow],
    *,
    title: str = DEFAULT_TITLE,
    skipped: list[BatchRow] | None = None,
    titles: dict[str, str] | None = None,
    opinions: bool = False,
) -> None:
    wb = Workbook()
    main = wb.worksheets[0]
    main.title = "审核结果汇总表"
    _main_sheet(main, rows, title, titles or {}, opinions)
    _unit_sheet(wb.create_sheet("按单位"), rows, title)
    _code_sheet(wb.create_sheet("按问题"), rows, title, titles or {})
    notes = [(r.seq, r.file, n) for r in rows for n in r.notes]
    if notes:
        _notes_sheet(wb.create_sheet("提示"), notes)
    if skipped:
        _skipped_sheet(wb.create_sheet("未列入审核"), skipped)
    wb.save(path)


def _title_block(ws: Worksheet, title: str, n_cols: int, right: str = "金额单位：万元") -> None:
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=n_cols)
    cell = ws.cell(1, 1, title)
    cell.font = Font(name="黑体", size=16, bold=True)
    cell.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    today = date.today()
    left = ws.cell(2, 1, f"制表日期：{today.year}年{today.month}月{today.day}日")
    left.font = Font(name=FONT, size=10)
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=max(1, n_cols - 3))
    unit = ws.cell(2, max(2, n_cols - 2), right)
    unit.font = Font(name=FONT, size=10)
    unit.alignment = Alignment(horizontal="right")
    ws.merge_cells(start_row=2, start_column=max(2, n_cols - 2), end_row=2, end_column=n_cols)


def _header(ws: Worksheet, header: list[str], widths: Sequence[float], row: int = 3) -> None:
    for c, (text, width) in enumerate(zip(header, widths, strict=True), 1):
        cell = ws.cell(row, c, text)
        cell.font = Font(name=FONT, size=11, bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = CENTER
        cell.border = BORDER
        ws.column_dimensions[get_column_letter(c)].width = width
    ws.row_dimensions[row].height = 30
    ws.freeze_panes = f"A{row + 1}"
    ws.print_title_rows = f"{row}:{row}"


def _print_setup(ws: Worksheet, n_cols: int) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.6
    footer = ws.oddFooter
    if footer is not None and footer.center is not None:
        footer.center.text = "第 &P 页，共 &N 页"
        footer.center.size = 9
    ws.print_area = f"A1:{get_column_letter(n_cols)}{ws.max_row}"


def _body_cell(
    ws: Worksheet, r: int, c: int, value: Any, *, align: Alignment = WRAP, fmt: str | None = None
) -> Any:
    cell = ws.cell(r, c, value)
    cell.font = Font(name=FONT, size=10)
    cell.alignment = align
    cell.border = BORDER
    if fmt:
        cell.number_format = fmt
    return cell


def _remarks(row: BatchRow) -> str:
    parts = []
    if row.out_of_scope:
        parts.append(f"不在审核范围：{row.out_of_scope}（等级仅供参考）")
    if row.submission is not None and row.error:
        parts.append("未能预审，请转人工审核")
    parts += row.notes
    return "；".join(parts)


def _main_sheet(
    ws: Worksheet, rows: list[BatchRow], title: str, titles: dict[str, str], opinions: bool
) -> None:
    header, widths = (
        MAIN_HEADER + (["审核意见"] if opinions else []),
        MAIN_WIDTHS + ([30] if opinions else []),
    )
    n_cols = len(header)
    _title_block(ws, title, n_cols)
    _header(ws, header, widths)
    for i, row in enumerate(rows, 4):
        grade = row.grade.value if row.grade is not None else None
        graded = row.graded
        problems = main_problems(graded, titles) if graded is not None else (row.error or "")
        values = [
            row.seq,
            row.unit if row.submission is not None else "",
            row.project,
            row.budget_wan,
            grade,
            row.count(Severity.error) if row.checked else None,
            row.count(Severity.warning) if row.checked else None,
            problems or ("未发现问题" if row.checked else ""),
            _remarks(row),
            row.file,
        ] + ([f"opinions/{row.opinion_file}" if row.opinion_file else ""] if opinions else [])
        for c, value in enumerate(values, 1):
            align = CENTER if c in (1, 5, 6, 7) else WRAP
            cell = _body_cell(ws, i, c, value, align=align, fmt=MONEY if c == 4 else None)
            if row.out_of_scope:
                cell.font = Font(name=FONT, size=10, color="7F7F7F")
        if grade in GRADE_FILL:
            fill, color = GRADE_FILL[grade]
            cell = ws.cell(i, 5)
            cell.fill = PatternFill("solid", fgColor=fill)
            cell.font = Font(name=FONT, size=10, bold=True, color=color)
        elif grade is None:
            for c in range(1, n_cols + 1):
                ws.cell(i, c).fill = ERROR_FILL
    ws.auto_filter.ref = f"A3:{get_column_letter(n_cols)}{max(3, 3 + len(rows))}"
    _print_setup(ws, n_cols)


def _unit_sheet(ws: Worksheet, rows: list[BatchRow], title: str) -> None:
    n_cols = len(UNIT_HEADER)
    _title_block(ws, f"{title}（按单位）", n_cols)
    _header(ws, UNIT_HEADER, UNIT_WIDTHS)
    stats = sorted(unit_stats(rows), key=lambda u: (-u.fair_poor_share, -u.total))
    r = 4
    for n, u in enumerate(stats, 1):
        values = [
            n, u.unit, u.total, u.in_scope, *(u.by_grade[g] for g in GRADES), u.errors, u.out_of_scope,
            u.fair_poor_share, u.budget_wan, u.fair_poor_budget_wan,
        ]  # fmt: skip
        for c, value in enumerate(values, 1):
            fmt = PERCENT if c == 11 else MONEY if c in (12, 13) else None
            _body_cell(ws, r, c, value, align=WRAP if c == 2 else CENTER, fmt=fmt)
        r += 1
    checked = sum(u.checked for u in stats)
    fair_poor = sum(u.fair_poor for u in stats)
    totals = [
        "合计", "", sum(u.total for u in stats), sum(u.in_scope for u in stats),
        *(sum(u.by_grade[g] for u in stats) for g in GRADES), sum(u.errors for u in stats),
        sum(u.out_of_scope for u in stats), round(fair_poor / checked, 4) if checked else 0.0,
        sum(u.budget_wan for u in stats), sum(u.fair_poor_budget_wan for u in stats),
    ]  # fmt: skip
    for c, value in enumerate(totals, 1):
        fmt = PERCENT if c == 11 else MONEY if c in (12, 13) else None
        cell = _body_cell(ws, r, c, value, align=CENTER, fmt=fmt)
        cell.font = Font(name=FONT, size=10, bold=True)
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=2)
    _print_setup(ws, n_cols)


def _code_sheet(ws: Worksheet, rows: list[BatchRow], title: str, titles: dict[str, str]) -> None:
    n_cols = len(CODE_HEADER)
    _title_block(ws, f"{title}（按问题）", n_cols, right="")
    _header(ws, CODE_HEADER, CODE_WIDTHS)
    checked = sum(1 for r in rows if r.checked)
    for n, item in enumerate(code_stats(rows, titles), 1):
        share = round(item.projects / checked, 4) if checked else 0.0
        values = [n, item.phrase, item.code, item.dimension, item.projects, share, item.findings]
        for c, value in enumerate(values, 1):
            _body_cell(
                ws, 3 + n, c, value, align=WRAP if c in (2, 3) else CENTER, fmt=PERCENT if c == 6 else None
            )
    _print_setup(ws, n_cols)


def _notes_sheet(ws: Worksheet, notes: list[tuple[int, str, str]]) -> None:
    header, widths = ["序号", "来源文件", "导入与审核范围提示"], [6, 36, 90]
    _header(ws, header, widths, row=1)
    for r, (seq, file, note) in enumerate(notes, 2):
        for c, value in enumerate((seq, file, note), 1):
            _body_cell(ws, r, c, value, align=CENTER if c == 1 else WRAP)
    _print_setup(ws, len(header))


def _skipped_sheet(ws: Worksheet, skipped: list[BatchRow]) -> None:
    header, widths = (
        ["序号", "单位", "项目", "预算（万元）", "未列入审核的原因", "来源文件"],
        [6, 26, 38, 12, 40, 28],
    )
    _header(ws, header, widths, row=1)
    for r, row in enumerate(skipped, 2):
        values = (r - 1, row.unit, row.project, row.budget_wan, row.out_of_scope, row.file)
        for c, value in enumerate(values, 1):
            _body_cell(ws, r, c, value, align=CENTER if c == 1 else WRAP, fmt=MONEY if c == 4 else None)
    _print_setup(ws, len(header))
