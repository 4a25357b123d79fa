"""Text cleaning: running headers/footers, page numbers, re-joining lines broken by the layout.

Page numbers are not thrown away: every line keeps the page it came from, and a joined
paragraph carries the first and last page it spans.
"""

from __future__ import annotations

import re
from collections import Counter
from statistics import quantiles

from ingest.policy.blocks import Block, Line
from ingest.policy.patterns import ARTICLE_RE, DIVISION_RE, TERMINAL_PUNCT, is_structural_start

_PAGE_NUMBER_RES = (
    re.compile(r"^[—–\-－_~·\s]*\d{1,4}[—–\-－_~·\s]*$"),  # — 1 —   - 12 -   7
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?$"),  # 第 3 页 共 16 页
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),  # 3 / 16
    re.compile(r"^(?:page|p\.)\s*\d{1,4}(?:\s*of\s*\d{1,4})?$", re.IGNORECASE),  # Page 3 of 16
)
_EDGE_LINES = 2  # how many non-blank lines at the top and bottom of a page may be furniture
_SPACE_RE = re.compile(r"[ \t\u00a0\u2002\u2003\u3000]+")
_CJK_PUNCT_START = "，。、；：！？）》」』”’"


def normalize_inline(text: str) -> str:
    """Trim, turn full-width/odd spaces into one ASCII space, drop zero-width characters."""
    text = text.replace("\u200b", "").replace("\ufeff", "")
    return _SPACE_RE.sub(" ", text).strip()


def is_page_number(text: str) -> bool:
    s = normalize_inline(text)
    return bool(s) and any(p.match(s) for p in _PAGE_NUMBER_RES)


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", normalize_inline(text))


def _edge_indexes(page: list[str]) -> list[int]:
    filled = [i for i, line in enumerate(page) if normalize_inline(line)]
    return filled[:_EDGE_LINES] + filled[-_EDGE_LINES:]


def strip_page_furniture(pages: list[list[str]]) -> tuple[list[list[str]], int]:
    """Drop running headers/footers (a line repeated at the edge of most pages) and page numbers.

    Returns the cleaned pages (same page count) and how many lines were dropped.
    """
    repeated: set[str] = set()
    if len(pages) >= 2:
        seen: Counter[str] = Counter()
        for page in pages:
            for key in {_furniture_key(page[i]) for i in _edge_indexes(page)}:
                seen[key] += 1
        threshold = max(2, (len(pages) + 1) // 2)
        repeated = {k for k, n in seen.items() if n >= threshold and not ARTICLE_RE.match(k)}
    cleaned: list[list[str]] = []
    dropped = 0
    for page in pages:
        edges = set(_edge_indexes(page))
        keep = []
        for i, line in enumerate(page):
            if i in edges and (is_page_number(line) or _furniture_key(line) in repeated):
                dropped += 1
                continue
            keep.append(line)
        cleaned.append(keep)
    return cleaned, dropped


def looks_hard_wrapped(lines: list[str]) -> bool:
    """A plain text whose lines were cut at a fixed width (so they must be re-joined)."""
    lengths = [len(s) for s in (normalize_inline(x) for x in lines) if len(s) >= 8]
    if len(lengths) < 6:
        return False
    full = quantiles(lengths, n=10)[8]
    if full > 120:
        return False
    near_full = sum(1 for n in lengths if n >= 0.85 * full)
    return near_full / len(lengths) >= 0.4


def _full_line_length(lines: list[Line]) -> float:
    lengths = [len(line.text) for line in lines if line.kind == "text" and len(line.text) >= 4]
    if len(lengths) < 4:
        return float(max(lengths, default=0))
    return quantiles(lengths, n=4)[2]


def _is_bare_label(text: str) -> bool:
    """ "第二条" or "第一章" alone on its line (its text follows on the next line), not a whole article."""
    article = ARTICLE_RE.match(text)
    if article:
        return not article.group(2).strip()
    division = DIVISION_RE.match(text)
    return division is not None and not division.group(3)


def _join(left: str, right: str) -> str:
    """Glue a continuation line: no space in Chinese, one space between Latin words or after a bare label."""
    if _is_bare_label(left):
        return f"{left} {right}"
    if left[-1:].isascii() and left[-1:].isalpha() and right[:1].isascii() and right[:1].isalpha():
        return f"{left} {right}"
    return left + right


def _starts_paragraph(line: Line, prev: Block | None, full_len: float, after_blank: bool) -> bool:
    if prev is None or after_blank or line.indented or prev.kind != "text":
        return True
    if line.text[:1] in _CJK_PUNCT_START:
        return False
    if is_structural_start(line.text):
        return True
    if DIVISION_RE.match(prev.text):
        return True
    ended = prev.text[-1:] in TERMINAL_PUNCT
    return ended and full_len > 0 and len(prev.last_line) < 0.8 * full_len


def join_lines(lines: list[Line], *, wrapped: bool) -> list[Block]:
    """Lines -> paragraph blocks. Unwrapped sources: one block per non-blank line.

    Wrapped sources (PDF, hard-wrapped txt): a line continues the previous paragraph unless it is
    indented, follows a blank line, opens a structural unit (第X条, 第X章, 一、, （一）…), or the previous
    line was short and ended a sentence. Pages are tracked across joins.
    """
    full_len = _full_line_length(lines) if wrapped else 0.0
    blocks: list[Block] = []
    after_blank = True
    for line in lines:
        text = normalize_inline(line.text)
        if line.kind == "blank" or (line.kind == "text" and not text):
            after_blank = True
            continue
        if line.kind == "meta_end":
            blocks.append(Block(text="", kind="meta_end", page=line.page, page_end=line.page))
            after_blank = True
            continue
        line = Line(text=text, kind=line.kind, page=line.page, level=line.level, indented=line.indented)
        prev = blocks[-1] if blocks else None
        if (
            prev is None
            or line.kind != "text"
            or not wrapped
            or _starts_paragraph(line, prev, full_len, after_blank)
        ):
            blocks.append(
                Block(
                    text=text,
                    kind=line.kind,
                    page=line.page,
                    page_end=line.page,
                    level=line.level,
                    last_line=text,
                )
            )
        else:
            prev.text = _join(prev.text, text)
            prev.last_line = text
            prev.page_end = line.page if line.page is not None else prev.page_end
        after_blank = False
    return blocks
