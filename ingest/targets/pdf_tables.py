"""Text PDFs (部门预算公开): ruled tables found by pdfplumber, read with the xlsx layouts.

Each page gives its tables and the lines of text outside them, in reading order. A table that goes on
over a page break (with or without a repeated header) continues the project above it; lines a cell
wrapped are joined back (no space between Chinese characters or digits). A PDF without a text layer is a
scan: it is named as such, never silently empty.
"""

from __future__ import annotations

import io
from typing import Any

from core.errors import ImportIssue
from ingest.targets.limits import ImportLimits
from ingest.targets.result import ImportResult
from ingest.targets.tables import Block, join_wrapped, read_segments, text_block

MAX_PAGES = 500
PDF_MAGIC = b"%PDF-"


def load_pdf_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    """Every target table of a PDF; a scan, an encrypted or a damaged PDF is one issue naming the file."""
    try:
        blocks, info = pdf_blocks(data)
    except Exception as exc:  # noqa: BLE001  pdfminer raises many types for damaged or encrypted files
        return _fail(filename, _open_failure(exc))
    if info["pages"] == 0:
        return _fail(filename, "PDF 没有任何页面，未导入。")
    if info["chars"] == 0:
        what = "扫描件（页面是图片）" if info["images"] else "没有文字层的 PDF"
        return _fail(
            filename,
            f"该 PDF 是{what}，没有可提取的文字，无法识别其中的表格。"
            "请提供可复制文字的电子版 PDF，或一体化系统导出的 Excel / Word 申报表。",
        )
    result = ImportResult()
    if info["truncated"]:
        result.issues.append(
            ImportIssue(file=filename, message=f"PDF 超过 {MAX_PAGES} 页，只读取了前 {MAX_PAGES} 页。")
        )
    if info["blank_pages"]:
        pages = "、".join(str(p) for p in info["blank_pages"][:10]) + (
            "等" if len(info["blank_pages"]) > 10 else ""
        )
        result.issues.append(
            ImportIssue(
                file=filename,
                message=f"第{pages}页没有文字层（可能是扫描页），其中的表格未能读取，请核对是否遗漏项目。",
            )
        )
    if not any(b.is_table for b in blocks):
        result.issues.append(
            ImportIssue(
                file=filename,
                message="PDF 中没有识别出带框线的表格，未导入。绩效目标表须为有框线的表格；"
                "如原表无框线，请提供 Excel 或 Word 原件。",
            )
        )
        return result
    result.extend(read_segments(blocks, filename, limits))
    if not result.submissions and not result.issues:
        result.issues.append(ImportIssue(file=filename, message="PDF 的表格中没有找到绩效目标，未导入。"))
    return result


def pdf_blocks(data: bytes) -> tuple[list[Block], dict[str, Any]]:
    """Tables and lines of text of every page, top to bottom; and what the file holds (pages, chars …)."""
    import pdfplumber

    blocks: list[Block] = []
    info: dict[str, Any] = {"pages": 0, "chars": 0, "images": 0, "blank_pages": [], "truncated": False}
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        info["pages"] = len(pdf.pages)
        info["truncated"] = len(pdf.pages) > MAX_PAGES
        for number, page in enumerate(pdf.pages[:MAX_PAGES], 1):
            n_chars = len(page.chars)
            info["chars"] += n_chars
            info["images"] += len(page.images)
            if n_chars == 0:
                info["blank_pages"].append(number)
                page.close()
                continue
            blocks.extend(_page_blocks(page, number))
            page.close()
    if info["chars"] == 0:
        info["blank_pages"] = []
    return blocks, info


def _page_blocks(page: Any, number: int) -> list[Block]:
    tables = page.find_tables()
    placed: list[tuple[float, Block]] = []
    for k, table in enumerate(tables, 1):
        rows = [[join_wrapped(cell) for cell in row] for row in table.extract()]
        merges = _merges(table, len(rows))
        while rows and all(v is None for v in rows[-1]):
            rows.pop()
        merges = {key: origin for key, origin in merges.items() if key[0] <= len(rows)}
        if rows:
            placed.append((table.bbox[1], Block(rows, f"第{number}页第{k}个表格", merges=merges)))
    boxes = [t.bbox for t in tables]
    for line in page.extract_text_lines(return_chars=False):
        middle = (line["top"] + line["bottom"]) / 2
        inside = any(
            x0 - 1 <= line["x0"] <= x1 + 1 and top <= middle <= bottom for x0, top, x1, bottom in boxes
        )
        text = line["text"].strip()
        if text and not inside:
            placed.append((line["top"], text_block(text, f"第{number}页表格外的文字")))
    placed.sort(key=lambda p: p[0])
    return [b for _, b in placed]


def _merges(table: Any, n_rows: int) -> dict[tuple[int, int], tuple[int, int]]:
    """Covered cells (pdfplumber leaves them None) mapped to the cell whose rectangle covers them (1-based).

    A covered cell's centre is taken from its column's narrowest cell and its row's shortest cell (the
    groups pdfplumber reports stretch over spanning cells).
    """
    rows = table.rows[:n_rows]
    where: dict[tuple[float, ...], tuple[int, int]] = {}
    x_mid: dict[int, tuple[float, float]] = {}  # column -> (centre, width) of its narrowest cell
    for r, row in enumerate(rows, 1):
        for c, bbox in enumerate(row.cells, 1):
            if bbox is None:
                continue
            where.setdefault(tuple(bbox), (r, c))
            width = bbox[2] - bbox[0]
            if c not in x_mid or width < x_mid[c][1]:
                x_mid[c] = ((bbox[0] + bbox[2]) / 2, width)
    merges: dict[tuple[int, int], tuple[int, int]] = {}
    for r, row in enumerate(rows, 1):
        own = [b for b in row.cells if b is not None]
        if not own or all(b is not None for b in row.cells):
            continue
        shortest = min(own, key=lambda b: b[3] - b[1])
        y = (shortest[1] + shortest[3]) / 2
        for c, bbox in enumerate(row.cells, 1):
            if bbox is not None or c not in x_mid:
                continue
            x = x_mid[c][0]
            origin = next(
                (pos for box, pos in where.items() if box[0] < x < box[2] and box[1] < y < box[3]), None
            )
            if origin is not None and origin != (r, c):
                merges[(r, c)] = origin
    return merges


def _open_failure(exc: Exception) -> str:
    text = f"{type(exc).__name__} {exc}".lower()
    if "password" in text or "encrypt" in text:
        return "PDF 设置了打开密码（已加密），无法读取，请提供未加密的文件。"
    return "PDF 文件已损坏或不完整，无法打开，请重新导出后再导入。"


def _fail(name: str, message: str) -> ImportResult:
    return ImportResult(issues=[ImportIssue(file=name, message=message)])
