"""Legal and policy structure: paragraph blocks -> clause drafts.

Three shapes of document are recognised:
- laws and regulations: 编/章/节 headings and 第X条 articles; one clause per article, its 款 kept
  as paragraphs and its 项 inside the 款 they belong to;
- policy outlines (中发/财预 style): 一、（一）1.（1）; one clause per 一、 intro and per （一） section;
- anything else: paragraph-aware chunks of at most ~600 characters, under their headings.
Starter-pack cards (markdown `## 第二十五条 标题 [源文✔]`) are one clause per card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.policy.blocks import Block
from ingest.policy.patterns import (
    ARTICLE_RE,
    DIVISION_DEPTH,
    DIVISION_RE,
    ITEM_RE,
    SENTENCE_END_RE,
    outline_level,
    split_outline_label,
)

CHUNK_LIMIT = 600
CONFIDENCE_MARKS = ("源文✔", "二手✔", "记忆", "实务")
_CARD_HEADING_RE = re.compile(
    r"^(?P<label>\S+)(?:\s+(?P<title>.*?))?\s*(?:[\[［](?P<mark>[^\]］]*)[\]］])?\s*$"
)
_METADATA_MAX_LEN = 60


@dataclass
class ClauseDraft:
    """A clause before document metadata is attached."""

    article: str | None
    path: list[str]
    paragraphs: list[str] = field(default_factory=list)
    label_text: str = ""  # what precedes the paragraphs in the full text (第三条 / 三、保障措施)
    separator: str = " "  # between label_text and the paragraphs
    heading: str | None = None
    confidence: str | None = None
    page: int | None = None
    page_end: int | None = None

    @property
    def text(self) -> str:
        body = "\n".join(self.paragraphs)
        if not self.label_text:
            return body
        return f"{self.label_text}{self.separator}{body}".strip() if body else self.label_text

    def add_pages(self, block: Block) -> None:
        if block.page is not None:
            self.page = block.page if self.page is None else self.page
            self.page_end = block.page_end if block.page_end is not None else block.page


@dataclass
class ParsedStructure:
    mode: str  # law / outline / sections / fallback / cards
    preamble: list[Block]
    drafts: list[ClauseDraft]


def _is_text(block: Block) -> bool:
    return block.kind in ("text", "table")


def detect_mode(blocks: list[Block], *, cards: bool) -> str:
    if cards:
        return "cards"
    articles = sum(1 for b in blocks if b.kind == "text" and ARTICLE_RE.match(b.text))
    outline_top = sum(1 for b in blocks if b.kind in ("text", "heading") and outline_level(b.text) == 0)
    outline_second = sum(1 for b in blocks if b.kind in ("text", "heading") and outline_level(b.text) == 1)
    if articles >= 2 and articles >= outline_top:
        return "law"
    if outline_top >= 2 or outline_second >= 2:
        return "outline"
    if any(b.kind == "heading" for b in blocks):
        return "sections"
    return "fallback"


def _opens_body(block: Block, mode: str) -> bool:
    if mode == "law":
        return bool(ARTICLE_RE.match(block.text) or DIVISION_RE.match(block.text))
    if mode == "outline":
        return outline_level(block.text) in (0, 1)
    if mode in ("sections", "cards"):
        return block.kind == "heading"
    return False


def looks_like_metadata(block: Block) -> bool:
    """Title, 文号, date and issuer lines: short, not a sentence."""
    if block.kind == "title":
        return True
    return (
        block.kind in ("text", "heading") and len(block.text) <= _METADATA_MAX_LEN and "。" not in block.text
    )


def split_preamble(blocks: list[Block], mode: str) -> tuple[list[Block], list[Block], list[Block]]:
    """(preamble metadata blocks, 序言-like content before the body, body blocks)."""
    marker = next((i for i, b in enumerate(blocks) if b.kind == "meta_end"), None)
    if marker is not None:
        head, body = blocks[:marker], blocks[marker + 1 :]
        return head, [], [b for b in body if b.kind != "meta_end"]
    start = next((i for i, b in enumerate(blocks) if _opens_body(b, mode)), len(blocks))
    head, body = blocks[:start], blocks[start:]
    preamble: list[Block] = []
    intro: list[Block] = []
    for block in head:
        # metadata only while no content has been seen; a sentence ends the preamble
        (preamble if not intro and looks_like_metadata(block) else intro).append(block)
    if mode == "fallback" and not body:
        return preamble, [], intro
    return preamble, intro, body


def _heading_text(block: Block) -> str:
    return block.text.strip()


def _parse_law(body: list[Block]) -> list[ClauseDraft]:
    stack: dict[int, str] = {}
    drafts: list[ClauseDraft] = []
    current: ClauseDraft | None = None
    for block in body:
        division = DIVISION_RE.match(block.text) if block.kind in ("text", "heading") else None
        if block.kind in ("heading", "title") or division:
            depth = DIVISION_DEPTH[division.group(2)] if division else 1
            stack = {d: v for d, v in stack.items() if d < depth}
            stack[depth] = _heading_text(block)
            current = None
            continue
        article = ARTICLE_RE.match(block.text) if block.kind == "text" else None
        path = [stack[d] for d in sorted(stack)]
        if article:
            label, rest = article.group(1), article.group(2).strip()
            current = ClauseDraft(
                article=label, path=path + [label], label_text=label, paragraphs=[rest] if rest else []
            )
            drafts.append(current)
        elif current is None:
            current = ClauseDraft(
                article=None, path=path, heading=path[-1] if path else None, paragraphs=[block.text]
            )
            drafts.append(current)
        elif current.paragraphs and (block.kind == "table" or ITEM_RE.match(block.text)):
            current.paragraphs[-1] += "\n" + block.text  # a 项 (or table row) belongs to its 款
        else:
            current.paragraphs.append(block.text)
        current.add_pages(block)
    return drafts


def split_heading(rest: str) -> tuple[str | None, str]:
    """'强化绩效目标管理。各地区…' -> ('强化绩效目标管理', '各地区…'); a bare short title -> (title, '')."""
    m = re.match(r"^([^。；：:]{2,30})[。：:]\s*(.*)$", rest, re.DOTALL)
    if m:
        return m.group(1), m.group(2)
    if len(rest) <= 30 and not re.search(r"[。；，]", rest):
        return rest or None, ""
    return None, rest


def _parse_outline(body: list[Block], intro: list[Block]) -> list[ClauseDraft]:
    drafts: list[ClauseDraft] = []
    top: tuple[str, str] = ("", "")  # (label, path element) of the current 一、
    current: ClauseDraft | None = None
    if intro:
        current = ClauseDraft(article="前言", path=["前言"], paragraphs=[b.text for b in intro])
        for b in intro:
            current.add_pages(b)
        drafts.append(current)
    for block in body:
        level = outline_level(block.text) if block.kind in ("text", "heading") else None
        if level in (0, 1):
            label, rest = split_outline_label(block.text)
            heading, remainder = split_heading(rest)
            element = f"{label}{heading}" if heading else label
            if level == 0:
                top = (label, element)
                article, path = label, [element]
            else:
                article, path = f"{top[0]}{label}", ([top[1]] if top[1] else []) + [element]
            if remainder or not heading:  # the heading line carries content: keep it whole
                current = ClauseDraft(article=article, path=path, heading=heading, paragraphs=[block.text])
            else:  # a bare title line: it heads the paragraphs that follow
                current = ClauseDraft(
                    article=article, path=path, heading=heading, label_text=block.text, separator="\n"
                )
            drafts.append(current)
        elif current is None:
            current = ClauseDraft(article="前言", path=["前言"], paragraphs=[block.text])
            drafts.append(current)
        else:
            current.paragraphs.append(block.text)
        current.add_pages(block)
    # an 一、 that only carries a title (its content is in its （一） sections) is not a clause
    return [d for d in drafts if d.paragraphs]


def _pieces(block: Block, limit: int) -> list[str]:
    if len(block.text) <= limit:
        return [block.text]
    out: list[str] = []
    for sentence in (s for s in SENTENCE_END_RE.split(block.text) if s):
        while len(sentence) > limit:
            out.append(sentence[:limit])
            sentence = sentence[limit:]
        if out and len(out[-1]) + len(sentence) <= limit:
            out[-1] += sentence
        else:
            out.append(sentence)
    return out


def chunk_blocks(
    blocks: list[Block], path: list[str], start_index: int, limit: int = CHUNK_LIMIT
) -> list[ClauseDraft]:
    """Pack paragraphs into chunks of at most `limit` characters, cutting only between paragraphs
    (a paragraph longer than the limit is cut between sentences)."""
    drafts: list[ClauseDraft] = []
    current: ClauseDraft | None = None
    size = 0
    for block in blocks:
        for piece in _pieces(block, limit):
            if current is None or size + len(piece) > limit:
                n = start_index + len(drafts) + 1
                current = ClauseDraft(
                    article=f"第{n}段", path=path + [f"第{n}段"], heading=path[-1] if path else None
                )
                drafts.append(current)
                size = 0
            current.paragraphs.append(piece)
            size += len(piece) + 1
            current.add_pages(block)
    return drafts


def _parse_sections(body: list[Block]) -> list[ClauseDraft]:
    drafts: list[ClauseDraft] = []
    stack: dict[int, str] = {}
    pending: list[Block] = []

    def flush() -> None:
        path = [stack[d] for d in sorted(stack)]
        drafts.extend(chunk_blocks(pending, path, len(drafts)))
        pending.clear()

    for block in body:
        if block.kind == "heading":
            flush()
            stack = {d: v for d, v in stack.items() if d < block.level}
            stack[block.level] = block.text
        elif _is_text(block):
            pending.append(block)
    flush()
    return drafts


def parse_card_heading(text: str) -> tuple[str, str | None, str | None]:
    """'第二十五条 审核结果分级 [源文✔]' -> ('第二十五条', '审核结果分级', '源文✔')."""
    m = _CARD_HEADING_RE.match(text.strip())
    if not m:
        return text.strip(), None, None
    mark = m.group("mark") or ""
    confidence = next((c for c in CONFIDENCE_MARKS if c in mark or c.rstrip("✔") == mark.strip()), None)
    return m.group("label"), (m.group("title") or None), confidence


def _parse_cards(body: list[Block]) -> list[ClauseDraft]:
    drafts: list[ClauseDraft] = []
    current: ClauseDraft | None = None
    for block in body:
        if block.kind == "heading" and block.level <= 2:
            label, title, confidence = parse_card_heading(block.text)
            current = ClauseDraft(
                article=label,
                path=[label],
                heading=title,
                confidence=confidence,
                label_text=f"{label} {title}" if title else label,
                separator="\n",
            )
            drafts.append(current)
        elif current is not None and block.kind in ("text", "table", "heading"):
            current.paragraphs.append(block.text)
            current.add_pages(block)
    return [d for d in drafts if d.paragraphs]


def parse_structure(blocks: list[Block], *, cards: bool = False) -> ParsedStructure:
    """Blocks (after cleaning and joining) -> preamble + clause drafts, by the detected mode."""
    mode = detect_mode(blocks, cards=cards)
    preamble, intro, body = split_preamble(blocks, mode)
    if mode == "law":
        drafts = _parse_law(body)
        if intro:
            drafts = [*chunk_blocks(intro, ["序言"], 0), *drafts]
    elif mode == "outline":
        drafts = _parse_outline(body, intro)
    elif mode == "cards":
        drafts = _parse_cards(body)
    elif mode == "sections":
        drafts = _parse_sections([*intro, *body])
    else:
        drafts = chunk_blocks([b for b in [*intro, *body] if _is_text(b)], [], 0)
    return ParsedStructure(mode=mode, preamble=preamble, drafts=drafts)
