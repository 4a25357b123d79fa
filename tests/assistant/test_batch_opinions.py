"""Batch opinions: the prepared-template writer gives exactly what assistant.export_docx writes, faster."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document

from assistant.batch.opinion_docx import OpinionDocxWriter, export_slow, opinion_text, render_document_xml
from assistant.checks import check_submission
from core.models import Submission
from ingest.targets import load_submissions


@pytest.fixture(scope="module")
def checked(data_dir_shared: Path) -> list[tuple[Submission, object, str]]:
    subs = load_submissions(data_dir_shared / "targets_dev.json").submissions
    subs += load_submissions(data_dir_shared / "real_dev_targets.json").submissions
    # text python-docx turns into breaks and tabs, and characters XML must escape
    subs[0] = subs[0].model_copy(update={"annual_goal": "第一行\n第二行\t（制表）\n\n第四行 & <备注>"})
    subs[1] = subs[1].model_copy(update={"project": "A&B <试点> 项目", "unit": '某"局"'})
    out = []
    for sub in subs:
        result = check_submission(sub)
        if result.grade is not None:
            out.append((sub, result, opinion_text(sub, result)))
    return out


def test_template_writer_is_byte_identical_to_export_docx(checked) -> None:
    writer = OpinionDocxWriter()
    for seq, (sub, result, text) in enumerate(checked, 1):
        fast = writer.render(sub, result, text, seq)
        slow = export_slow(sub, result, text, seq)
        assert render_document_xml(fast) == render_document_xml(slow), sub.id
    assert writer.fast == len(checked) >= 50 and writer.slow == 0


def test_the_document_reads_as_a_draft_opinion(checked) -> None:
    sub, result, text = checked[2]
    data = OpinionDocxWriter().render(sub, result, text, 3)
    doc = Document(io.BytesIO(data))
    paragraphs = [p.text for p in doc.paragraphs]
    assert paragraphs[:2] == ["项目支出绩效目标审核意见", "（草稿，尚未审批通过）"]
    assert f"审核等级：{result.grade.value}。" in paragraphs
    cells = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert cells["项目名称"] == sub.project and cells["申报编号"].startswith("#3（")
    assert any(p.startswith("（一）完整性") for p in paragraphs)


def test_text_the_template_cannot_express_falls_back_to_export_docx(checked) -> None:
    sub, result, text = checked[3]
    odd = text.rstrip("\n") + "\n\n其他意见\n建议补充绩效目标设定依据。\n"  # a section only a model writes
    writer = OpinionDocxWriter()
    data = writer.render(sub, result, odd, 4)
    assert writer.slow == 1 and writer.fast == 0
    assert render_document_xml(data) == render_document_xml(export_slow(sub, result, odd, 4))
    assert "建议补充绩效目标设定依据。" in [p.text for p in Document(io.BytesIO(data)).paragraphs]
