"""What each retriever indexes for a clause.

Measured on retrieval_dev.jsonl (see the fusion sweep in the report): the dense side does best with one
vector per 款 (paragraph), each prefixed by the document title and the article label, a clause scoring
as its best paragraph; BM25 does best on the whole article with the title and chapter in front.
"""

from __future__ import annotations

import re

from ingest.models import Clause

# PDF extraction leaves spaces inside Chinese runs ("列 入"): they would split words for jieba and the model
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。；：、）])[ \t\u3000]+(?=[\u4e00-\u9fff（，。；：、])")


def squeeze_cjk_spaces(text: str) -> str:
    return _CJK_GAP.sub("", text)


def _label(clause: Clause) -> str:
    """Title and article (or heading) that every passage of the clause carries."""
    parts = [clause.doc_title]
    if clause.article:
        parts.append(clause.article)
    elif clause.heading:
        parts.append(clause.heading)
    return " ".join(parts)


def dense_passages(clause: Clause) -> list[str]:
    """One passage per 款 (or the whole text when the clause has a single paragraph)."""
    paragraphs = [p for p in clause.paragraphs if p.strip()] if len(clause.paragraphs) > 1 else [clause.text]
    label = _label(clause)
    passages = []
    for paragraph in paragraphs:
        body = squeeze_cjk_spaces(paragraph.strip())
        if clause.article and body.startswith(clause.article):
            body = body[len(clause.article):].lstrip()
        passages.append(f"{label} {body}")
    return passages


def index_text(clause: Clause) -> str:
    """BM25 text: document title, chapter path, heading, article label and the article text."""
    parts = [clause.doc_title]
    if clause.doc_short and clause.doc_short not in clause.doc_title:
        parts.append(clause.doc_short)
    parts.extend(p for p in clause.path if p and p not in clause.text[:40])
    if clause.heading and clause.heading not in parts:
        parts.append(clause.heading)
    if clause.article and not clause.text.startswith(clause.article) and clause.article not in parts:
        parts.append(clause.article)
    return " ".join(parts) + "\n" + squeeze_cjk_spaces(clause.text)
