"""Word export of the 审核意见: layout a bureau can print and sign, read back with python-docx."""

from __future__ import annotations

import io

import pytest
from docx import Document

from assistant.export_docx import export_review_docx, split_sections
from assistant.models import CheckResult, Grade
from assistant.records import (
    ReviewRecord,
    ReviewVersion,
    SubmissionRecord,
    create_user,
    open_records,
    session_scope,
)
from core.settings import Settings

OPINION_TEXT = """# 项目支出绩效目标审核意见

## 一、项目基本信息

- 项目名称：农村公路养护

## 二、审核结论

审核结论：**中**。
依据《中央部门预算绩效目标管理办法》第二十五条：退回报送单位修改完善。

## 三、审核发现

### （一）完整性
未发现问题。
### （二）相关性
发现1处问题。
1. 【警告】第3项指标“养护及时率”：时效不明确。
### （三）适当性
未发现问题。
### （四）可行性
未发现问题。

## 四、修改建议

1. 将“养护及时率”改为“12月31日前完成全部养护任务”。

---
说明：审核结论与问题清单由审核规则判定。
"""


def _all_text(data: bytes) -> tuple[str, list[str], str]:
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
    footer_xml = doc.sections[0].footer._element.xml
    return "\n".join(paragraphs + cells), paragraphs, footer_xml


@pytest.fixture()
def stored(tmp_data_dir):
    factory = open_records(Settings(data_dir=tmp_data_dir))
    with session_scope(factory) as session:
        unit = create_user(session, username="unit", role="submitter", display_name="常宁市交通运输局")
        reviewer = create_user(session, username="rev", role="reviewer", display_name="李审核")
        approver = create_user(session, username="boss", role="approver", display_name="王审批")
        record = SubmissionRecord(
            project="农村公路养护",
            unit="常宁市公路建设养护中心",
            year=2024,
            submitter_id=unit.id,
            canonical={
                "project": "农村公路养护",
                "unit": "常宁市公路建设养护中心",
                "department": "常宁市交通运输局",
                "region": "湖南省衡阳市常宁市",
                "year": 2024,
                "budget_yuan": 1_880_000.0,
                "annual_goal": "完成农村公路养护300公里",
                "indicators": [],
            },
            grade="中",
            findings_count=1,
            severity_counts={"error": 0, "warning": 1, "info": 0},
        )
        session.add(record)
        session.flush()
        review = ReviewRecord(
            submission_id=record.id,
            text=OPINION_TEXT,
            opinion={},
            mode="rules-only",
            mode_label="未配置大模型",
        )
        session.add(review)
        session.add(
            ReviewVersion(
                review=review,
                version=1,
                author_id=reviewer.id,
                author_role="reviewer",
                action="draft",
                text=OPINION_TEXT,
            )
        )
        ids = (record.id, approver.id)
    return factory, ids


def _export(factory, record_id: int) -> bytes:
    from sqlalchemy import select

    precheck = CheckResult(
        id="X", project="农村公路养护", grade=Grade.fair, grade_consequence="退回报送单位修改完善。"
    )
    with session_scope(factory) as session:
        record = session.get(SubmissionRecord, record_id)
        review = session.scalars(select(ReviewRecord).where(ReviewRecord.submission_id == record_id)).one()
        return export_review_docx(record=record, review=review, precheck=precheck)


def test_draft_export_has_the_layout_and_is_marked_draft(stored):
    factory, (record_id, _) = stored
    text, paragraphs, footer = _all_text(_export(factory, record_id))
    assert paragraphs[0] == "项目支出绩效目标审核意见"
    assert "（草稿，尚未审批通过）" in paragraphs
    for heading in (
        "一、项目基本信息",
        "二、审核结论",
        "（一）完整性",
        "（二）相关性",
        "（三）适当性",
        "（四）可行性",
        "四、修改建议",
    ):
        assert heading in paragraphs
    # the rules' grade is stated once; the text's own "审核结论：中。" line is not repeated
    assert "审核等级：中。" in paragraphs and "审核结论：中。" not in paragraphs
    assert sum("退回报送单位修改完善" in p for p in paragraphs) == 1
    assert "常宁市公路建设养护中心" in text and "188.00" in text  # 1,880,000 元 = 188 万元
    assert "审核人：李审核" in text and "审批人：__________" in text
    assert "PAGE" in footer and "NUMPAGES" in footer


def test_sections_of_the_edited_text_land_under_their_headings(stored):
    factory, (record_id, _) = stored
    _, paragraphs, _ = _all_text(_export(factory, record_id))
    relevance = paragraphs.index("（二）相关性")
    suggestions = paragraphs.index("四、修改建议")
    assert (
        "1. 【警告】第3项指标“养护及时率”：时效不明确。"
        in paragraphs[relevance : paragraphs.index("（三）适当性")]
    )
    assert paragraphs[suggestions + 1] == "1. 将“养护及时率”改为“12月31日前完成全部养护任务”。"
    assert "- 项目名称：农村公路养护" not in paragraphs  # the table replaces the text's info list


def test_approved_export_carries_the_approver_and_no_draft_mark(stored):
    factory, (record_id, approver_id) = stored
    from sqlalchemy import select

    with session_scope(factory) as session:
        record = session.get(SubmissionRecord, record_id)
        record.status = "approved"
        review = session.scalars(select(ReviewRecord)).one()
        session.add(
            ReviewVersion(
                review=review,
                version=2,
                author_id=approver_id,
                author_role="approver",
                action="approve",
                text=review.text,
            )
        )
    text, paragraphs, _ = _all_text(_export(factory, record_id))
    assert "（草稿，尚未审批通过）" not in paragraphs
    assert "审批人：王审批" in text


def test_split_sections_reads_plain_reviewer_text():
    sections = split_sections(
        "审核结论：良。\n完整性：齐全。\n1. 指标缺单位\n   修改建议：补充单位。\n修改建议：补充满意度指标。"
    )
    assert sections == {
        "审核结论": ["审核结论：良。"],
        "完整性": ["齐全。", "1. 指标缺单位", "修改建议：补充单位。"],
        "修改建议": ["补充满意度指标。"],
    }


def test_consequence_is_stated_when_the_reviewer_removed_it(stored):
    factory, (record_id, _) = stored
    from sqlalchemy import select

    with session_scope(factory) as session:
        review = session.scalars(select(ReviewRecord)).one()
        review.text = "审核结论：中。\n修改建议：补充时效。"
    _, paragraphs, _ = _all_text(_export(factory, record_id))
    assert "审核等级：中。退回报送单位修改完善。" in paragraphs
