"""What retrieval returns (DESIGN.md §7 `jixiao search --format json`)."""

from __future__ import annotations

from pydantic import BaseModel

from core.models import Clause


class SearchHit(BaseModel):
    clause: Clause
    score: float  # fused score, higher is better
    rank_dense: int | None = None  # 1-based rank in the dense list, None if absent
    rank_lexical: int | None = None  # 1-based rank in the BM25 list, None if absent

    @property
    def citation(self) -> str:
        return self.clause.citation

    def public(self) -> dict:
        """The contract shape: {doc, article, text, score, source} plus citation, page and ids."""
        c = self.clause
        return {
            "doc": c.doc_short,
            "article": c.article,
            "text": c.text,
            "score": round(self.score, 6),
            "source": c.source,
            "citation": c.citation,
            "doc_title": c.doc_title,
            "doc_no": c.doc_no,
            "page": c.page,
            "clause_id": c.id,
            "doc_id": c.doc_id,
            "confidence": c.confidence,
        }


class DocumentInfo(BaseModel):
    """One indexed policy document, as `jixiao docs list` and `GET /v1/documents` show it."""

    doc_id: str
    title: str
    short_title: str
    doc_no: str | None = None
    date: str | None = None
    kind: str
    region: str | None = None
    source: str
    sha256: str
    clauses: int
    ingested_at: str
