"""Plain questions a new reviewer asks, answered in rules-only mode over the real knowledge base (starter
cards, 预算法 and its 实施条例, the partial official texts): the answering clause comes first, in a fresh
conversation and as a follow-up in a conversation about something else (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chat import NOT_COVERED, ChatTurn, answer, collect_answer
from assistant.citations import quote_in_clause

pytestmark = pytest.mark.slow

P88 = "中央部门预算绩效目标管理办法"
P10_CARD = "项目支出绩效评价管理办法"
P10_OFFICIAL = "项目支出绩效评价管理办法（财预〔2020〕10号，节选）"
P101 = "中央部门项目支出核心绩效目标和指标设置及取值指引"

# (question, doc_short, article, what the answer leads with when the question asks for a number)
QUESTIONS = [
    ("项目支出绩效目标审核结果分为哪几档？", P88, "第二十五条", "四档"),
    ("绩效目标审核主要审核哪些内容？", P88, "第二十四条", None),
    ("绩效指标包括哪些类别？", P88, "第十条", "三类"),
    ("绩效评价分为哪几种方式？", P10_OFFICIAL, "第四条", "三种"),  # the official text, not our card
    ("单位自评时各个一级指标的权重是多少？", P10_CARD, "第十四条", None),  # several numbers: none leads
    ("各级政府财政部门应当在多少日内向本级各部门批复预算？", "预算法", "第五十二条", "二十日内"),
    ("预备费按本级一般公共预算支出额的多少比例设置？", "预算法", "第四十条", "百分之一至百分之三"),
    ("定性指标怎么计分？", P10_CARD, "第三章·计分规则", None),
    ("成本指标应该怎么写？", P101, "指引·成本指标", None),
    ("绩效目标应当符合哪些要求？", P88, "第十三条", None),
]
EARLIER = [
    ChatTurn(role="user", content="预算年度是怎么规定的？"),
    ChatTurn(role="assistant", content="预算年度自公历一月一日起，至十二月三十一日止。"),
]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path):
    from assistant.knowledge import starter_pack_dir
    from core.settings import Settings
    from vectorstore.knowledge_base import KnowledgeBase

    knowledge_base = KnowledgeBase.open(Settings(_env_file=None, data_dir=tmp_path_factory.mktemp("var")))
    knowledge_base.ensure_starter(starter_pack_dir())
    laws = [corpus_dir / "laws" / "预算法.md", corpus_dir / "laws" / "预算法实施条例.md"]
    report = knowledge_base.ingest_paths([*laws, corpus_dir / "partial"])
    assert not report.failed
    yield knowledge_base
    knowledge_base.close()


@pytest.mark.parametrize("follow_up", [False, True], ids=["fresh", "follow-up"])
@pytest.mark.parametrize(("question", "doc", "article", "lead"), QUESTIONS, ids=[q for q, *_ in QUESTIONS])
def test_the_answering_clause_comes_first(kb, question, doc, article, lead, follow_up) -> None:
    out = collect_answer(answer(question, kb=kb, history=EARLIER if follow_up else ()))
    assert out["covered"], out["answer"]
    first = out["citations"][0]
    assert (first["doc"], first["article"]) == (doc, article), out["answer"][:300]
    assert out["meta"]["query"] == question  # retrieved on its own words
    text, folded = out["answer"], out["folded"]
    lead_text = text[: len(text) - len(folded)].strip()
    lines = lead_text.splitlines()
    if lead:
        assert lines[0] == f"{lead}。", lead_text
        lines = lines[1:]
    # the first answering sentence cites the first clause; an official text is quoted verbatim
    assert lines[0].endswith("[1]")
    clause = kb.get_clause(first["clause_id"])
    if first["trust_label"] == "已核实":
        quoted = lines[0].split("：「", 1)[1].rsplit("」", 1)[0]
        assert quote_in_clause(quoted, clause.text)
    for note in ("审核时的用法", "出处说明", "以上内容仅供参考"):
        assert note not in text


def test_a_follow_up_about_costs_is_not_the_previous_answer_again(kb) -> None:
    """issue 16: "道路保洁费用过高怎么办" after another question returned the previous five clauses."""
    earlier = collect_answer(answer("项目支出绩效目标审核结果分为哪几档？", kb=kb))
    history = [
        ChatTurn(role="user", content="项目支出绩效目标审核结果分为哪几档？"),
        ChatTurn(role="assistant", content=earlier["answer"]),
    ]
    fresh = collect_answer(answer("道路保洁费用过高怎么办", kb=kb))
    follow = collect_answer(answer("道路保洁费用过高怎么办", kb=kb, history=history))
    assert fresh["answer"] != NOT_COVERED and follow["answer"] == fresh["answer"]
    previous = {c["clause_id"] for c in earlier["citations"]}
    assert follow["citations"][0]["clause_id"] not in previous
    assert "成本" in follow["answer"].split(follow["folded"])[0]
