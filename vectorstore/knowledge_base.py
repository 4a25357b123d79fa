"""The knowledge base: idempotent clause indexing and hybrid (dense + BM25) retrieval with citations.

    kb = KnowledgeBase.open(Settings())
    kb.ingest_paths([Path("policies/")])
    hits = kb.retrieve("没有列入预算的钱能不能花？", k=5)

The manifest (SQLite) is the source of truth; Chroma holds the vectors; BM25 is rebuilt in memory from
the tokens stored in the manifest whenever another writer (or this one) changed the clause set.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Literal, NamedTuple

import numpy as np

from core.models import Clause, ParsedDocument
from core.settings import Settings
from vectorstore.chroma_store import ChromaStore, chroma_client
from vectorstore.embedders import Embedder, get_embedder
from vectorstore.fusion import boost_items, weighted_rrf
from vectorstore.ingestion import IngestReport, Outcome, ingest_files
from vectorstore.lexical import BM25Index, synonym_tokens, tokenize
from vectorstore.lookup import DocFilter, find_article, match_documents, mentioned_documents, official_first
from vectorstore.manifest import Manifest
from vectorstore.models import DocumentInfo, SearchHit
from vectorstore.passages import PARAGRAPH, index_text, vector_passages
from vectorstore.rerank import (
    DEFAULT_WEIGHTS_FILE,
    CandidateEvidence,
    LinearReranker,
    idf_coverage,
    inverse_document_frequencies,
    load_reranker,
)

Mode = Literal["hybrid", "dense", "lexical"]
MANIFEST_FILE = "manifest.sqlite3"
# a clause of a document the question names (在上海…, 审计法规定…) gains this share of a rank-1 fused score
MENTION_BONUS = 0.3

__all__ = ["DocumentInfo", "IngestReport", "KnowledgeBase"]


class _Rankings(NamedTuple):
    """One question as both retrievers saw it: its vector and words (read once) and their rankings."""

    vector: list[float] | None  # None in lexical mode
    tokens: list[str]
    thesaurus: list[str]  # statutory words the thesaurus adds for the question's phrases
    dense: list[tuple[str, float]]
    lexical: list[tuple[str, float]]


class _LexicalView:
    """In-memory snapshot of the manifest's clauses: BM25 index, clause objects, doc id per row."""

    def __init__(self, generation: int, manifest: Manifest) -> None:
        stored = manifest.all_clauses()
        self.generation = generation
        self.clauses = {s.clause.id: s.clause for s in stored}
        self.row_doc_ids = np.array([s.clause.doc_id for s in stored], dtype=object)
        self.documents = manifest.documents()
        self.bm25 = BM25Index([s.clause.id for s in stored], [s.tokens for s in stored])
        self.token_sets = {s.clause.id: set(s.tokens) for s in stored}
        self.idf = inverse_document_frequencies(list(self.token_sets.values()))
        by_document: dict[str, list[set[str]]] = {}
        for s in stored:
            by_document.setdefault(s.clause.doc_id, []).append(self.token_sets[s.clause.id])
        self.document_idf = {
            doc_id: inverse_document_frequencies(sets) for doc_id, sets in by_document.items()
        }


class KnowledgeBase:
    def __init__(
        self, settings: Settings, manifest: Manifest, store: ChromaStore, embedder: Embedder
    ) -> None:
        self.settings = settings
        self.manifest = manifest
        self.store = store
        self.embedder = embedder
        self._view: _LexicalView | None = None
        self._view_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._reranker: LinearReranker | None = None

    @classmethod
    def open(cls, settings: Settings) -> KnowledgeBase:
        """Open (or create) the knowledge base the settings point to; callers pass their own settings."""
        embedder = get_embedder(settings.embedder)
        settings.index_dir.mkdir(parents=True, exist_ok=True)
        manifest = Manifest(settings.index_dir / MANIFEST_FILE)
        store = ChromaStore(chroma_client(settings), settings.collection, embedder)
        return cls(settings, manifest, store, embedder)

    def close(self) -> None:
        self.manifest.close()

    # --- writing ------------------------------------------------------------------------------
    def ingest_paths(
        self,
        paths: list[Path],
        *,
        kind: str | None = None,
        region: str | None = None,
        progress: Callable[[int, int, str], None] | None = None,
    ) -> IngestReport:
        """Parse and index files (directories expanded); a failing file is reported and the rest go on."""
        return ingest_files(self, [Path(p) for p in paths], kind=kind, region=region, progress=progress)

    def ingest_document(self, doc: ParsedDocument) -> Outcome:
        """Index one parsed document: "added", "replaced" (an older version dropped) or "unchanged"."""
        with self._write_lock:
            if self.manifest.document(doc.doc_id) is not None:
                self._repair_vectors(doc.doc_id)
                return "unchanged"
            old_doc_ids = [d.doc_id for d in self.manifest.predecessors(doc)]
            tokens = [tokenize(index_text(c)) for c in doc.clauses]
            self._embed_and_store(doc.clauses)
            self.manifest.replace_documents(doc, tokens, old_doc_ids)
            self.store.delete_documents(old_doc_ids)
            if old_doc_ids:
                self._prune_embedding_cache()
            return "replaced" if old_doc_ids else "added"

    def _embed_and_store(self, clauses: list[Clause]) -> None:
        passages = [vector_passages(c) for c in clauses]
        flat = [text for units in passages for _, text in units]
        if flat:
            self.store.add(clauses, passages, self._embed_cached(flat))

    def _embed_cached(self, texts: list[str]) -> list[list[float]]:
        """Embed passages, reusing vectors of identical passages seen before (edited files, PDF+MD twins)."""
        keys = [self._cache_key(t) for t in texts]
        vectors = self.manifest.cached_vectors(sorted(set(keys)))
        todo = list(dict.fromkeys(k for k in keys if k not in vectors))
        if todo:
            text_of = dict(zip(keys, texts, strict=True))
            fresh = dict(zip(todo, self.embedder.embed_documents([text_of[k] for k in todo]), strict=True))
            self.manifest.cache_vectors(fresh)
            vectors.update(fresh)
        return [vectors[k] for k in keys]

    def _cache_key(self, passage: str) -> str:
        return hashlib.sha256(f"{self.embedder.name}\0{passage}".encode()).hexdigest()[:32]

    def _prune_embedding_cache(self) -> int:
        """Forget cached vectors of passages no indexed clause has any more (removed, replaced documents)."""
        keep = {
            self._cache_key(text)
            for stored in self.manifest.all_clauses()
            for _, text in vector_passages(stored.clause)
        }
        return self.manifest.prune_vectors(keep)

    def _repair_vectors(self, doc_id: str, present: set[str] | None = None) -> int:
        """Re-embed clauses whose vectors are missing (e.g. a crash between Chroma and the manifest)."""
        present = self.store.clause_ids(doc_id) if present is None else present
        missing = [cid for cid in self.manifest.clause_ids(doc_id) if cid not in present]
        self._embed_and_store([c for c in (self.manifest.clause(cid) for cid in missing) if c is not None])
        return len(missing)

    def complete_vectors(self) -> int:
        """Embed every indexed clause the current embedder has no vectors for; the number re-embedded.

        Needed after the embedder changed (another JIXIAO_EMBEDDER, or a new version of the default's
        vectors): the manifest keeps the clauses, the new collection starts empty.
        """
        with self._write_lock:
            present = self.store.clause_ids()  # one metadata read, however many documents
            return sum(self._repair_vectors(info.doc_id, present) for info in self.manifest.documents())

    def remove_document(self, doc_id_or_short_title: str) -> int:
        """Remove every document matching the id, short title, full title, 文号 or source; clauses removed."""
        removed = 0
        with self._write_lock:
            for info in match_documents(self.manifest.documents(), doc_id_or_short_title):
                removed += len(self.manifest.remove_document(info.doc_id))
                self.store.delete_documents([info.doc_id])
            if removed:
                self._prune_embedding_cache()
        return removed

    def ensure_starter(
        self, pack_dir: Path, *, progress: Callable[[int, int, str], None] | None = None
    ) -> IngestReport:
        """Index the starter knowledge pack at `pack_dir` if it is not there yet (unchanged files skipped).

        The pack's location belongs to the caller (assistant.knowledge.starter_pack_dir()). Clauses indexed
        earlier but missing from the current embedder's vectors are embedded too (`complete_vectors`).
        """
        report = self.ingest_paths([Path(pack_dir)], kind="starter", progress=progress)
        self.complete_vectors()
        return report

    # --- reading ------------------------------------------------------------------------------
    def list_documents(self) -> list[DocumentInfo]:
        return self.manifest.documents()

    def stats(self) -> dict:
        documents, clauses = self.manifest.counts()
        return {"documents": documents, "clauses": clauses}

    def get_clause(self, clause_id: str) -> Clause | None:
        return self.manifest.clause(clause_id)

    def document_clauses(self, doc_id: str) -> list[Clause]:
        """Every clause of one indexed document, in document order (citation resolution reads them)."""
        return [c for c in self._current_view().clauses.values() if c.doc_id == doc_id]

    def lookup(self, doc: str, article: str | None) -> Clause | None:
        """The clause a rule-catalog reference points at: doc by short title, full title or 文号."""
        view = self._current_view()
        for info in match_documents(self.manifest.documents(), doc):
            found = find_article([c for c in view.clauses.values() if c.doc_id == info.doc_id], article)
            if found is not None:
                return found
        return None

    def retrieve(
        self,
        query: str,
        k: int = 5,
        *,
        doc: str | None = None,
        kind: str | None = None,
        region: str | None = None,
        mode: Mode = "hybrid",
    ) -> list[SearchHit]:
        """Best k clauses for a question, best first; filters narrow by document, kind and region."""
        query = (query or "").strip()
        if not query or k <= 0:
            return []
        view = self._current_view()
        allowed_docs = self._allowed_doc_ids(DocFilter(doc=doc, kind=kind, region=region))
        depth = max(k * 4, self.settings.fusion_depth)
        ranked = self._rankings(query, depth, allowed_docs, view, mode)
        if mode == "hybrid" and self._learned_fusion():
            top = max(k, self.settings.rerank_candidates)
            ids, evidence = self._evidence(query, ranked, view, top=top)
            scores = self.reranker().score(evidence)
            order = sorted(range(len(ids)), key=lambda i: (-scores[i], _best_rank(evidence[i]), ids[i]))
            learned = [
                SearchHit(
                    clause=view.clauses[ids[i]],
                    score=float(scores[i]),
                    rank_dense=evidence[i].rank_dense,
                    rank_lexical=evidence[i].rank_lexical,
                )
                for i in order[:k]
            ]
            return official_first(learned, view.documents, view.clauses.values(), allowed_docs)
        fused = self._fuse(query, [i for i, _ in ranked.dense], [i for i, _ in ranked.lexical], view)
        hits = []
        for item in fused[:k]:
            hits.append(
                SearchHit(
                    clause=view.clauses[item.id],
                    score=item.score,
                    rank_dense=item.ranks.get("dense"),
                    rank_lexical=item.ranks.get("lexical"),
                )
            )
        return official_first(hits, view.documents, view.clauses.values(), allowed_docs)

    def with_fusion(self, method: Literal["learned", "rrf"]) -> KnowledgeBase:
        """The same index (shared stores) retrieving with another fusion, for side-by-side evaluation."""
        return KnowledgeBase(
            self.settings.model_copy(update={"fusion_method": method}),
            self.manifest,
            self.store,
            self.embedder,
        )

    def _learned_fusion(self) -> bool:
        return self.settings.fusion_method == "learned" and self.reranker().embedder == self.embedder.name

    def reranker(self) -> LinearReranker:
        """The learned fusion model (loaded once): JIXIAO_FUSION_WEIGHTS_FILE or the bundled weights."""
        if self._reranker is None:
            self._reranker = load_reranker(self.settings.fusion_weights_file or DEFAULT_WEIGHTS_FILE)
        return self._reranker

    def candidate_evidence(self, query: str) -> tuple[list[str], list[CandidateEvidence]]:
        """Candidate clause ids and what both retrievers said of each (what the learned ranker scores)."""
        view = self._current_view()
        ranked = self._rankings(query, self.settings.fusion_depth, None, view, "hybrid")
        return self._evidence(query, ranked, view, top=self.settings.rerank_candidates)

    def _evidence(
        self, query: str, ranked: _Rankings, view: _LexicalView, *, top: int
    ) -> tuple[list[str], list[CandidateEvidence]]:
        ids = list(dict.fromkeys([i for i, _ in ranked.dense[:top]] + [i for i, _ in ranked.lexical[:top]]))
        # the cosine of every vector (款 and sentence) of every candidate, in one Chroma read: candidates
        # only BM25 found get theirs too
        passage_cosines = self.store.similarities(ranked.vector, ids) if ranked.vector is not None else {}
        bm25 = dict(ranked.lexical)
        rank_dense = {cid: r for r, (cid, _) in enumerate(ranked.dense, start=1)}
        rank_lexical = {cid: r for r, (cid, _) in enumerate(ranked.lexical, start=1)}
        with_thesaurus = ranked.tokens + ranked.thesaurus
        named = mentioned_documents(query, view.documents)
        evidence = []
        for cid in ids:
            units = passage_cosines.get(cid) or [(PARAGRAPH, 0.0)]
            paragraph = [c for unit, c in units if unit == PARAGRAPH] or [c for _, c in units]
            clause_tokens = view.token_sets.get(cid, set())
            doc_id = view.clauses[cid].doc_id
            evidence.append(
                CandidateEvidence(
                    rank_dense=rank_dense.get(cid),
                    rank_lexical=rank_lexical.get(cid),
                    cosine=max(c for _, c in units),
                    paragraph_cosine=max(paragraph),
                    mean_cosine=sum(paragraph) / len(paragraph),
                    bm25=bm25.get(cid, 0.0),
                    coverage=idf_coverage(ranked.tokens, clause_tokens, view.idf),
                    local_coverage=idf_coverage(
                        with_thesaurus, clause_tokens, view.document_idf.get(doc_id, {})
                    ),
                    named=doc_id in named,
                )
            )
        return ids, evidence

    def _fuse(self, query: str, dense: list[str], lexical: list[str], view: _LexicalView):
        """Weighted RRF of the two lists, then a bonus for clauses of the documents the question names."""
        weights = {"dense": self.settings.fusion_dense_weight, "lexical": self.settings.fusion_lexical_weight}
        fused = weighted_rrf({"dense": dense, "lexical": lexical}, weights, rrf_k=self.settings.fusion_rrf_k)
        named = mentioned_documents(query, view.documents)
        if not named:
            return fused
        rank_one = sum(weights.values()) / (self.settings.fusion_rrf_k + 1)
        return boost_items(fused, lambda cid: view.clauses[cid].doc_id in named, MENTION_BONUS * rank_one)

    def rankings(self, query: str, depth: int) -> tuple[list[str], list[str]]:
        """Dense and lexical rankings (clause ids, best first), for fusion sweeps in the eval."""
        ranked = self._rankings(query, depth, None, self._current_view(), "hybrid")
        return [i for i, _ in ranked.dense], [i for i, _ in ranked.lexical]

    def _rankings(
        self, query: str, depth: int, allowed_docs: set[str] | None, view: _LexicalView, mode: Mode
    ) -> _Rankings:
        """The question's vector and words, and the dense and BM25 rankings the mode asks for."""
        vector = self.embedder.embed_query(query) if mode != "lexical" else None
        tokens = tokenize(query, for_query=True)
        thesaurus = synonym_tokens(query, tokens)
        dense = self._dense_ranking(vector, depth, allowed_docs, view) if vector is not None else []
        lexical = (
            self._lexical_ranking(tokens, thesaurus, depth, allowed_docs, view) if mode != "dense" else []
        )
        return _Rankings(vector, tokens, thesaurus, dense, lexical)

    def _dense_ranking(
        self, vector: list[float], n: int, allowed_docs: set[str] | None, view: _LexicalView
    ) -> list[tuple[str, float]]:
        doc_ids = sorted(allowed_docs) if allowed_docs is not None else None
        # ids Chroma knows but the manifest does not (an interrupted write) are never returned
        return [(i, s) for i, s in self.store.search(vector, n, doc_ids=doc_ids) if i in view.clauses]

    def _lexical_ranking(
        self,
        tokens: list[str],
        thesaurus: list[str],
        n: int,
        allowed_docs: set[str] | None,
        view: _LexicalView,
    ) -> list[tuple[str, float]]:
        mask = None
        if allowed_docs is not None:
            mask = np.array([d in allowed_docs for d in view.row_doc_ids], dtype=bool)
        return view.bm25.search(tokens, n, allowed=mask, extra_tokens=thesaurus)

    def _allowed_doc_ids(self, doc_filter: DocFilter) -> set[str] | None:
        if doc_filter.is_empty():
            return None
        return {d.doc_id for d in self.manifest.documents() if doc_filter.accepts(d)}

    def _current_view(self) -> _LexicalView:
        generation = self.manifest.generation()
        with self._view_lock:
            if self._view is None or self._view.generation != generation:
                self._view = _LexicalView(generation, self.manifest)
            return self._view


def _best_rank(evidence: CandidateEvidence) -> int:
    return min(r for r in (evidence.rank_dense, evidence.rank_lexical, 10**9) if r is not None)
