"""Chat without a model: extractive answers from retrieved clauses and rule findings, end to end."""

from __future__ import annotations

import json

from support.lang_fixtures import memory_kb, result, submission  # noqa: F401

from assistant.chat import NOT_COVERED, ChatTurn, answer, collect_answer
from assistant.citations import quote_in_clause
from assistant.llm import RULES_ONLY_LABEL


def test_covered_question_quotes_retrieved_clauses(memory_kb) -> None:  # noqa: F811
    events = list(answer("各级预算编制应当遵循哪些原则？", kb=memory_kb))
    kinds = [e.event for e in events]
    assert kinds[0] == "meta" and kinds[-2:] == ["citations", "done"]
    out = collect_answer(events)
    assert out["meta"]["mode"] == "rules-only" and out["meta"]["mode_label"] == RULES_ONLY_LABEL
    assert out["covered"] is True and out["dropped"] == 0
    assert out["streamed"] == out["answer"]
    assert "原文摘录" in out["answer"]
    labels = [c["label"] for c in out["citations"]]
    assert labels and all(label.startswith("《预算法") for label in labels)
    by_id = {c.id: c for c in memory_kb.clauses}
    for cite in out["citations"]:
        assert cite["verified"] and quote_in_clause(cite["quote"], by_id[cite["clause_id"]].text)
        assert f"{cite['label']}：「" in out["answer"]
    assert any(c["article"] == "第十二条" for c in out["citations"])


def test_uncovered_question_says_so(memory_kb) -> None:  # noqa: F811
    out = collect_answer(answer("明天常宁市的天气怎么样？适合郊游吗？", kb=memory_kb))
    assert out["answer"] == NOT_COVERED and out["covered"] is False and out["citations"] == []


def test_submission_question_lists_relevant_findings(memory_kb, submission, result) -> None:  # noqa: F811
    out = collect_answer(
        answer("这个项目的满意度指标为什么不合格？", kb=memory_kb, submission=submission, result=result)
    )
    text = out["answer"]
    assert out["covered"] is True
    assert "规则预审结论：中" in text and "第3项指标“村民满意度”" in text
    assert "村民满意度 ≥ 90%" in text  # the rule's concrete rewrite
    assert "条款号待核对" in text  # a memory-grade article number keeps its state
    assert "报酬发放时间" not in text  # unrelated finding left out
    assert "权重" not in text


def test_general_submission_question_lists_all_findings(memory_kb, submission, result) -> None:  # noqa: F811
    out = collect_answer(answer("这个项目有哪些问题？", kb=memory_kb, submission=submission, result=result))
    for finding in result.findings:
        assert finding.message in out["answer"]
    assert "审核实务（包头市财政局绩效目标审核要点，非文件规定）" in out["answer"]
    # the rule's own citation 《预算法》第十二条 was looked up and quoted from the knowledge base
    assert any(c["article"] == "第十二条" and c["doc"] == "预算法" for c in out["citations"])


HISTORY = [
    ChatTurn(role="user", content="预算调整方案应当由谁审查批准？"),
    ChatTurn(role="assistant", content="由本级人大常委会审查批准。"),
]


def test_follow_up_leaning_on_the_previous_question_adds_it_never_replaces(memory_kb) -> None:  # noqa: F811
    out = collect_answer(answer("那它的编制呢？", kb=memory_kb, history=HISTORY))
    assert memory_kb.queries[-2] == "那它的编制呢？"  # its own words first
    assert memory_kb.queries[-1].startswith("预算调整方案应当由谁审查批准？")  # the context adds
    assert out["meta"]["query"] == "那它的编制呢？"
    assert out["meta"]["context_query"] == memory_kb.queries[-1]


def test_follow_up_with_its_own_words_is_searched_on_them_alone(memory_kb) -> None:  # noqa: F811
    fresh = collect_answer(answer("各级预算应当遵循什么原则？", kb=memory_kb))
    before = len(memory_kb.queries)
    follow = collect_answer(answer("各级预算应当遵循什么原则？", kb=memory_kb, history=HISTORY))
    assert memory_kb.queries[before:] == ["各级预算应当遵循什么原则？"]
    assert follow["meta"]["context_query"] is None
    assert follow["answer"] == fresh["answer"] and follow["citations"] == fresh["citations"]


def test_answer_leads_with_the_answering_sentences_then_folds_the_clauses(memory_kb) -> None:  # noqa: F811
    out = collect_answer(answer("各级政府财政部门应当在多少日内向本级各部门批复预算？", kb=memory_kb))
    text, folded = out["answer"], out["folded"]
    assert folded and text.endswith(folded) and folded.startswith("依据条文")
    lead = text[: -len(folded)].strip()
    assert lead.startswith("二十日内。")  # a 几日 question leads with the number
    first = lead.splitlines()[1]
    assert first.startswith("《预算法》第五十二条：「") and first.endswith("[1]")
    assert out["citations"][0]["article"] == "第五十二条" and out["citations"][0]["trust_label"] == "已核实"
    assert "以上内容仅供参考" not in text


def test_empty_question_is_an_error_event(memory_kb) -> None:  # noqa: F811
    events = list(answer("   ", kb=memory_kb))
    assert len(events) == 1 and events[0].event == "error" and "不能为空" in events[0].data["message"]


def test_events_serialise_for_sse(memory_kb) -> None:  # noqa: F811
    for event in answer("预算编制原则", kb=memory_kb):
        sse = event.sse()
        assert sse["event"] == event.event and json.loads(sse["data"]) == event.data
