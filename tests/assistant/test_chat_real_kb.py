"""End to end over the real KnowledgeBase (Chroma + BM25 in a tmp data dir) with 预算法 ingested."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from support.lang_fixtures import make_result, make_submission

from assistant.chat import NOT_COVERED, answer, collect_answer
from assistant.citations import quote_in_clause
from assistant.opinion import draft_opinion, render_opinion_text

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def real_kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    from core.settings import Settings
    from vectorstore.knowledge_base import KnowledgeBase

    kb = KnowledgeBase.open(Settings(data_dir=tmp_path_factory.mktemp("var")))
    report = kb.ingest_paths([corpus_dir / "laws" / "预算法.md"])
    assert report.clauses_indexed > 50
    yield kb
    kb.close()


def test_real_kb_rules_only_and_model_answers(real_kb) -> None:
    out = collect_answer(answer("各级预算应当遵循什么原则？", kb=real_kb))
    assert out["covered"] and out["citations"][0]["label"] == "《预算法》第十二条"
    clause = real_kb.get_clause(out["citations"][0]["clause_id"])
    assert quote_in_clause(out["citations"][0]["quote"], clause.text)

    assert collect_answer(answer("火锅底料怎么炒？", kb=real_kb))["answer"] == NOT_COVERED

    state: dict = {}

    def reply():
        yield (f"应当遵循「统筹兼顾、勤俭节约」[{state['n']}]的原则，《预算法》第八十八条另有规定。")

    events = answer("各级预算应当遵循什么原则？", kb=real_kb, llm=GenericFakeChatModel(messages=reply()))
    meta = next(events)
    state["n"] = meta.data["sources"].index("《预算法》第十二条") + 1
    out = collect_answer(events)
    assert out["dropped"] == 1 and "第八十八条" not in out["answer"]  # not retrieved this turn
    assert [c["label"] for c in out["citations"]] == ["《预算法》第十二条"]


def test_real_kb_opinion_quotes_ingested_text(real_kb) -> None:
    op = draft_opinion(make_submission(), make_result(), kb=real_kb)
    ref = next(r for f in op.findings() for r in f.citations if r.doc == "预算法")
    assert ref.in_kb and real_kb.get_clause(ref.clause_id).article == "第十二条"
    # cited once, as 《文件》第X条 with the clause's own sentence (issue 16)
    assert "《预算法》第十二条：「各级预算应当遵循统筹兼顾" in render_opinion_text(op)
