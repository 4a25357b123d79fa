"""Word 申报表 (.docx): every shared real table and the dev set, rendered to Word, import back the same."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from support.target_docs import FLAT_HEADER, FORM_HEADER, diff_submission, flat_docx, form_docx, load_subs

from core.models import Submission
from ingest.targets import load_submissions_bytes
from ingest.targets.docx_tables import docx_blocks

FORM_FIELDS = ("unit", "project", "budget_yuan", "annual_goal", "department", "overall_goal", "year")


@pytest.fixture(scope="module")
def real(data_dir_shared: Path) -> list[dict]:
    return load_subs(data_dir_shared / "real_dev_targets.json")


@pytest.fixture(scope="module")
def dev(data_dir_shared: Path) -> list[dict]:
    return load_subs(data_dir_shared / "targets_dev.json")


def _want(subs: list[dict]) -> list[Submission]:
    return [Submission.model_validate(s) for s in subs]


def test_every_real_table_as_a_word_form_imports_back(real: list[dict]) -> None:
    data = form_docx(real)
    result = load_submissions_bytes(data, "各单位申报表.docx")
    assert result.issues == []
    assert len(result.submissions) == 12
    diffs = [
        d
        for g, w in zip(result.submissions, _want(real), strict=True)
        for d in diff_submission(g, w, fields=FORM_FIELDS)
    ]
    assert diffs == []
    # the forms really are merged: 一级 cells span rows, and the money label spans three rows
    blocks = [b for b in docx_blocks(data) if b.is_table]
    assert len(blocks) == 12 and all(b.merges for b in blocks)
    assert result.submissions[0].source == "各单位申报表.docx#第1个表格第1行"
    assert result.submissions[5].source == "各单位申报表.docx#第6个表格第1行"


def test_form_amounts_are_read_in_wan_yuan(real: list[dict]) -> None:
    r06 = next(s for s in real if s["id"] == "R06")
    [got] = load_submissions_bytes(form_docx([r06]), "R06.docx").submissions
    assert got.budget_yuan == r06["budget_yuan"] == 2140600.0
    assert got.funding is not None and got.funding.fiscal == 2140600.0 and got.funding.other == 0.0
    assert got.year == r06["year"]


def test_dev_set_as_one_flat_word_table_imports_back(dev: list[dict]) -> None:
    result = load_submissions_bytes(flat_docx(dev), "部门汇总.docx")
    assert result.issues == []
    assert [s.project for s in result.submissions] == [s["project"] for s in dev]
    diffs = [d for g, w in zip(result.submissions, _want(dev), strict=True) for d in diff_submission(g, w)]
    assert diffs == []
    assert sum(len(s.indicators) for s in result.submissions) == 332


def test_real_tables_as_one_flat_word_table_import_back(real: list[dict]) -> None:
    result = load_submissions_bytes(flat_docx(real), "real_flat.docx")
    diffs = [d for g, w in zip(result.submissions, _want(real), strict=True) for d in diff_submission(g, w)]
    assert result.issues == [] and diffs == []


def _doc_bytes(doc) -> bytes:
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_form_whose_indicator_grid_is_a_second_table(dev: list[dict]) -> None:
    """Label block in one table, 绩效指标 in the next: one project, not an orphan grid."""
    d07 = next(s for s in dev if s["id"] == "D07")
    doc = Document()
    doc.add_paragraph("项目支出绩效目标申报表（2024年度）")
    doc.add_paragraph("金额单位：万元")
    top = doc.add_table(rows=3, cols=2)
    for row, (label, value) in zip(
        top.rows,
        (("项目名称", d07["project"]), ("年度资金总额", "1188"), ("年度目标", d07["annual_goal"])),
        strict=True,
    ):
        row.cells[0].text, row.cells[1].text = label, value
    doc.add_paragraph("二、绩效指标")
    grid = doc.add_table(rows=1 + len(d07["indicators"]), cols=7)
    for c, text in enumerate(FORM_HEADER):
        grid.rows[0].cells[c].text = text
    for i, ind in enumerate(d07["indicators"], 1):
        for c, key in enumerate(("level1", "level2", "name", "op", "value", "unit", "weight")):
            value = ind.get(key)
            grid.rows[i].cells[c].text = "" if value is None else str(value).removesuffix(".0")
    result = load_submissions_bytes(_doc_bytes(doc), "D07.docx")
    assert result.issues == []
    [got] = result.submissions
    assert got.project == d07["project"] and got.budget_yuan == 11880000.0 and got.year == 2024
    assert [i.name for i in got.indicators] == [i["name"] for i in d07["indicators"]]


def test_bad_cell_is_named_by_table_and_row_and_the_rest_still_imports(dev: list[dict]) -> None:
    doc = Document()
    doc.add_paragraph("说明：本文件含两张表")
    doc.add_table(rows=1, cols=2).rows[0].cells[0].text = "与绩效目标无关的表"
    table = doc.add_table(rows=3, cols=len(FLAT_HEADER))
    for c, text in enumerate(FLAT_HEADER):
        table.rows[0].cells[c].text = text
    good = [
        "某镇政府",
        "村组干部报酬",
        "33",
        "按时发放报酬",
        "产出指标",
        "数量指标",
        "人数",
        "=",
        "230",
        "人",
        "10",
    ]
    bad = ["", "", "", "", "", "质量指标", "发放准确率", "=", "100", "%", "十分"]
    for c in range(len(FLAT_HEADER)):
        table.rows[1].cells[c].text = good[c]
        table.rows[2].cells[c].text = bad[c]
    result = load_submissions_bytes(_doc_bytes(doc), "混合.docx")
    [sub] = result.submissions
    assert sub.project == "村组干部报酬" and len(sub.indicators) == 2 and sub.budget_yuan == 330000.0
    weight_issue = next(i for i in result.issues if "十分" in i.message)
    assert weight_issue.file == "混合.docx" and weight_issue.message.startswith("第2个表格第3行：")
    assert "混合.docx" in str(weight_issue) and "工作表" not in str(weight_issue)
    unmapped = next(i for i in result.issues if i is not weight_issue)
    assert unmapped.message.startswith("第1个表格")


def test_document_without_tables_says_so() -> None:
    doc = Document()
    doc.add_paragraph("关于报送2024年项目绩效目标的函")
    result = load_submissions_bytes(_doc_bytes(doc), "函.docx")
    assert result.submissions == []
    [issue] = result.issues
    assert issue.file == "函.docx" and "没有表格" in issue.message


def test_damaged_word_file_is_one_chinese_issue(real: list[dict]) -> None:
    data = form_docx(real[:1])
    result = load_submissions_bytes(data[: len(data) // 2], "坏.docx")
    [issue] = result.issues
    assert issue.file == "坏.docx" and "Word" in issue.message and "损坏" in issue.message
    assert "Error" not in issue.message  # no exception class names leak to users
