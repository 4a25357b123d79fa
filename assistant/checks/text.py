"""Text helpers shared by the rule modules: brackets, character bigrams of names, a name's subject."""

from __future__ import annotations

import re
from functools import lru_cache

from assistant.checks.lexicon import get_lexicon

PAREN = re.compile(r"[（(][^）)]*[）)]")  # a bracketed note: 满意度(问卷调查)
PAREN_TEXT = re.compile(r"[（(]([^）)]*)[）)]")
CLAUSE_SPLIT = re.compile(r"[，。；;,]")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
SCALED_NUMBER = r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*"  # a number and its 万/亿, groups (number, scale)
SCALES = {"万": 1e4, "亿": 1e8, "千": 1e3}


def is_cjk(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff"


@lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a name, generic ones (人数, 项目 …) left out; cached (names repeat)."""
    chars = [c for c in text if is_cjk(c) or c.isalnum()]
    generic = get_lexicon().words("generic_bigrams")
    return frozenset("".join(chars[i : i + 2]) for i in range(len(chars) - 1)) - generic


def strip_year(text: str) -> str:
    """'2024年度农村公路养护' -> '农村公路养护'."""
    return get_lexicon().pattern("year_prefix").sub("", text)


def subject_of(name_core: str) -> str:
    """A name without its generic tail: 群众满意情况 -> 群众满意."""
    return get_lexicon().pattern("generic_tail").sub("", name_core) or name_core
