"""Tables of Word and PDF documents as the grid the xlsx readers use, so one column mapping serves them all.

A document is a sequence of blocks in reading order: tables (cell texts with their merges) and lines of
text outside tables (titles, 金额单位). Blocks are cut into segments, one per table that starts a project
(a flat header with 项目名称 and 三级指标, or a 申报表 with a 项目名称 label); a table without its own
header continues the segment before it (a table broken across pages, or a 申报表 whose indicator grid is a
second table). The few lines of text just above a segment's first table become its title rows. Each segment
is one `Grid` read by the xlsx layouts (flat export or form) in ingest.targets.workbook; every issue and
every `source` is re-worded to name the table (and page) and its row instead of a worksheet.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from pydantic import ValidationError

from core.errors import ImportIssue
from core.models import Submission
from ingest.targets.limits import ImportLimits
from ingest.targets.result import ImportResult
from ingest.targets.rows import SheetContext
from ingest.targets.xlsx_common import Grid, find_header
from ingest.targets.xlsx_form import form_label

TITLE_LINES = 5  # lines of text kept above a segment's first table (title, 金额单位, 填报单位 …)
_PAGE_NUMBER_RE = re.compile(r"^[-—–\s]*(第\s*)?\d+\s*(页)?\s*([/／]?\s*共?\s*\d+\s*页?)?[-—–\s]*$")


@dataclass
class Block:
    """One table (rows of cell texts, 1-based merges: covered cell -> its top-left) or one line of text."""

    rows: list[list[str | None]]
    label: str  # 第2个表格 / 第3页第1个表格; for a line of text, where it is (第2个表格上方的文字)
    is_table: bool = True
    merges: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)


@dataclass
class Segment:
    """Blocks read as one grid: where each grid row came from, for messages."""

    grid: Grid
    places: list[tuple[str, int | None]]  # grid row - 1 -> (block label, row in that table or None)
    label: str  # the first table's label


def text_block(text: str, label: str) -> Block:
    return Block([[text]], label, is_table=False)


def join_wrapped(text: str | None) -> str | None:
    """Lines a PDF wrapped inside one cell, joined: no space between CJK or digits, one between words."""
    if text is None:
        return None
    lines = [ln.strip() for ln in text.replace("\r", "\n").split("\n") if ln.strip()]
    if not lines:
        return None
    out = lines[0]
    for ln in lines[1:]:
        a, b = out[-1], ln[0]
        word = re.match(r"[A-Za-z]", a) and re.match(r"[A-Za-z]", b)
        out += (" " if word else "") + ln
    return out


def is_page_furniture(text: str) -> bool:
    """Page numbers (第 3 页 / - 3 - / 3/12) that sit between tables and are no title."""
    return bool(_PAGE_NUMBER_RE.match(text.strip()))


# ---- segmentation -------------------------------------------------------------------------------------


def _block_grid(
    blocks: list[Block], title: str, max_rows: int = ImportLimits.max_rows
) -> tuple[Grid, list[tuple[str, int | None]]]:
    values: list[list[object]] = []
    places: list[tuple[str, int | None]] = []
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    for block in blocks:
        offset = len(values)
        for i, row in enumerate(block.rows, 1):
            values.append(list(row))
            places.append((block.label, i if block.is_table else None))
        for (r, c), (r0, c0) in block.merges.items():
            merges[(r + offset, c)] = (r0 + offset, c0)
    truncated = len(values) > max_rows
    values, places = values[:max_rows], places[:max_rows]
    merges = {k: v for k, v in merges.items() if k[0] <= max_rows}
    formats = [["General"] * len(row) for row in values]
    return Grid(title, values, formats, merges, truncated=truncated), places


def _table_kind(block: Block) -> tuple[str, frozenset[str]] | None:
    """("flat", its fields) / ("form", ∅) when the table starts a project, None for a continuation."""
    grid, _ = _block_grid([block], block.label)
    from ingest.targets.workbook import FLAT_HEADER_SCAN

    flat = find_header(grid, 1, FLAT_HEADER_SCAN, need=("project", "name"))
    if flat is not None:
        return "flat", frozenset(flat.columns)
    for r in range(1, grid.n_rows + 1):
        for t in grid.row_texts(r):
            if form_label(t)[0] == "project" or _inline_project_label(t):
                return "form", frozenset()
    return None


def _inline_project_label(text: str) -> bool:
    head = re.split(r"[:：]", text, maxsplit=1)
    return len(head) == 2 and bool(head[1].strip()) and form_label(head[0])[0] == "project"


def segments(blocks: list[Block], title: str, max_rows: int = ImportLimits.max_rows) -> list[Segment]:
    """Cut blocks into segments (see the module docstring); lines of text right above a table go with it."""
    groups: list[list[Block]] = []
    kinds: list[tuple[str, frozenset[str]] | None] = []
    pending: list[Block] = []
    for block in blocks:
        if not block.is_table:
            if not is_page_furniture(block.rows[0][0] or ""):
                pending.append(block)
            continue
        kind = _table_kind(block)
        repeated = kind is not None and kind[0] == "flat" and kinds and kinds[-1] == kind
        if groups and (kind is None or repeated):
            groups[-1].append(block)  # a continuation: text between (page headers, footers) is dropped
        else:
            groups.append(pending[-TITLE_LINES:] + [block])
            kinds.append(kind)
        pending = []
    out = []
    for group in groups:
        label = next(b.label for b in group if b.is_table)
        grid, places = _block_grid(group, f"{title}{label}", max_rows)
        out.append(Segment(grid, places, label))
    return out


# ---- reading a grid with the xlsx layouts ----------------------------------------------------------------

Locator = Callable[[int | None], str]


def read_grid(
    grid: Grid, file: str, locate: Locator | None = None, limits: ImportLimits | None = None
) -> ImportResult:
    """Submissions of one grid, read as the xlsx readers read a worksheet (flat export or 申报表).

    With `locate`, issues and sources name a document place (第2个表格第5行) instead of a sheet and row.
    """
    from ingest.targets.workbook import parse_grid  # the xlsx readers' layout detection, shared

    limits = limits or ImportLimits()
    ctx = SheetContext(file, grid, limits=limits)
    if grid.truncated:
        n = limits.max_rows
        ctx.issue(n, f"表格超过 {n} 行，只读取了前 {n} 行，请拆分文件后导入其余部分。")
    dicts = parse_grid(ctx) if grid.n_rows else []
    if not grid.n_rows:
        ctx.issue(None, "表格为空，没有可导入的内容。")
    result = ImportResult(issues=list(ctx.issues))
    for d in dicts:
        row = _row_of(d.get("source"))
        if locate is not None:
            d["source"] = f"{file}#{locate(row)}"
        try:
            result.submissions.append(Submission.model_validate(d))
        except ValidationError as exc:
            result.issues.append(
                ImportIssue(
                    file=file,
                    sheet=grid.title,
                    row=row,
                    message=f"项目“{d.get('project') or ''}”的数据无法转换（"
                    f"{exc.error_count()} 处格式错误），未导入。",
                )
            )
    if locate is not None:
        result.issues = [_relocated(i, locate) for i in result.issues]
    return result


def _relocated(issue: ImportIssue, locate: Locator) -> ImportIssue:
    return ImportIssue(file=issue.file, field=issue.field, message=f"{locate(issue.row)}：{issue.message}")


def _row_of(source: str | None) -> int | None:
    if source and "!R" in source:
        tail = source.rsplit("!R", 1)[1]
        return int(tail) if tail.isdigit() else None
    return None


def read_segments(blocks: list[Block], file: str, limits: ImportLimits | None = None) -> ImportResult:
    """All projects of a document's blocks, in order; issues name the table (and page) and row."""
    limits = limits or ImportLimits()
    result = ImportResult()
    for seg in segments(blocks, "", limits.max_rows):

        def locate(row: int | None, seg: Segment = seg) -> str:
            if row is None or not 0 < row <= len(seg.places):
                return seg.label
            label, table_row = seg.places[row - 1]
            return f"{label}第{table_row}行" if table_row is not None else label

        result.extend(read_grid(seg.grid, file, locate, limits))
    return result
