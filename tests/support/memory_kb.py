"""A small in-memory retriever over real corpus articles, for fast language-side tests.

It implements the two calls chat and opinion drafting make on the knowledge base (`retrieve`,
`lookup`) with plain term overlap, so tests do not need embeddings. Always returns k hits, like the
real hybrid retriever (dense search never comes back empty), so coverage logic is exercised.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import jieba

from core.models import Clause
from vectorstore.models import DocumentInfo, SearchHit

_ARTICLE_RE = re.compile(r"^(第[〇零一二三四五六七八九十百千]+条)\s*(.*)$")


def corpus_clauses(path: Path) -> list[Clause]:
    """One clause per 第X条 of a corpus markdown file (following paragraphs joined)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), path.stem)
    clauses: list[Clause] = []
    article, body = None, []

    def flush() -> None:
        if article:
            text = "\n".join(body).strip()
            cid = hashlib.sha1(f"{path.stem}|{article}|{text}".encode()).hexdigest()[:16]
            clauses.append(
                Clause(
                    id=cid,
                    doc_id=path.stem,
                    doc_title=title,
                    doc_short=path.stem,
                    source=str(path),
                    article=article,
                    text=f"{article} {text}",
                )
            )

    for line in lines:
        m = _ARTICLE_RE.match(line.strip())
        if m:
            flush()
            article, body = m.group(1), [m.group(2)]
        elif article and line.strip() and not line.startswith("#"):
            body.append(line.strip())
    flush()
    return clauses


def card(
    doc_short: str,
    article: str,
    text: str,
    *,
    doc_no: str | None = None,
    confidence: str | None = None,
    doc_title: str | None = None,
) -> Clause:
    cid = hashlib.sha1(f"{doc_short}|{article}|{text}".encode()).hexdigest()[:16]
    return Clause(
        id=cid,
        doc_id=doc_short,
        doc_title=doc_title or doc_short,
        doc_short=doc_short,
        doc_no=doc_no,
        doc_kind="starter",
        source=f"starter/{doc_short}.md",
        article=article,
        text=text,
        confidence=confidence,
    )


class MemoryKB:
    def __init__(self, clauses: list[Clause]):
        self.clauses = clauses
        self.queries: list[str] = []
        self._tokens = [set(jieba.lcut_for_search(c.doc_title + c.text)) for c in clauses]

    def retrieve(
        self,
        query: str,
        k: int = 5,
        *,
        doc: str | None = None,
        kind: str | None = None,
        region: str | None = None,
    ) -> list[SearchHit]:
        self.queries.append(query)
        terms = {t for t in jieba.lcut_for_search(query) if len(t) >= 2}
        scored = sorted(
            ((sum(len(t) for t in terms if t in toks), i) for i, toks in enumerate(self._tokens)),
            key=lambda p: (-p[0], p[1]),
        )
        return [SearchHit(clause=self.clauses[i], score=float(s)) for s, i in scored[:k]]

    def lookup(self, doc: str, article: str | None) -> Clause | None:
        key = doc.strip("《》")
        for c in self.clauses:
            names = {c.doc_short, c.doc_title, c.doc_no}
            if key in names and (article is None or c.article == article):
                return c
        return None

    def list_documents(self) -> list[DocumentInfo]:
        documents: dict[str, DocumentInfo] = {}
        for c in self.clauses:
            info = documents.get(c.doc_id)
            if info is None:
                documents[c.doc_id] = DocumentInfo(
                    doc_id=c.doc_id,
                    title=c.doc_title,
                    short_title=c.doc_short,
                    doc_no=c.doc_no,
                    kind=c.doc_kind,
                    region=c.region,
                    source=c.source,
                    sha256=c.doc_id,
                    clauses=1,
                    ingested_at="2024-01-01T00:00:00+00:00",
                )
            else:
                info.clauses += 1
        return list(documents.values())

    def document_clauses(self, doc_id: str) -> list[Clause]:
        return [c for c in self.clauses if c.doc_id == doc_id]

    def get_clause(self, clause_id: str) -> Clause | None:
        return next((c for c in self.clauses if c.id == clause_id), None)
