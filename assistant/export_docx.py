"""Exports: the 审核意见 as a Word file a bureau can print and sign, and the precheck report as
Markdown/JSON (through assistant.checks.render).

The Word layout: title 项目支出绩效目标审核意见, 项目基本信息 table, 审核结论 (the rules' grade and
its consequence), the four review dimensions, 修改建议, a signature block 审核人/审批人/日期, page
numbers in the footer. The body comes from the reviewer's current text, split at its section
headings, so every edit a reviewer made is what gets printed.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from assistant.models import CheckResult
from assistant.records.models import ReviewRecord, SubmissionRecord, as_utc
from core.errors import UserError

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# characters XML 1.0 cannot hold (lxml refuses them): text stored before the API's edge cleaning existed
# must still export
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TITLE = "项目支出绩效目标审核意见"
BODY_FONT, HEADING_FONT = "仿宋", "黑体"
DIMENSIONS = ("完整性", "相关性", "适当性", "可行性")
SECTION_ALIASES: dict[str, tuple[str, ...]] = {
    "审核结论": ("审核结论", "总体结论", "结论", "总体意见"),
    "完整性": ("完整性",),
    "相关性": ("相关性",),
    "适当性": ("适当性",),
    "可行性": ("可行性",),
    "修改建议": ("修改建议", "整改建议", "修改意见", "完善建议"),
    "其他意见": ("其他意见",),
    "项目基本信息": ("项目基本信息", "基本信息"),  # the Word layout prints its own table instead
}
NOTES_KEY = "说明"
_NUMBERING = re.compile(
    r"^(?:#+\s*|[一二三四五六七八九十]+[、.．]\s*|[（(][一二三四五六七八九十\d]+[）)]\s*|"
    r"\d+[、.．]\s*|【)+"
)
CN_DIGITS = "一二三四五六七八九十"
# structural headings of a drafted text that the Word layout provides itself
SKIPPED_HEADINGS = (TITLE, "审核意见", "分项意见", "分项审核意见", "具体意见", "审核情况", "审核发现")


# ---- splitting the reviewer's text into sections (pure) -------------------------------------


def _heading_key(line: str) -> tuple[str | None, str]:
    """(section key, rest of the line) when the line is a section heading, else (None, line)."""
    core = _NUMBERING.sub("", line.strip()).strip().strip("*【】[] ")
    match = re.match(r"^([^:：]{1,16})[:：]\s*(.*)$", core)
    head, rest = (match.group(1), match.group(2)) if match else (core, "")
    head = re.sub(r"[（(][^）)]*[）)]$", "", head.strip().strip("*【】 "))
    if len(head) > 12:
        return None, line
    for key, aliases in SECTION_ALIASES.items():
        if any(head == a or (head.startswith(a) and len(head) <= len(a) + 4) for a in aliases):
            return key, rest.strip()
    return None, line


def split_sections(text: str) -> dict[str, list[str]]:
    """Paragraphs per section key; text before the first heading goes under "审核结论".

    Only unindented lines can be headings: the indented lines under a finding (依据：…, 修改建议：…)
    belong to that finding.
    """
    sections: dict[str, list[str]] = {}
    current = "审核结论"
    for raw in text.splitlines():
        line = raw.strip().replace("**", "")
        if not line:
            continue
        if re.fullmatch(r"[-—_*]{3,}", line):  # a rule line: what follows are notes
            current = NOTES_KEY
            continue
        key, rest = (None, line) if raw[:1].isspace() else _heading_key(line)
        if key == "审核结论" and rest:  # "审核结论：良。" is a statement, not a heading
            key, rest = None, line
        if key is not None:
            current = key
            sections.setdefault(key, [])
            if rest:
                sections[key].append(rest)
            continue
        if _NUMBERING.sub("", line).strip().rstrip("：:") in SKIPPED_HEADINGS:
            continue
        sections.setdefault(current, []).append(line.lstrip("#").strip())
    return sections


def is_grade_statement(line: str, grade: str) -> bool:
    """The text's own "审核结论：良。" line, which the Word layout states itself (so it is left out)."""
    return re.fullmatch(rf"(审核结论|审核等级|结论)[:：]\s*{grade}[。.]?", line) is not None


# ---- the Word document ----------------------------------------------------------------------


@dataclass
class Signatures:
    reviewer: str | None
    reviewed_at: datetime | None
    approver: str | None
    approved_at: datetime | None


def signatures_of(review: ReviewRecord) -> Signatures:
    """The last drafter/editor signs as 审核人, whoever approved signs as 审批人."""
    writers = [v for v in review.versions if v.action in ("draft", "edit")]
    approvals = [v for v in review.versions if v.action == "approve"]
    last_writer = writers[-1] if writers else None
    approval = approvals[-1] if approvals else None
    return Signatures(
        reviewer=last_writer.author.display_name if last_writer else None,
        reviewed_at=as_utc(last_writer.created_at) if last_writer else None,
        approver=approval.author.display_name if approval else None,
        approved_at=as_utc(approval.created_at) if approval else None,
    )


def set_run_font(run: Any, name: str, size_pt: float, bold: bool = False) -> None:
    run.font.name, run.font.size, run.font.bold = name, Pt(size_pt), bold
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def paragraph(
    doc: Any,
    text: str,
    *,
    font: str = BODY_FONT,
    size: float = 14,
    bold: bool = False,
    align: Any = None,
    indent: bool = False,
) -> Any:
    para = doc.add_paragraph()
    if align is not None:
        para.alignment = align
    if indent:
        para.paragraph_format.first_line_indent = Pt(size * 2)
    para.paragraph_format.space_after = Pt(4)
    set_run_font(para.add_run(XML_INVALID.sub("", text)), font, size, bold)
    return para


def heading(doc: Any, text: str, level: int = 1) -> None:
    paragraph(
        doc, text, font=HEADING_FONT if level == 1 else "楷体", size=16 if level == 1 else 15, bold=level == 2
    )


def _yuan_to_wan(amount: float | None) -> str:
    return "" if amount is None else f"{amount / 10000:,.2f}"


def info_rows(record: SubmissionRecord, precheck: CheckResult) -> list[tuple[str, str]]:
    """The 基本信息 table of an opinion: (label, value) rows of the project and its precheck."""
    sub = record.canonical
    counts = record.severity_counts or {}
    external = f"，外部编号 {record.external_id}" if record.external_id else ""
    return [
        ("项目名称", sub.get("project") or ""),
        ("实施单位", sub.get("unit") or ""),
        ("主管部门", sub.get("department") or ""),
        ("所属地区", sub.get("region") or ""),
        ("预算年度", f"{sub['year']}年" if sub.get("year") else ""),
        ("项目类型", sub.get("project_type") or ""),
        ("实施期", sub.get("period") or ""),
        ("年度资金总额（万元）", _yuan_to_wan(sub.get("budget_yuan"))),
        ("年度目标", sub.get("annual_goal") or ""),
        (
            "预审发现",
            (
                f"错误 {counts.get('error', 0)} 项，警告 {counts.get('warning', 0)} 项，"
                f"提示 {counts.get('info', 0)} 项（共 {len(precheck.findings)} 项）"
            ),
        ),
        ("申报编号", f"#{record.id}（第 {record.version} 版{external}）"),
    ]


def _info_table(doc: Any, rows: list[tuple[str, str]]) -> None:
    table = doc.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for label, value in rows:
        cells = table.add_row().cells
        cells[0].width, cells[1].width = Cm(4.2), Cm(11.8)
        set_run_font(cells[0].paragraphs[0].add_run(label), BODY_FONT, 12, bold=True)
        set_run_font(cells[1].paragraphs[0].add_run(XML_INVALID.sub("", value) or "—"), BODY_FONT, 12)


def _add_page_number_footer(doc: Any) -> None:
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页，共 ", "NUMPAGES", " 页"):
        if piece in ("PAGE", "NUMPAGES"):
            field = OxmlElement("w:fldSimple")
            field.set(qn("w:instr"), piece)
            run = OxmlElement("w:r")
            text = OxmlElement("w:t")
            text.text = "1"
            run.append(text)
            field.append(run)
            para._p.append(field)
        else:
            set_run_font(para.add_run(piece), BODY_FONT, 10.5)


def _date(moment: datetime | None) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日" if moment else "    年  月  日"


def _signature_block(doc: Any, signatures: Signatures) -> None:
    doc.add_paragraph()
    table = doc.add_table(rows=2, cols=2)
    lines = [
        (f"审核人：{signatures.reviewer or '__________'}", f"日期：{_date(signatures.reviewed_at)}"),
        (f"审批人：{signatures.approver or '__________'}", f"日期：{_date(signatures.approved_at)}"),
    ]
    for row, (left, right) in zip(table.rows, lines, strict=True):
        set_run_font(row.cells[0].paragraphs[0].add_run(left), BODY_FONT, 14)
        set_run_font(row.cells[1].paragraphs[0].add_run(right), BODY_FONT, 14)


def _section_body(doc: Any, paragraphs: list[str] | None) -> None:
    for text in paragraphs or ["无。"]:
        paragraph(doc, text, indent=True)


def export_review_docx(*, record: SubmissionRecord, review: ReviewRecord, precheck: CheckResult) -> bytes:
    """The opinion as .docx bytes: approved → ready to sign; otherwise marked 草稿（未审批）."""
    if precheck.grade is None or precheck.grade_consequence is None:
        reason = precheck.error or "规则预审未给出等级"
        raise UserError(f"该申报未能完成规则预审（{reason}），无法导出审核意见。")
    doc = Document()
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    paragraph(doc, TITLE, font="宋体", size=22, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    if record.status != "approved":
        paragraph(doc, "（草稿，尚未审批通过）", size=14, align=WD_ALIGN_PARAGRAPH.CENTER)
    sections = split_sections(review.text)
    heading(doc, "一、项目基本信息")
    _info_table(doc, info_rows(record, precheck))
    heading(doc, "二、审核结论")
    grade = precheck.grade.value
    stated = f"审核等级：{grade}。"
    consequence_core = precheck.grade_consequence.split("（《")[0].strip()  # without its citation suffix
    if consequence_core not in review.text:
        stated += precheck.grade_consequence
    paragraph(doc, stated, bold=True, indent=True)
    _section_body(doc, [p for p in sections.get("审核结论", []) if not is_grade_statement(p, grade)] or None)
    heading(doc, "三、分项审核意见")
    for number, dimension in enumerate(DIMENSIONS):
        heading(doc, f"（{CN_DIGITS[number]}）{dimension}", level=2)
        _section_body(doc, sections.get(dimension))
    heading(doc, "四、修改建议")
    _section_body(doc, sections.get("修改建议"))
    if sections.get("其他意见"):
        heading(doc, "五、其他意见（供参考，不影响审核结论）")
        _section_body(doc, sections["其他意见"])
    for note in sections.get(NOTES_KEY, []):
        paragraph(doc, note, size=11)
    _signature_block(doc, signatures_of(review))
    _add_page_number_footer(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


# ---- the precheck report --------------------------------------------------------------------


def precheck_report(result: CheckResult, fmt: Literal["json", "markdown"]) -> tuple[str, str]:
    """(text, media type) of one submission's precheck report, rendered by assistant.checks.render."""
    from assistant.checks.render import results_to_json, results_to_markdown

    if fmt == "markdown":  # HTML in submitted text stays text: no raw <script> reaches a markdown viewer
        text = results_to_markdown([result]).replace("&", "&amp;").replace("<", "&lt;")
        return text, "text/markdown; charset=utf-8"
    return results_to_json([result]), "application/json"
