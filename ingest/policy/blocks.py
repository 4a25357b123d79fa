"""The intermediate form between a loader and the structure parser: lines in, paragraph blocks out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

LineKind = Literal["text", "blank", "title", "heading", "table", "meta_end"]


@dataclass(frozen=True)
class Line:
    """One physical line of a source, as a loader saw it."""

    text: str
    kind: LineKind = "text"
    page: int | None = None  # 1-based page (PDF), else None
    level: int = 0  # heading level (markdown #, docx Heading N)
    indented: bool = False  # started with an indent (PDF/txt paragraph start)


@dataclass
class Block:
    """One logical paragraph (or heading/table row) after lines were re-joined."""

    text: str
    kind: LineKind = "text"
    page: int | None = None
    page_end: int | None = None
    level: int = 0
    last_line: str = ""  # the last physical line joined in (for the short-line heuristic)


@dataclass
class RawDocument:
    """What a loader hands to cleaning and structure parsing."""

    source: str  # file name as given
    fmt: str  # pdf / docx / md / txt
    lines: list[Line]
    wrapped: bool = False  # lines are hard-wrapped (PDF, some txt) and must be re-joined
    front_matter: dict = field(default_factory=dict)
    pages: int | None = None
    removed_furniture: int = 0  # header/footer/page-number lines dropped by cleaning
