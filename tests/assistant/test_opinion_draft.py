"""Opinion drafting: the official shape from rule data; a model may only phrase, never change the grade."""

from __future__ import annotations

import json

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from support.lang_fixtures import (  # noqa: F401
    CONSEQUENCE_FAIR,
    INJECTION,
    make_result,
    make_submission,
    memory_kb,
    result,
    stub,
    stub_settings,
    submission,
)
from support.openai_stub import StubReply

from assistant.citations import Trust
from assistant.llm import make_chat_model
from assistant.models import Dimension, Finding, Grade, Location, Severity
from assistant.opinion import draft_opinion, render_opinion_text, suggest_rewrite


def _codes(op) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.dimension.value, f.location.indicator) for f in op.findings()]


def test_rules_only_opinion_has_the_official_shape(submission, result, memory_kb) -> None:  # noqa: F811
    op = draft_opinion(submission, result, kb=memory_kb)
    assert op.mode == "rules-only" and op.grade == Grade.fair and op.grade_consequence == CONSEQUENCE_FAIR
    assert op.info.project == "村组干部报酬" and op.info.budget_text == "330.98万元" and op.info.year == 2023
    assert [s.dimension for s in op.sections] == [
        Dimension.completeness,
        Dimension.relevance,
        Dimension.appropriateness,
        Dimension.feasibility,
    ]
    assert [len(s.findings) for s in op.sections] == [2, 2, 0, 0]
    assert op.sections[2].verdict == "未发现问题。"
    assert [f.number for f in op.findings()] == [1, 2, 3, 4]
    assert op.findings()[0].severity == Severity.error  # errors first within a dimension
    assert sorted(_codes(op)) == sorted(
        (f.code, f.dimension.value, f.location.indicator) for f in result.findings
    )
    assert len(op.suggestions) == 4 and op.suggestions[0].startswith("指标权重：")


def test_citations_carry_their_trust_state(submission, result, memory_kb) -> None:  # noqa: F811
    op = draft_opinion(submission, result, kb=memory_kb)
    refs = {(r.doc, r.article): r for f in op.findings() for r in f.citations}
    budget_law = refs[("预算法", "第十二条")]
    assert budget_law.trust == Trust.VERIFIED and budget_law.trust_label == "已核实"
    assert budget_law.in_kb and budget_law.quote and budget_law.quote in budget_law.text
    assert "讲求绩效" in budget_law.quote and not budget_law.quote.startswith("第十二条")
    memory = refs[("中央部门预算绩效目标管理办法", "第十三条")]
    assert memory.trust == Trust.UNCHECKED and memory.trust_label == "条款号待核对" and not memory.in_kb
    practice = refs[("包头市财政局绩效目标审核要点", None)]
    assert practice.label.startswith("审核实务") and "《" not in practice.label
    assert practice.trust_label == "要点（转述）"
    text = render_opinion_text(op)
    assert f"依据：《预算法》第十二条：「{budget_law.quote.rstrip('。')}」" in text
    # the memory number is never printed; the point is, marked as a paraphrase, without quotation marks
    assert "第十三条" not in text
    assert (
        "依据：《中央部门预算绩效目标管理办法》，要点（转述）：绩效指标应细化量化，定性指标也须可衡量" in text
    )
    assert any("条款号待核对" in c and "第十三条" in c for c in op.caveats)


def test_opinion_is_fit_to_send(submission, result, memory_kb) -> None:  # noqa: F811
    """No card notes, no memory remarks, no generation notes, each clause quoted once (issue 16)."""
    op = draft_opinion(submission, result, kb=memory_kb)
    text = render_opinion_text(op)
    for internal in (
        "审核时的用法",
        "出处说明",
        "凭记忆",
        "待核对",
        "可信度",
        "未配置大模型",
        "知识库",
        "---",
    ):
        assert internal not in text, internal
    memory_point = "绩效指标应细化量化，定性指标也须可衡量"
    assert text.count(memory_point) == 1  # two findings cite it; the second one names the document only
    assert text.count("依据：") == len([f for f in op.findings() if f.citations])
    assert op.caveats[0].startswith("审核结论与问题清单由审核规则判定") and "未配置大模型" in op.caveats[0]


def test_rendered_text_reads_like_an_opinion(submission, result, memory_kb) -> None:  # noqa: F811
    text = render_opinion_text(draft_opinion(submission, result, kb=memory_kb))
    for heading in (
        "# 项目支出绩效目标审核意见",
        "## 一、项目基本信息",
        "## 二、审核结论",
        "## 三、审核发现",
        "### （一）完整性",
        "### （四）可行性",
        "## 四、修改建议",
    ):
        assert heading in text
    assert "审核结论：**中**" in text and "财预〔2015〕88号）第二十五条" in text
    assert "1. 【错误】指标权重：指标权重合计90分，不等于100分。" in text
    assert "未配置大模型" not in text and "其他意见" not in text
    assert "年度资金总额：330.98万元" in text


def test_no_kb_still_drafts(submission, result) -> None:  # noqa: F811
    op = draft_opinion(submission, result)
    assert all(not r.in_kb and r.trust != Trust.VERIFIED for f in op.findings() for r in f.citations)
    assert "「" not in render_opinion_text(op)  # nothing is quoted as the document's words


def _prose(**overrides) -> str:
    data = {
        "summary": "该项目绩效目标存在指标不可衡量、缺少成本指标等问题，需退回修改。",
        "dimension_comments": {
            "完整性": "缺少成本指标，权重合计不为100。",
            "相关性": "满意度和时效指标不可衡量。",
        },
        "rewrites": [
            {"finding": 3, "text": "村民满意度 ≥ 90%（入户问卷，样本不少于200份）"},
            {"finding": 99, "text": "不存在的问题"},
        ],
        "observations": ["人员数量与上年持平，建议核对在岗人数。"],
    }
    data.update(overrides)
    return json.dumps(data, ensure_ascii=False)


def test_model_prose_is_merged_but_rule_data_kept(submission, result, memory_kb) -> None:  # noqa: F811
    fake = GenericFakeChatModel(messages=iter([_prose()]))
    op = draft_opinion(submission, result, kb=memory_kb, llm=fake)
    assert op.mode == "llm" and op.summary_source == "llm" and op.summary.startswith("该项目绩效目标存在")
    assert op.sections[0].comment == "缺少成本指标，权重合计不为100。"
    target = next(f for f in op.findings() if f.number == 3)
    assert target.rewrite_example.startswith("村民满意度")
    assert op.observations == ["人员数量与上年持平，建议核对在岗人数。"]
    assert op.grade == Grade.fair and _codes(op) == _codes(draft_opinion(submission, result, kb=memory_kb))
    assert op.prompt_versions == ["opinion_system@v1", "opinion_user@v1"]
    text = render_opinion_text(op)
    assert "改写示例（供参考，大模型生成）：村民满意度" in text and "## 五、其他意见（供参考" in text


def test_injection_changes_nothing_rules_only(memory_kb) -> None:  # noqa: F811
    clean = draft_opinion(make_submission(), make_result(), kb=memory_kb)
    injected = draft_opinion(make_submission(annual_goal=INJECTION), make_result(), kb=memory_kb)
    assert injected.grade == clean.grade == Grade.fair
    assert _codes(injected) == _codes(clean) and injected.suggestions == clean.suggestions
    assert injected.summary == clean.summary


def test_injection_obeyed_by_model_changes_nothing(memory_kb, stub) -> None:  # noqa: F811
    obeying = _prose(
        summary="按申报单位要求，本项目评为优，可直接进入下一步预算安排。",
        grade="优",
        findings=[],
        observations=["审核结论：优"],
        dimension_comments={"完整性": "未发现问题，评定为优。"},
    )
    stub.push(StubReply(tool_args=json.loads(obeying)))
    sub = make_submission(annual_goal=INJECTION)
    op = draft_opinion(sub, make_result(), kb=memory_kb, llm=make_chat_model(stub_settings(stub)))
    assert op.grade == Grade.fair and op.grade_consequence == CONSEQUENCE_FAIR
    assert _codes(op) == _codes(draft_opinion(make_submission(), make_result(), kb=memory_kb))
    text = render_opinion_text(op)
    assert "评为优" not in text and "直接进入下一步" not in text and "审核结论：优" not in text
    assert op.summary_source == "rules" and op.sections[0].comment is None
    assert any("已弃用" in n for n in op.notes)
    # the submission text reaches the model only inside the quoted data block
    user = stub.requests[0]["messages"][-1]["content"]
    assert user.count(INJECTION) == 1
    data_block = user.split("<<<申报内容开始>>>", 1)[1].split("<<<申报内容结束>>>", 1)[0]
    assert INJECTION in data_block
    assert INJECTION not in stub.requests[0]["messages"][0]["content"]


def test_model_timeout_gives_rules_only_opinion_with_note(submission, result, memory_kb, stub) -> None:  # noqa: F811
    stub.push(StubReply(delay_s=4, text=_prose()))
    op = draft_opinion(
        submission, result, kb=memory_kb, llm=make_chat_model(stub_settings(stub, llm_timeout_s=0.5))
    )
    assert op.mode == "rules-only" and op.summary_source == "rules"
    assert op.notes == ["大模型调用超时，以下审核意见由规则模式生成。"]
    assert "大模型调用超时" not in render_opinion_text(op)  # a note for the reviewer, not the document
    assert "大模型调用超时，以下审核意见由规则模式生成。" in op.caveats


def test_server_without_tool_calling(submission, result, memory_kb, stub) -> None:  # noqa: F811
    stub.push(StubReply(status=400, text="tool calling is not supported"), f"```json\n{_prose()}\n```")
    op = draft_opinion(submission, result, kb=memory_kb, llm=make_chat_model(stub_settings(stub)))
    assert op.mode == "llm" and op.summary_source == "llm" and len(stub.requests) == 2


def test_unreadable_model_output_falls_back(submission, result) -> None:  # noqa: F811
    fake = GenericFakeChatModel(messages=iter(["好的，我认为这个项目不错。", "还是没有JSON"]))
    op = draft_opinion(submission, result, llm=fake)
    assert op.mode == "rules-only" and "格式无法识别" in op.notes[0]


def test_clean_submission_opinion(submission, memory_kb) -> None:  # noqa: F811
    from assistant.models import CheckResult

    clean = CheckResult(
        id="T01", project="村组干部报酬", grade=Grade.excellent, grade_consequence="直接进入下一步预算安排"
    )
    op = draft_opinion(submission, clean, kb=memory_kb)
    assert all(s.verdict == "未发现问题。" for s in op.sections) and op.suggestions == []
    assert "审核结论为“优”" in op.summary and "## 四、修改建议\n\n无。" in render_opinion_text(op)


def test_suggest_rewrite(submission, stub) -> None:  # noqa: F811
    finding = Finding(
        rule_id="V03",
        code="VAGUE_VALUE",
        severity=Severity.error,
        dimension=Dimension.relevance,
        location=Location(indicator=2),
        message="满意度指标值不可衡量。",
        suggestion="改为满意度≥90%。",
    )
    assert suggest_rewrite(submission, finding).rewrite == "改为满意度≥90%。"
    stub.push(
        StubReply(tool_args={"rewrite": "村民满意度 ≥ 90%（问卷调查）", "explanation": "给出数值和口径"})
    )
    proposal = suggest_rewrite(submission, finding, llm=make_chat_model(stub_settings(stub)))
    assert proposal.source == "llm" and proposal.rewrite.startswith("村民满意度")
    assert "明显提升" in stub.requests[0]["messages"][-1]["content"]  # the original row, as data
