"""Catalog citations resolved against the official texts a bureau has ingested.

A rule cites a document by title and 文号 and an article, with our own summary of the point
(`Citation.quote`) and a confidence mark. When an official text of that document is in the knowledge
base (any ingested file that is not one of our starter cards, matched by 文号 first, then by title):

- the cited article is looked up; if one of its sentences carries the rule's point, the citation is
  **verified**: the quote shown is that sentence (a substring of the clause), the link opens the clause,
  and any memory mark disappears;
- if the cited article does not carry the point, the same document is searched for the clause that does;
  the citation then shows the article found (never the wrong number) and reports the mismatch
  (`jixiao docs verify-citations`, `GET /v1/citations/verify`);
- if no clause of the ingested text carries the point (a partial copy, say), nothing is verified: the
  citation keeps its honest state.

Without an official text, a citation is a **paraphrase** (our summary; the link opens our starter card
when there is one) and, when its article number is from memory, **条款号待核对**. See citations.Trust.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from pydantic import BaseModel

from assistant.citations import (
    PRACTICE,
    STARTER_KIND,
    TRUST_LABELS,
    TRUST_NOTES,
    Trust,
    citation_label,
    split_doc,
    trust_of,
)
from assistant.clause_text import best_sentence
from assistant.models import Citation, Clause
from vectorstore.lookup import find_article, match_documents
from vectorstore.models import DocumentInfo

# share of the point's character bigrams a sentence must hold to carry it (a summary is not verbatim:
# measured on the catalog's summaries against the partial official texts, true carriers score ≥ 0.5,
# the best sentence of an unrelated article ≤ 0.3)
CARRIES_POINT = 0.45
_ARTICLE_NUMBER = re.compile(r"第[〇零一二三四五六七八九十百千两\d]+条")


class ClauseSource(Protocol):
    """What resolution reads from the knowledge base (vectorstore.knowledge_base.KnowledgeBase)."""

    def list_documents(self) -> list[DocumentInfo]: ...

    def document_clauses(self, doc_id: str) -> list[Clause]: ...


class ResolvedCitation(BaseModel):
    """A rule's citation as a reader sees it: one trust state, one label, the quote to show, the link."""

    doc: str  # as the rule names it: 中央部门预算绩效目标管理办法（财预〔2015〕88号）
    title: str
    doc_no: str | None = None
    article: str | None = None  # as cited: 约第十三条（二）
    confidence: str | None = None
    practice: bool = False
    trust: Trust
    trust_label: str
    trust_note: str
    label: str  # 《标题》（文号）第X条 — the article found in the official text when it differs
    quote: str | None = None  # verified: the clause's own sentence; otherwise the rule's summary
    summary: str | None = None  # the rule's own summary of the point
    clause_id: str | None = None  # the clause the link opens (official text, else our card)
    official: bool = False  # an official text of the document is in the knowledge base
    article_found: str | None = None  # the official article that carries the point
    mismatch: bool = False  # the cited article does not carry the point; article_found does

    @property
    def cited_number(self) -> str | None:
        """第十三条 of 约第十三条（二）: the article number as cited, without 约 and sub-items."""
        m = _ARTICLE_NUMBER.search(self.article or "")
        return m.group(0) if m else None


def article_number(article: str | None) -> str | None:
    m = _ARTICLE_NUMBER.search(article or "")
    return m.group(0) if m else None


def official_documents(kb: ClauseSource, doc: str) -> list[DocumentInfo]:
    """Ingested official texts of the cited document: by 文号 when the citation has one, else by title."""
    title, doc_no = split_doc(doc)
    documents = [d for d in kb.list_documents() if d.kind != STARTER_KIND]
    if doc_no:
        by_no = match_documents(documents, doc_no)
        if by_no:
            return by_no
    return match_documents(documents, title)


def _starter_card(kb: ClauseSource, doc: str, article: str | None) -> Clause | None:
    """Our card for the cited article (the link target while no official text is ingested)."""
    number = article_number(article)
    if not number:
        return None
    title, doc_no = split_doc(doc)
    cards = [d for d in kb.list_documents() if d.kind == STARTER_KIND]
    for key in (doc_no, title):
        for info in match_documents(cards, key) if key else []:
            found = find_article(kb.document_clauses(info.doc_id), number)
            if found is not None:
                return found
    return None


def _carrier(point: str, clauses: Iterable[Clause]) -> tuple[Clause, str, float] | None:
    """The clause (and its sentence) that carries the point best, if any carries it at all."""
    best: tuple[Clause, str, float] | None = None
    for clause in clauses:
        sentence, score = best_sentence(point, clause)
        if sentence and (best is None or score > best[2]):
            best = (clause, sentence, score)
    return best if best and best[2] >= CARRIES_POINT else None


def resolve_citation(cite: Citation, kb: ClauseSource | None) -> ResolvedCitation:
    """One rule citation against the knowledge base (see the module docstring)."""
    title, doc_no = split_doc(cite.doc)
    practice = PRACTICE in (cite.confidence or "")
    base = {
        "doc": cite.doc,
        "title": title,
        "doc_no": doc_no,
        "article": cite.article,
        "confidence": cite.confidence,
        "practice": practice,
        "summary": cite.quote,
    }
    if not practice and kb is not None and cite.quote:
        resolved = _against_official_text(cite, kb, base)
        if resolved is not None:
            return resolved
    trust = trust_of(cite.confidence, cite.article, official=False)
    card = None if practice or kb is None else _starter_card(kb, cite.doc, cite.article)
    official = bool(not practice and kb is not None and official_documents(kb, cite.doc))
    return ResolvedCitation(
        **base,
        trust=trust,
        trust_label=TRUST_LABELS[trust],
        trust_note=TRUST_NOTES[trust],
        label=citation_label(cite.doc, cite.article, cite.confidence),
        quote=cite.quote,
        clause_id=card.id if card else None,
        official=official,
    )


def _against_official_text(cite: Citation, kb: ClauseSource, base: dict) -> ResolvedCitation | None:
    for info in official_documents(kb, cite.doc):
        clauses = kb.document_clauses(info.doc_id)
        number = article_number(cite.article)
        key = number or (cite.article or "").lstrip("约") or None
        cited = find_article(clauses, key) if key else None
        hit = _carrier(cite.quote or "", [cited]) if cited is not None else None
        mismatch = False
        if hit is None:
            hit = _carrier(cite.quote or "", clauses)
            mismatch = hit is not None and cited is not None
        if hit is None:
            continue
        clause, sentence, _ = hit
        found = clause.article if clause.article and _ARTICLE_NUMBER.fullmatch(clause.article) else None
        shown_article = found or (None if mismatch else key)
        return ResolvedCitation(
            **base,
            trust=Trust.VERIFIED,
            trust_label=TRUST_LABELS[Trust.VERIFIED],
            trust_note=TRUST_NOTES[Trust.VERIFIED],
            label=citation_label(cite.doc, shown_article, None),
            quote=sentence,
            clause_id=clause.id,
            official=True,
            article_found=clause.article,
            mismatch=mismatch,
        )
    return None


def resolve_all(citations: Iterable[Citation], kb: ClauseSource | None) -> list[ResolvedCitation]:
    return [resolve_citation(c, kb) for c in citations]
