"""A submission the rules could not grade (CheckResult.error, no grade) gets a Chinese refusal, never a
traceback, wherever a grade is needed: drafting the 审核意见, exporting it to Word, and the findings block
a chat answer is built on."""

from __future__ import annotations

import pytest

from assistant.chat import render_findings_block
from assistant.checks import check_submission
from assistant.export_docx import export_review_docx
from assistant.models import CheckResult, Indicator, Submission
from assistant.opinion import draft_opinion
from assistant.records import ReviewRecord, SubmissionRecord
from core.errors import UserError

SUBMISSION = Submission(
    id="S1",
    project="农村公路养护",
    unit="常宁市公路建设养护中心",
    budget_yuan=1_880_000,
    annual_goal="完成农村公路养护300公里",
    indicators=[
        Indicator(level1="产出指标", level2="数量指标", name="养护里程", op="≥", value="300", unit="公里"),
    ],
)
UNGRADED = CheckResult(id="S1", project="农村公路养护", error="规则 V03 执行出错")


def test_the_same_submission_graded_gets_an_opinion():
    result = check_submission(SUBMISSION)
    assert result.grade is not None
    assert draft_opinion(SUBMISSION, result).grade == result.grade


def test_drafting_an_ungraded_result_is_refused_in_chinese():
    with pytest.raises(UserError) as refused:
        draft_opinion(SUBMISSION, UNGRADED)
    assert "农村公路养护" in refused.value.message
    assert "规则 V03 执行出错" in refused.value.message
    assert "无法起草审核意见" in refused.value.message


def test_exporting_an_ungraded_result_is_refused_in_chinese():
    record = SubmissionRecord(project="农村公路养护", unit="常宁市公路建设养护中心", canonical={})
    review = ReviewRecord(text="# 审核意见", opinion={}, mode="rules-only", mode_label="未配置大模型")
    with pytest.raises(UserError) as refused:
        export_review_docx(record=record, review=review, precheck=UNGRADED)
    assert "规则 V03 执行出错" in refused.value.message
    assert "无法导出审核意见" in refused.value.message


def test_the_chat_findings_block_of_an_ungraded_result_says_so():
    block = render_findings_block([], UNGRADED, SUBMISSION)
    assert "未能完成规则预审" in block and "规则 V03 执行出错" in block
    assert "未发现问题" not in block  # an unchecked submission is not a clean one
