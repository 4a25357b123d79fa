"""Paraphrase robustness: colloquial->statutory synonyms on the BM25 side, and documents a question names."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import numpy as np
import pytest
from vectorstore_kit import BUDGET_LAW, QINGDAO, make_document

from core.settings import Settings
from vectorstore.fusion import boost_items, weighted_rrf
from vectorstore.knowledge_base import KnowledgeBase
from vectorstore.lexical import SYNONYM_WEIGHT, BM25Index, synonym_tokens, synonyms, tokenize
from vectorstore.lookup import mentioned_documents
from vectorstore.models import DocumentInfo


def _info(doc_id: str, short: str, region: str = "全国", title: str | None = None) -> DocumentInfo:
    return DocumentInfo(
        doc_id=doc_id,
        title=title or short,
        short_title=short,
        kind="law",
        region=region,
        source=f"{short}.md",
        sha256="0" * 64,
        clauses=1,
        ingested_at="2024-01-01T00:00:00",
    )


def test_synonym_table_is_a_data_file_of_short_phrases_without_identity_rows():
    table = synonyms()
    assert 300 <= len(table) <= 1500
    for phrase, terms in table.items():
        assert terms and phrase not in terms, phrase
        assert 2 <= len(phrase) <= 8 and len(terms) <= 4, phrase
    assert "审计机关" in table["审计局"] and "批准前" in table["没批"]
    assert "回避" in table["爱人"] and "滞留" in table["压着不拨"]


def test_synonym_tokens_add_statutory_words_not_already_in_the_query():
    question = "人大还没批预算，一月份工资能先发吗？"
    typed = tokenize(question, for_query=True)
    extra = synonym_tokens(question, typed)
    assert "批准" in extra and "基本支出" in extra
    assert not set(extra) & set(typed)
    assert synonym_tokens("预备费的比例是多少", tokenize("预备费的比例是多少", for_query=True)) == []


def test_expansion_terms_count_at_their_weight_and_repeated_tokens_once():
    index = BM25Index(["a", "b"], [["审计机关", "送达", "通知书"], ["预备费", "比例"]])
    alone = index.scores(["审计机关"])
    as_extra = index.scores([], extra_tokens=["审计机关"])
    assert as_extra[0] == pytest.approx(SYNONYM_WEIGHT * alone[0]) and as_extra[1] == 0
    assert np.allclose(index.scores(["送达", "送达"]), index.scores(["送达"]))
    assert [cid for cid, _ in index.search(["审计局"], 2, extra_tokens=["审计机关"])] == ["a"]


def test_a_named_document_is_found_and_a_name_inside_a_longer_one_is_not():
    docs = [
        _info("law", "预算法", title="中华人民共和国预算法"),
        _info("reg", "预算法实施条例"),
        _info("sh", "上海市预算审查监督条例", region="上海市"),
        _info("qd", "青岛市预算绩效管理条例", region="山东省青岛市"),
    ]
    assert mentioned_documents("预算法实施条例第几条讲超收收入？", docs) == {"reg"}
    assert mentioned_documents("《中华人民共和国预算法》和预算法实施条例怎么规定的", docs) == {"law", "reg"}
    assert mentioned_documents("在上海，预算调整方案提前几天送审？", docs) == {"sh"}
    assert mentioned_documents("青岛的绩效目标能改吗", docs) == {"qd"}
    assert mentioned_documents("山东的绩效目标能改吗", docs) == set()
    assert mentioned_documents("预备费比例", docs) == set()


def test_abbreviated_titles_name_their_document_and_vague_or_one_character_runs_do_not():
    docs = [
        _info("law", "预算法", title="中华人民共和国预算法"),
        _info("reg", "预算法实施条例"),
        _info("gp", "政府采购法"),
        _info("gpr", "政府采购法实施条例"),
        _info("cz", "财政违法行为处罚处分条例"),
        _info("sh", "上海市预算审查监督条例", region="上海市"),
        _info("hn", "河南省预算审查监督条例", region="河南省"),
    ]
    assert mentioned_documents("地震后急需采购帐篷，也要按采购法招标吗？", docs) == {"gp"}
    assert mentioned_documents("按采购法实施条例能同时投标吗", docs) == {"gpr"}
    assert mentioned_documents("财政违法处罚条例怎么罚？", docs) == {"cz"}
    assert mentioned_documents("按实施条例多少天内公开？", docs) == {"reg", "gpr"}  # two at most: both count
    assert mentioned_documents("预算条例怎么规定初审", docs) == set()  # three fit: too vague
    assert mentioned_documents("违法行为依法处理，有什么办法？", docs) == set()
    assert mentioned_documents("预算法实施条例第几条", docs) == {"reg"}


def test_boost_reorders_only_the_boosted_items():
    fused = weighted_rrf({"a": ["x", "y", "z"]}, {"a": 1.0}, rrf_k=10)
    raised = boost_items(fused, lambda i: i == "z", 1 / 11)
    assert [i.id for i in raised] == ["z", "x", "y"]
    assert [i.id for i in boost_items(fused, lambda i: i == "z", 0.0)] == ["x", "y", "z"]


@pytest.fixture()
def kb(tmp_data_dir):
    base = KnowledgeBase.open(Settings(data_dir=tmp_data_dir))
    yield base
    base.close()


def test_colloquial_question_reaches_the_statutory_article_by_bm25(kb, monkeypatch):
    kb.ingest_document(make_document("预算法", BUDGET_LAW))
    kb.ingest_document(make_document("青岛市预算绩效管理条例", QINGDAO, kind="local", region="山东省青岛市"))
    question = "年中要追加资金怎么办"  # 追加资金 -> 增加/预算调整, 年中 -> 预算执行: the wording of 第四十条
    hits = kb.retrieve(question, k=1, mode="lexical")
    assert hits and (hits[0].clause.doc_short, hits[0].clause.article) == ("预算法", "第四十条")
    monkeypatch.setattr("vectorstore.knowledge_base.synonym_tokens", lambda text, tokens: [])
    assert [h.clause.article for h in kb.retrieve(question, k=1, mode="lexical")] != ["第四十条"]


def test_a_question_naming_a_place_prefers_that_places_regulation(kb):
    shared = {"第一条": "绩效目标经财政部门审核后，方可进入预算编审流程。"}
    kb.ingest_document(make_document("预算法", shared))
    kb.ingest_document(
        make_document(
            "青岛市预算绩效管理条例",
            dict(shared),
            kind="local",
            region="山东省青岛市",
            source="/policies/qd.md",
        )
    )
    plain = kb.retrieve("绩效目标审核后才能进入预算编审吗", k=2)
    named = kb.retrieve("青岛这边，绩效目标审核后才能进入预算编审吗", k=2)
    assert {h.clause.doc_short for h in plain} == {"预算法", "青岛市预算绩效管理条例"}
    assert named[0].clause.doc_short == "青岛市预算绩效管理条例"
    assert named[0].score > named[1].score


def test_vectorstore_never_imports_assistant_and_the_starter_pack_dir_is_required():
    package = Path(__file__).resolve().parents[2] / "vectorstore"
    importing_assistant = re.compile(r"^\s*(from|import)\s+assistant\b", re.MULTILINE)
    for path in package.glob("*.py"):
        assert not importing_assistant.search(path.read_text(encoding="utf-8")), path.name
    parameter = inspect.signature(KnowledgeBase.ensure_starter).parameters["pack_dir"]
    assert parameter.default is inspect.Parameter.empty
