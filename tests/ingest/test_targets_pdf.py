"""Text PDFs (部门预算公开): the shared real tables and the dev set, rendered to PDF, import back the same.

A PDF keeps no line breaks or spaces of its own inside a cell (a wrapped line and a typed line break look
alike), so text is compared without whitespace; numbers, units, operators and levels are compared exactly.
"""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest
from support.target_docs import diff_submission, flat_pdf, form_pdf, load_subs

from core.models import Submission
from ingest.targets import load_submissions_bytes

FORM_FIELDS = ("unit", "project", "budget_yuan", "annual_goal", "department", "overall_goal", "year")


@pytest.fixture(scope="module")
def real(data_dir_shared: Path) -> list[dict]:
    return load_subs(data_dir_shared / "real_dev_targets.json")


@pytest.fixture(scope="module")
def dev(data_dir_shared: Path) -> list[dict]:
    return load_subs(data_dir_shared / "targets_dev.json")


def _want(subs: list[dict]) -> list[Submission]:
    return [Submission.model_validate(s) for s in subs]


def _diffs(got: list[Submission], subs: list[dict], **kw) -> list[str]:
    return [
        d
        for g, w in zip(got, _want(subs), strict=True)
        for d in diff_submission(g, w, squash_space=True, **kw)
    ]


def test_every_real_table_as_a_pdf_form_imports_back(real: list[dict]) -> None:
    result = load_submissions_bytes(form_pdf(real), "预算公开.pdf")
    assert result.issues == []
    assert len(result.submissions) == 12
    assert _diffs(result.submissions, real, fields=FORM_FIELDS) == []
    r12 = result.submissions[11]  # no 一级 column text, 二级 "成本指标" merged over two rows
    assert [i.level2 for i in r12.indicators][3:5] == ["成本指标", "成本指标"]
    assert result.submissions[2].source == "预算公开.pdf#第3页第1个表格第1行"


def test_real_tables_as_one_flat_pdf_table_import_back(real: list[dict]) -> None:
    result = load_submissions_bytes(flat_pdf(real), "real_flat.pdf")
    assert result.issues == [] and _diffs(result.submissions, real) == []


def test_flat_table_broken_across_pages_keeps_projects_whole(dev: list[dict]) -> None:
    data = flat_pdf(dev)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [p.extract_tables()[0] for p in pdf.pages]
    assert len(pages) > 3
    # at least one page starts inside a project: its first body row has no 项目名称 (the project began above)
    assert any(not (table[1][1] or "").strip() for table in pages[1:])
    assert all(table[0][1] == "项目名称" for table in pages)  # the header repeats on each page
    result = load_submissions_bytes(data, "部门预算公开.pdf")
    assert result.issues == []
    assert [s.project for s in result.submissions] == [s["project"] for s in dev]
    assert _diffs(result.submissions, dev) == []
    assert sum(len(s.indicators) for s in result.submissions) == 332


def test_dev_forms_with_merged_levels_import_back(dev: list[dict]) -> None:
    subs = dev[:10]
    result = load_submissions_bytes(form_pdf(subs), "forms.pdf")
    assert result.issues == [] and _diffs(result.submissions, subs, fields=FORM_FIELDS) == []


def _canvas_pdf(draw, **kw) -> bytes:
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, **kw)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_scanned_pdf_is_named_a_scan() -> None:
    from PIL import Image
    from reportlab.lib.utils import ImageReader

    image = Image.new("RGB", (400, 300), "white")
    data = _canvas_pdf(lambda c: c.drawImage(ImageReader(image), 50, 400, 400, 300))
    result = load_submissions_bytes(data, "扫描件.pdf")
    assert result.submissions == []
    [issue] = result.issues
    assert issue.file == "扫描件.pdf" and "扫描件" in issue.message and "没有可提取的文字" in issue.message


def test_pdf_with_text_but_no_ruled_table() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def draw(c) -> None:
        c.setFont("STSong-Light", 12)
        c.drawString(60, 700, "项目名称 村组干部报酬 年度目标 按时发放")

    result = load_submissions_bytes(_canvas_pdf(draw), "无框线.pdf")
    [issue] = result.issues
    assert result.submissions == [] and "没有识别出带框线的表格" in issue.message


def test_encrypted_and_damaged_pdfs(real: list[dict]) -> None:
    def draw(c) -> None:
        c.drawString(60, 700, "secret")

    locked = _canvas_pdf(draw, encrypt="open-sesame")
    [issue] = load_submissions_bytes(locked, "加密.pdf").issues
    assert "密码" in issue.message and issue.file == "加密.pdf"
    data = form_pdf(real[:1])
    [issue] = load_submissions_bytes(data[:400], "坏.pdf").issues
    assert "损坏" in issue.message and "Error" not in issue.message
