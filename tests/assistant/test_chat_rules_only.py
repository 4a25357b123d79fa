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
    assert "可信度：记忆" in text  # memory-grade rule keeps its confidence
    assert "报酬发放时间" not in text  # unrelated finding left out
    assert "权重" not in text


def test_general_submission_question_lists_all_findings(memory_kb, submission, result) -> None:  # noqa: F811
    out = collect_answer(answer("这个项目有哪些问题？", kb=memory_kb, submission=submission, result=result))
    for finding in result.findings:
        assert finding.message in out["answer"]
    assert "审核实务（包头市财政局绩效目标审核要点，非文件规定）" in out["answer"]
    # the rule's own citation 《预算法》第十二条 was looked up and quoted from the knowledge base
    assert any(c["article"] == "第十二条" and c["doc"] == "预算法" for c in out["citations"])


def test_follow_up_is_searched_with_the_previous_question(memory_kb) -> None:  # noqa: F811
    history = [
        ChatTurn(role="user", content="预算调整方案应当由谁审查批准？"),
        ChatTurn(role="assistant", content="由本级人大常委会审查批准。"),
    ]
    out = collect_answer(answer("那它的编制呢？", kb=memory_kb, history=history))
    assert memory_kb.queries[-1].startswith("预算调整方案应当由谁审查批准？")
    assert out["meta"]["query"] == memory_kb.queries[-1]


def test_empty_question_is_an_error_event(memory_kb) -> None:  # noqa: F811
    events = list(answer("   ", kb=memory_kb))
    assert len(events) == 1 and events[0].event == "error" and "不能为空" in events[0].data["message"]


def test_events_serialise_for_sse(memory_kb) -> None:  # noqa: F811
    for event in answer("预算编制原则", kb=memory_kb):
        sse = event.sse()
        assert sse["event"] == event.event and json.loads(sse["data"]) == event.data
