"""The readable body of a clause, its sentences, and how well a sentence carries a point.

Shared by citation resolution (which sentence of an official clause carries a rule's point) and extractive
answers (which sentences of the retrieved clauses answer a question). Pure functions, no index.

Our starter cards (assistant/knowledge/pack) carry two paragraphs written for us, not for the reader:
"审核时的用法：…" and "出处说明：…". They stay in the card (the clause dialog shows the whole card) but are
never quoted, never offered as an answer and never printed in an opinion.
"""

from __future__ import annotations

import re
import unicodedata

from core.models import Clause

INTERNAL_NOTES = ("审核时的用法", "出处说明")
# a sentence ends at 。；！？ or a line break; the colon that opens a list of items ends one too
_SENTENCE_END = re.compile(
    r"(?<=[。；！？!?])|\n+|(?<=[：:])(?=\s*[（(]?[一二三四五六七八九十\d]+[）)、．.])"
)
_MIN_SENTENCE = 4
_WORD_CHAR = re.compile(r"[\u4e00-\u9fff0-9A-Za-z%]")


def is_internal_note(paragraph: str) -> bool:
    return paragraph.strip().startswith(INTERNAL_NOTES)


def body_paragraphs(clause: Clause) -> list[str]:
    """The clause's paragraphs as a reader sees them: no card notes, no title line, no article label.

    Every paragraph returned is a substring of `clause.text` (quotes built from them verify).
    """
    lines = [line.strip() for line in clause.text.splitlines() if line.strip()]
    if not lines:
        return []
    first = lines[0]
    if clause.article and first.startswith(clause.article):
        first = first[len(clause.article) :].strip()
    if clause.heading and first.startswith(clause.heading.strip()):
        first = first[len(clause.heading.strip()) :].strip()  # a card's or an outline section's own title
    lines = ([first] if first else []) + lines[1:]
    return [line for line in lines if not is_internal_note(line)]


def reader_text(clause: Clause) -> str:
    """The clause without card notes, one paragraph a line (the article label kept for official text)."""
    paragraphs = body_paragraphs(clause)
    if clause.doc_kind != "starter" and clause.article and clause.text.lstrip().startswith(clause.article):
        return "\n".join(
            [f"{clause.article} {paragraphs[0]}" if paragraphs else clause.article, *paragraphs[1:]]
        )
    return "\n".join(paragraphs)


def sentences(clause: Clause) -> list[str]:
    """The clause's sentences (and list items) in order, each a substring of the clause text."""
    found: list[str] = []
    for paragraph in body_paragraphs(clause):
        for piece in _SENTENCE_END.split(paragraph):
            piece = (piece or "").strip()
            if len(piece) >= _MIN_SENTENCE:
                found.append(piece)
    return found


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in unicodedata.normalize("NFKC", text) if _WORD_CHAR.match(ch)]
    return {a + b for a, b in zip(chars, chars[1:], strict=False)}


def point_coverage(point: str, sentence: str) -> float:
    """Share of the point's character bigrams found in the sentence (0..1): does the sentence say it?"""
    wanted = _bigrams(point)
    return len(wanted & _bigrams(sentence)) / len(wanted) if wanted else 0.0


def best_sentence(point: str, clause: Clause) -> tuple[str | None, float]:
    """The sentence of the clause that carries `point` best, with its coverage (a window of two sentences
    counts when the point spans them)."""
    units = sentences(clause)
    windows = units + [f"{a}{b}" for a, b in zip(units, units[1:], strict=False)]
    best, score = None, 0.0
    for unit in windows:
        s = point_coverage(point, unit)
        # a single sentence wins a tie with a window: the shorter quote says the same
        if s > score + 1e-9 or (best is not None and abs(s - score) <= 1e-9 and len(unit) < len(best)):
            best, score = unit, s
    return best, score
