""".docx 申报表: the Word tables of a document (merged cells resolved), read with the xlsx layouts.

A Word file may hold several projects: one 申报表 table per project, a flat table of many, or a form whose
label block and indicator grid are two tables (ingest.targets.tables cuts them into projects). Horizontal
merges (gridSpan) and vertical merges (vMerge) become the same merged ranges an xlsx sheet has.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from core.errors import ImportIssue
from ingest.targets.limits import ImportLimits
from ingest.targets.result import ImportResult
from ingest.targets.tables import Block, read_segments, text_block

MAX_TABLES = 2000  # tables read per document; more is reported


def load_docx_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    """Every target table of a .docx; an unreadable file is one issue naming it."""
    try:
        blocks = docx_blocks(data)
    except Exception:  # noqa: BLE001  python-docx and lxml raise many types for damaged packages
        return ImportResult(
            issues=[
                ImportIssue(
                    file=filename,
                    message="Word 文件已损坏或不是有效的 .docx，无法打开。"
                    "请在 Word 中“另存为” .docx 后重新导入。",
                )
            ]
        )
    tables = [b for b in blocks if b.is_table]
    if not tables:
        return ImportResult(
            issues=[
                ImportIssue(
                    file=filename,
                    message="文档中没有表格：绩效目标申报表须以表格填报（项目名称、年度目标和绩效指标表），未导入。",
                )
            ]
        )
    result = ImportResult()
    if len(tables) > MAX_TABLES:
        result.issues.append(
            ImportIssue(file=filename, message=f"文档超过 {MAX_TABLES} 个表格，只读取了前 {MAX_TABLES} 个。")
        )
        last = blocks.index(tables[MAX_TABLES - 1])
        blocks = blocks[: last + 1]
    result.extend(read_segments(blocks, filename, limits))
    if not result.submissions and not result.issues:
        result.issues.append(ImportIssue(file=filename, message="文档的表格中没有找到绩效目标，未导入。"))
    return result


def docx_blocks(data: bytes) -> list[Block]:
    """Paragraphs (non-empty, as lines of text) and tables of the body, in document order."""
    from docx import Document
    from docx.oxml.ns import qn

    body = Document(io.BytesIO(data)).element.body
    blocks: list[Block] = []
    n_tables = 0
    for el in _body_items(body, qn):
        if el.tag == qn("w:tbl"):
            n_tables += 1
            rows, merges = _table_cells(el, qn)
            if rows:
                blocks.append(Block(rows, f"第{n_tables}个表格", merges=merges))
        else:
            text = _paragraph_text(el, qn)
            if text:
                blocks.append(text_block(text, f"第{n_tables + 1}个表格上方的文字"))
    return blocks


def _body_items(parent: Any, qn: Any) -> Iterator[Any]:
    """w:p and w:tbl children, looking inside content controls (w:sdt) and custom XML wrappers."""
    for el in parent.iterchildren():
        if el.tag in (qn("w:p"), qn("w:tbl")):
            yield el
        elif el.tag == qn("w:sdt"):
            content = el.find(qn("w:sdtContent"))
            if content is not None:
                yield from _body_items(content, qn)
        elif el.tag == qn("w:customXml"):
            yield from _body_items(el, qn)


def _paragraph_text(p: Any, qn: Any) -> str | None:
    from docx.text.paragraph import Paragraph

    text = Paragraph(p, None).text.replace("\r", "").strip()  # type: ignore[arg-type]  # text needs no parent
    return text or None


def _cell_text(tc: Any, qn: Any) -> str | None:
    parts = [t for p in tc.iterchildren(qn("w:p")) if (t := _paragraph_text(p, qn))]
    return "\n".join(parts) or None


def _int_attr(el: Any, qn: Any, default: int) -> int:
    if el is None:
        return default
    try:
        return max(1, int(el.get(qn("w:val"))))
    except (TypeError, ValueError):
        return default


def _table_cells(tbl: Any, qn: Any) -> tuple[list[list[str | None]], dict[tuple[int, int], tuple[int, int]]]:
    """Cell texts on the table's column grid (1-based merges: covered cell -> top-left cell)."""
    rows: list[list[str | None]] = []
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr")), 1):
        row: list[str | None] = []
        tr_pr = tr.find(qn("w:trPr"))
        before = tr_pr.find(qn("w:gridBefore")) if tr_pr is not None else None
        col = _int_attr(before, qn, 0) + 1 if before is not None else 1
        row.extend([None] * (col - 1))
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span = _int_attr(tc_pr.find(qn("w:gridSpan")) if tc_pr is not None else None, qn, 1)
            vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            continues = vmerge is not None and vmerge.get(qn("w:val")) in (None, "continue")
            origin = (r, col)
            if continues and r > 1 and col <= len(rows[-1]):
                origin = merges.get((r - 1, col), (r - 1, col))
            row.extend([None if origin != (r, col) else _cell_text(tc, qn)] + [None] * (span - 1))
            for c in range(col, col + span):
                if (r, c) != origin:
                    merges[(r, c)] = origin
            col += span
        rows.append(row)
    while rows and all(v is None for v in rows[-1]):
        rows.pop()
    merges = {k: v for k, v in merges.items() if k[0] <= len(rows)}
    return rows, merges
