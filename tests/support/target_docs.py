"""Render canonical submissions as the documents units actually send: Word 申报表 and 部门预算公开 PDFs.

Used by the importer tests (each table must import back to the same submission) and the batch tests.
Word: one 申报表 per project (label block with merged cells, 金额单位：万元, indicator grid whose 一级/二级
cells are merged down), or one flat table of many projects. PDF (reportlab, the CID font STSong-Light so no
font file is needed): a flat table that runs over several pages, or one form per project.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

from core.normalize import number_to_text

FORM_HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重"]
FLAT_HEADER = ["单位名称", "项目名称", "预算数（万元）", "年度目标", *FORM_HEADER]


def load_subs(path: Path) -> list[dict[str, Any]]:
    obj = json.loads(path.read_text(encoding="utf-8"))
    return obj["submissions"] if isinstance(obj, dict) else obj


def wan(budget_yuan: float | None) -> str:
    return "" if budget_yuan is None else number_to_text(budget_yuan / 10000)


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return number_to_text(value)
    return str(value)


def indicator_cells(ind: dict[str, Any]) -> list[str]:
    return [cell(ind.get(k)) for k in ("level1", "level2", "name", "op", "value", "unit", "weight")]


def runs(values: list[str]) -> list[tuple[int, int]]:
    """(start, length) of runs of equal non-empty values: the cells a bureau merges vertically."""
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(values):
        j = i + 1
        while j < len(values) and values[j] == values[i] and values[i]:
            j += 1
        out.append((i, j - i))
        i = j
    return out


# ---- Word ---------------------------------------------------------------------------------------------


def _set(cell_obj: Any, text: str) -> None:
    cell_obj.text = text


def _form_table(doc: Any, sub: dict[str, Any]) -> None:
    inds = sub["indicators"]
    n_rows = 7 + 1 + len(inds)
    table = doc.add_table(rows=n_rows, cols=7)
    table.style = "Table Grid"
    rows = table.rows
    # label block
    a = rows[0].cells
    _set(a[0], "项目名称")
    a[1].merge(a[6])
    _set(rows[0].cells[1], sub.get("project") or "")
    b = rows[1].cells
    _set(b[0], "主管部门")
    b[1].merge(b[2])
    _set(rows[1].cells[1], sub.get("department") or "")
    _set(rows[1].cells[3], "实施单位")
    rows[1].cells[4].merge(rows[1].cells[6])
    _set(rows[1].cells[4], sub.get("unit") or "")
    money = rows[2].cells[0].merge(rows[4].cells[0])
    _set(money, "项目资金（万元）")
    for i, (label, amount) in enumerate(
        (
            ("年度资金总额", sub.get("budget_yuan")),
            ("其中：财政拨款", sub.get("budget_yuan")),
            ("其他资金", 0.0),
        )
    ):
        r = rows[2 + i].cells
        r[1].merge(r[2])
        _set(rows[2 + i].cells[1], label)
        rows[2 + i].cells[3].merge(rows[2 + i].cells[6])
        _set(rows[2 + i].cells[3], wan(amount) if amount is not None else "")
    for r_i, (label, key) in ((5, ("总体目标", "overall_goal")), (6, ("年度目标", "annual_goal"))):
        r = rows[r_i].cells
        _set(r[0], label)
        r[1].merge(r[6])
        _set(rows[r_i].cells[1], sub.get(key) or "")
    for c, text in enumerate(FORM_HEADER):
        _set(rows[7].cells[c], text)
    body = [indicator_cells(ind) for ind in inds]
    for i, values in enumerate(body):
        for c in range(2, 7):
            _set(rows[8 + i].cells[c], values[c])
    for col in (0, 1):
        for start, length in runs([v[col] for v in body]):
            top = rows[8 + start].cells[col]
            if length > 1:
                top = top.merge(rows[8 + start + length - 1].cells[col])
            _set(top, body[start][col])


def form_docx(subs: list[dict[str, Any]], *, year_title: bool = True) -> bytes:
    """One 申报表 per project (title and 金额单位 as paragraphs above each table), page breaks between."""
    from docx import Document

    doc = Document()
    for k, sub in enumerate(subs):
        if k:
            doc.add_page_break()
        year = f"（{sub['year']}年度）" if year_title and sub.get("year") else ""
        doc.add_paragraph(f"项目支出绩效目标申报表{year}")
        doc.add_paragraph(f"填报单位（盖章）：{sub.get('unit') or ''}    金额单位：万元")
        _form_table(doc, sub)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def flat_docx(subs: list[dict[str, Any]]) -> bytes:
    """One flat table of many projects: project cells and 一级/二级 cells merged down."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("部门项目支出绩效目标表")
    body: list[list[str]] = []
    owners: list[int] = []
    for k, sub in enumerate(subs):
        for ind in sub["indicators"] or [{}]:
            body.append(
                [
                    cell(sub.get("unit")),
                    cell(sub.get("project")),
                    wan(sub.get("budget_yuan")),
                    cell(sub.get("annual_goal")),
                ]
                + indicator_cells(ind)
            )
            owners.append(k)
    table = doc.add_table(rows=1 + len(body), cols=len(FLAT_HEADER))
    table.style = "Table Grid"
    for c, text in enumerate(FLAT_HEADER):
        table.rows[0].cells[c].text = text
    for i, values in enumerate(body):
        for c in range(6, len(FLAT_HEADER)):
            table.rows[1 + i].cells[c].text = values[c]
    # project cells merge over the project's rows; level cells merge within the project
    groups = runs([str(o) for o in owners])
    for start, length in groups:
        for col in range(6):
            if col < 4:
                spans = [(start, length)]
            else:
                spans = [(start + s, n) for s, n in runs([body[start + i][col] for i in range(length)])]
            for s, n in spans:
                top = table.rows[1 + s].cells[col]
                if n > 1:
                    top = top.merge(table.rows[s + n].cells[col])
                top.text = body[s][col]
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


# ---- PDF ----------------------------------------------------------------------------------------------


def _pdf_kit() -> tuple[Any, Any]:
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("cell", fontName="STSong-Light", fontSize=8, leading=10, wordWrap="CJK")
    title = ParagraphStyle("title", fontName="STSong-Light", fontSize=12, leading=16)
    return style, title


def _p(text: str, style: Any) -> Any:
    from reportlab.platypus import Paragraph

    # U+00B7 has no code in the CID font's UniGB-UCS2-H CMap; U+30FB is that dot there (read back as U+00B7)
    escaped = (
        text.replace("·", "・")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\n", "<br/>")
    )
    return Paragraph(escaped, style)


def flat_pdf(subs: list[dict[str, Any]]) -> bytes:
    """A 部门预算公开 flat table over several pages: header repeated on each page, project cells only on a
    project's first row (a page break may fall inside a project), 一级 cells merged within a page."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.platypus import SimpleDocTemplate, Table, TableStyle

    style, title = _pdf_kit()
    data: list[list[Any]] = [FLAT_HEADER]
    for sub in subs:
        for i, ind in enumerate(sub["indicators"] or [{}]):
            head = [sub.get("unit"), sub.get("project"), wan(sub.get("budget_yuan")), sub.get("annual_goal")]
            head = [cell(v) for v in head] if i == 0 else ["", "", "", ""]
            data.append(head + indicator_cells(ind))
    rows = [[_p(v, style) if isinstance(v, str) else v for v in row] for row in data]
    widths = [70, 90, 45, 150, 45, 50, 110, 30, 55, 40, 30]
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "TOP")])
    )
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf, pagesize=landscape(A4), leftMargin=20, rightMargin=20, topMargin=30, bottomMargin=30
    )
    doc.build([_p("2024年部门预算项目支出绩效目标表", title), _p("金额单位：万元", style), table])
    return buf.getvalue()


def form_pdf(subs: list[dict[str, Any]]) -> bytes:
    """One 申报表 per project on its own page(s), label cells and 一级/二级 cells merged (SPAN)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.platypus import PageBreak, SimpleDocTemplate, Table, TableStyle

    style, title = _pdf_kit()
    story: list[Any] = []
    for k, sub in enumerate(subs):
        if k:
            story.append(PageBreak())
        year = f"（{sub['year']}年度）" if sub.get("year") else ""
        story.append(_p(f"项目支出绩效目标申报表{year}", title))
        story.append(_p("金额单位：万元", style))
        b = wan(sub.get("budget_yuan"))
        data = [
            ["项目名称", sub.get("project") or "", "", "", "", "", ""],
            ["主管部门", sub.get("department") or "", "", "实施单位", sub.get("unit") or "", "", ""],
            ["项目资金（万元）", "年度资金总额", "", b, "", "", ""],
            ["", "其中：财政拨款", "", b, "", "", ""],
            ["", "其他资金", "", "0", "", "", ""],
            ["总体目标", sub.get("overall_goal") or "", "", "", "", "", ""],
            ["年度目标", sub.get("annual_goal") or "", "", "", "", "", ""],
            FORM_HEADER,
        ]
        spans = [
            ((1, 0), (6, 0)),
            ((1, 1), (2, 1)),
            ((4, 1), (6, 1)),
            ((0, 2), (0, 4)),
            ((1, 2), (2, 2)),
            ((3, 2), (6, 2)),
            ((1, 3), (2, 3)),
            ((3, 3), (6, 3)),
            ((1, 4), (2, 4)),
            ((3, 4), (6, 4)),
            ((1, 5), (6, 5)),
            ((1, 6), (6, 6)),
        ]
        body = [indicator_cells(ind) for ind in sub["indicators"]]
        for col in (0, 1):
            for start, length in runs([v[col] for v in body]):
                for i in range(start + 1, start + length):
                    body[i][col] = ""
                if length > 1:
                    spans.append(((col, 8 + start), (col, 8 + start + length - 1)))
        data += body
        rows = [[_p(v, style) if isinstance(v, str) else v for v in row] for row in data]
        table = Table(rows, colWidths=[60, 70, 140, 45, 70, 50, 40])
        table.setStyle(
            TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)] + [("SPAN", a, b2) for a, b2 in spans])
        )
        story.append(table)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(story)
    return buf.getvalue()


# ---- comparing ----------------------------------------------------------------------------------------

SUB_FIELDS = ("unit", "project", "budget_yuan", "annual_goal")
IND_FIELDS = ("level1", "level2", "name", "op", "value", "unit", "weight")


def _norm(value: Any, squash: bool) -> Any:
    if squash and isinstance(value, str):
        return re.sub(r"\s+", "", value)
    return value


def diff_submission(got: Any, want: Any, *, fields=SUB_FIELDS, squash_space: bool = False) -> list[str]:
    """Differences between an imported Submission and the canonical one (names, values, units, levels,
    budget); `squash_space` compares text without whitespace (a PDF keeps no line breaks or spaces)."""
    tag = want.id or want.project
    out = [
        f"{tag}.{f}: {getattr(got, f)!r} != {getattr(want, f)!r}"
        for f in fields
        if _norm(getattr(got, f), squash_space) != _norm(getattr(want, f), squash_space)
    ]
    if len(got.indicators) != len(want.indicators):
        return out + [f"{tag}: {len(got.indicators)} indicators != {len(want.indicators)}"]
    for i, (a, b) in enumerate(zip(got.indicators, want.indicators, strict=True)):
        out += [
            f"{tag}[{i}].{f}: {getattr(a, f)!r} != {getattr(b, f)!r}"
            for f in IND_FIELDS
            if _norm(getattr(a, f), squash_space) != _norm(getattr(b, f), squash_space)
        ]
    return out
