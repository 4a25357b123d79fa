"""事前绩效评估 (assistant/exante.py), pure: the five dimensions' evidence from the rules and the ex_ante
block, suggested scores and conclusion, the reviewer's input checked, the report .docx read back, and the
draft 审核意见 stating the suggested 核减."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document

from assistant.checks import check_submission
from assistant.exante import AssessmentInput, apply_input, build_assessment, export_assessment_docx
from assistant.models import Submission
from assistant.opinion import draft_opinion
from assistant.opinion_render import render_opinion_text
from core.errors import UserError
from ingest.standards import load_standards

SAMPLES = Path(__file__).resolve().parents[2] / "jixiao" / "samples"
STANDARDS = load_standards(SAMPLES / "standards_sample.csv").standards
RAW = json.loads((SAMPLES / "cost_standard_submissions.json").read_text(encoding="utf-8"))["submissions"][0]


def _assessment(raw=RAW, standards=STANDARDS):
    sub = Submission.model_validate(raw)
    return build_assessment(sub, check_submission(sub, standards=standards), submission_id=7)


def _doc_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    return "\n".join(
        [p.text for p in doc.paragraphs]
        + [" | ".join(c.text for c in r.cells) for t in doc.tables for r in t.rows]
    )


def test_the_dimensions_carry_the_rules_evidence():
    a = _assessment()
    assert [d.name for d in a.dimensions] == [
        "立项必要性",
        "投入经济性",
        "绩效目标合理性",
        "实施方案可行性",
        "筹资合规性",
    ]
    economy = a.dimension("economy")
    (over,) = [e for e in economy.evidence if e.code == "COST_OVER_STANDARD"]
    assert over.kind == "problem" and over.saving_yuan == pytest.approx(2_017_207) and "核减额" in over.text
    assert any(e.code == "NO_COST" for e in economy.evidence)
    assert economy.suggested_score < 20 and a.dimension("funding").suggested_score == 20
    assert any("立项依据" in e.text and e.kind == "note" for e in a.dimension("necessity").evidence)
    assert a.suggested_adjusted_budget_yuan == pytest.approx(10_611_000)
    assert a.suggested_conclusion == "调整后予以支持"
    assert any("核减" in s and "10,611,000元" in s for s in a.suggestions)
    assert all(not p.startswith("（") or "）" in p for p in a.problems) and a.problems


def test_missing_ex_ante_items_and_unbalanced_funding_are_problems():
    raw = dict(RAW, ex_ante={"project_kind": "新增"}, funding={"fiscal": 10_000_000, "other": 1_000_000})
    a = _assessment(raw, standards=[])
    texts = {d.key: [e.text for e in d.evidence if e.kind == "problem"] for d in a.dimensions}
    assert any("未提供立项依据" in t for t in texts["necessity"])
    assert any("未提供实施方案" in t for t in texts["feasibility"])
    assert any("未说明筹资方式" in t for t in texts["funding"])
    assert any("与预算12,628,207元不一致" in t for t in texts["funding"])
    assert any("没有与本项目事项和计量单位相符的标准" in e.text for e in a.dimension("economy").evidence)
    assert a.suggested_adjusted_budget_yuan is None


def test_the_reviewers_input_is_checked():
    a = _assessment()
    with pytest.raises(UserError, match="超出范围"):
        apply_input(a, AssessmentInput(scores={"economy": 21}))
    with pytest.raises(UserError, match="应为：予以支持"):
        apply_input(a, AssessmentInput(conclusion="同意"))
    with pytest.raises(UserError, match="须填写调整后预算"):
        apply_input(a, AssessmentInput(conclusion="调整后予以支持"))
    with pytest.raises(UserError, match="评估维度"):
        apply_input(a, AssessmentInput(scores={"speed": 3}))
    with pytest.raises(UserError, match="定稿前须完成：立项必要性"):
        apply_input(a, AssessmentInput(scores={"economy": 10}, conclusion="不予支持", final=True))
    done = apply_input(
        a,
        AssessmentInput(
            scores={k: 10 for k in ("necessity", "economy", "targets", "feasibility", "funding")},
            conclusion="不予支持",
            adjusted_budget_yuan=5,
            final=True,
        ),
    )
    assert done.status == "final" and done.total_score == 50 and done.adjusted_budget_yuan is None


def test_a_draft_report_is_marked_and_a_final_one_states_the_conclusion():
    a = _assessment()
    draft = _doc_text(export_assessment_docx(a))
    assert "（草稿，尚未定稿）" in draft and "未定，建议：调整后予以支持" in draft
    scores = {"necessity": 17, "economy": 9, "targets": 15, "feasibility": 16, "funding": 18}
    final = apply_input(
        a,
        AssessmentInput(
            scores=scores, conclusion="调整后予以支持", adjusted_budget_yuan=10_611_000, final=True
        ),
    )
    text = _doc_text(export_assessment_docx(final))
    assert "草稿" not in text
    order = [
        text.index(h)
        for h in (
            "一、项目概况",
            "二、评估内容与方法",
            "三、评估结论",
            "四、存在问题",
            "五、调整建议",
            "六、附表",
        )
    ]
    assert order == sorted(order)
    assert (
        "综合得分75分，评估结论为：调整后予以支持。建议预算由12,628,207元调整为10,611,000元（核减2,017,207元）"
        in text
    )
    assert "附表2  支出标准比对表" in text and "国省县道保洁 | 17,851.58元/公里·年" in text


def test_the_draft_opinion_states_the_suggested_cut():
    sub = Submission.model_validate(RAW)
    result = check_submission(sub, standards=STANDARDS)
    text = render_opinion_text(draft_opinion(sub, result, kb=None, llm=None))
    assert "按支出标准核减2,017,207元，核定预算为10,611,000元" in text
    assert "事前绩效评估：本项目为新增项目" in text  # the location is named in Chinese
