"""Regular expressions for the structure of Chinese legal and policy texts (pure, no state)."""

from __future__ import annotations

import re

CN_DIGITS = "零〇一二三四五六七八九十百千两"
_NUM = rf"[{CN_DIGITS}]+|\d+"

# 第三十二条 <text>  — the label must be followed by whitespace or end the line, so that a
# cross-reference such as "第二十七条第一款所称…" at the start of a line is not taken for a label.
ARTICLE_RE = re.compile(rf"^(第(?:{_NUM})条)(?:\s+|$)(.*)$", re.DOTALL)

# 第一编 / 第二章 总则 / 第三节 … : a short heading line, no sentence punctuation.
DIVISION_RE = re.compile(rf"^(第(?:{_NUM})([编章节]))(?:\s*(\S[^。；，：、]{{0,30}}))?$")
DIVISION_DEPTH = {"编": 0, "章": 1, "节": 2}

# Outline labels of policy documents: 一、 （一） 1. （1）
OUTLINE_RES: tuple[re.Pattern[str], ...] = (
    re.compile(r"^([一二三四五六七八九十]{1,3}、)\s*(.*)$", re.DOTALL),
    re.compile(r"^([（(][一二三四五六七八九十]{1,3}[）)])\s*(.*)$", re.DOTALL),
    re.compile(r"^(\d{1,2}[\.．、])(?!\d)\s*(.*)$", re.DOTALL),
    re.compile(r"^([（(]\d{1,2}[）)])\s*(.*)$", re.DOTALL),
)

# An item (项) inside an article: （一） (1) 1.
ITEM_RE = re.compile(r"^([（(](?:[一二三四五六七八九十]{1,3}|\d{1,2})[）)]|\d{1,2}[\.．、](?!\d))")

TERMINAL_PUNCT = "。；！？：;!?:"
SENTENCE_END_RE = re.compile(r"(?<=[。；！？!?])")

CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def outline_level(text: str) -> int | None:
    """0 for 一、, 1 for （一）, 2 for 1., 3 for （1）; None when the text does not start with a label."""
    for level, pattern in enumerate(OUTLINE_RES):
        if pattern.match(text):
            return level
    return None


def split_outline_label(text: str) -> tuple[str, str]:
    """('（五）', '强化绩效目标管理。…') — label normalised to full-width brackets."""
    for pattern in OUTLINE_RES:
        m = pattern.match(text)
        if m:
            label = m.group(1).replace("(", "（").replace(")", "）").replace("．", ".")
            return label, m.group(2).strip()
    return "", text


def is_structural_start(text: str) -> bool:
    """True when a line opens a new unit: an article, a division heading or an outline/item label."""
    return bool(ARTICLE_RE.match(text) or DIVISION_RE.match(text) or outline_level(text) is not None)
