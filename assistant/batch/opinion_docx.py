"""Draft 审核意见 .docx for a whole round, fast: assistant.export_docx's layout, built once and filled.

`export_review_docx` builds each document with python-docx (about 80 ms each: a thousand take minutes).
Here it builds one template whose every variable part is a marker — the info table's cells, the grade
statement, one body paragraph per section, one note paragraph — and each opinion is that template's
document.xml with the markers replaced (a body paragraph repeated once per line of the section) and
the other parts of the package copied as they are. The result is byte for byte the document.xml
`export_review_docx` writes for the same opinion (tests/assistant/test_batch_opinions.py holds this); any
opinion the template cannot express (text python-docx would split into tabs or breaks, a section the
template lacks) is written by `export_review_docx` itself.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from types import SimpleNamespace
from xml.sax.saxutils import escape

from assistant import export_docx
from assistant.export_docx import NOTES_KEY, export_review_docx, split_sections
from assistant.models import CheckResult, Severity
from assistant.records.models import ReviewRecord, SubmissionRecord
from core.models import Submission

SECTION_KEYS = ("审核结论", "完整性", "相关性", "适当性", "可行性", "修改建议")
_LIST_KEYS = (*SECTION_KEYS, NOTES_KEY)
_DOCUMENT = "word/document.xml"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_BREAKS = {"\t": "<w:tab/>", "\n": "<w:br/>", "\r": "<w:br/>"}


def _mark(key: str) -> str:
    return f"\u2983{key}\u2984"  # ⦃key⦄: never in an opinion, one w:t each


def submission_record(sub: Submission, result: CheckResult, seq: int) -> SubmissionRecord:
    """A record as the Word export reads it, never stored: the batch 序号 stands for the database id."""
    counts = {s.value: sum(1 for f in result.findings if f.severity == s) for s in Severity}
    return SubmissionRecord(
        id=seq,
        external_id=sub.id,
        canonical=sub.canonical(),
        status="pending",
        version=1,
        severity_counts=counts,
    )


def export_slow(sub: Submission, result: CheckResult, text: str, seq: int) -> bytes:
    """The opinion written by assistant.export_docx itself (the reference the template reproduces)."""
    review = ReviewRecord(text=text, versions=[])
    return export_review_docx(record=submission_record(sub, result, seq), review=review, precheck=result)


@dataclass
class _Template:
    pieces: list[tuple[str, str]]  # ("lit", xml) / ("text", key) / ("para", key)
    prototypes: dict[str, str]  # key -> the paragraph's xml with its marker
    info_rows: int
    parts: list[tuple[zipfile.ZipInfo, bytes | None]]  # the package's parts in order; None: document.xml


class OpinionDocxWriter:
    """`render(sub, result, text, seq)` -> .docx bytes; the template is built on first use."""

    def __init__(self) -> None:
        self._template: _Template | None = None
        self._broken = False
        self.fast = 0
        self.slow = 0

    def render(self, sub: Submission, result: CheckResult, text: str, seq: int) -> bytes:
        template = self._get_template()
        data = None if template is None else _fill(template, sub, result, text, seq)
        if data is None:
            self.slow += 1
            return export_slow(sub, result, text, seq)
        self.fast += 1
        return data

    def _get_template(self) -> _Template | None:
        if self._template is None and not self._broken:
            try:
                self._template = _build_template()
            except Exception:  # noqa: BLE001  the layout changed in a way the template cannot follow
                self._broken = True
        return self._template


def _build_template() -> _Template:
    text = (
        "\n".join(line for key in SECTION_KEYS for line in (key, _mark(key))) + f"\n---\n{_mark(NOTES_KEY)}"
    )
    record = SubmissionRecord(id=0, canonical={}, status="pending", version=1, severity_counts={})
    precheck = SimpleNamespace(
        grade=SimpleNamespace(value=_mark("grade")), grade_consequence=_mark("consequence"), findings=[]
    )
    review = SimpleNamespace(text=text, versions=[])
    data = export_review_docx(record=record, review=review, precheck=precheck)  # type: ignore[arg-type]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        xml = zf.read(_DOCUMENT).decode("utf-8")
        parts = [(i, None if i.filename == _DOCUMENT else zf.read(i)) for i in zf.infolist()]
    n_info = len(export_docx.info_rows(record, precheck))  # type: ignore[arg-type]
    xml = _mark_info_table(xml, n_info)
    stated = f"审核等级：{_mark('grade')}。{_mark('consequence')}"
    if xml.count(stated) != 1:
        raise ValueError("grade statement not found")
    xml = xml.replace(stated, _mark("stated"))
    prototypes: dict[str, str] = {}
    for key in _LIST_KEYS:
        marker = _mark(key)
        at = xml.find(marker)
        start = max(m.start() for m in re.finditer(r"<w:p[ >]", xml[:at]))
        end = xml.index("</w:p>", at) + len("</w:p>")
        prototypes[key] = xml[start:end]
        xml = xml[:start] + f"\x00para:{key}\x00" + xml[end:]
    pieces: list[tuple[str, str]] = []
    for n, chunk in enumerate(re.split(r"\x00(para:[^\x00]+)\x00", xml)):
        if n % 2:
            pieces.append(("para", chunk.removeprefix("para:")))
            continue
        for k, bit in enumerate(re.split("\u2983([^\u2984]+)\u2984", chunk)):
            pieces.append(("text", bit) if k % 2 else ("lit", bit))
    keys = {k for kind, k in pieces if kind == "text"}
    if keys != {"stated"} | {f"info{i}" for i in range(2 * n_info)}:
        raise ValueError(f"unexpected template markers: {sorted(keys)}")
    return _Template(pieces, prototypes, n_info, parts)


def _mark_info_table(xml: str, n_rows: int) -> str:
    """The first table's cell texts (label, value per row) become markers info0, info1, …"""
    start, end = xml.index("<w:tbl>"), xml.index("</w:tbl>") + len("</w:tbl>")
    table = xml[start:end]
    texts = list(re.finditer(r"(<w:t(?: [^>]*)?>)([^<]*)(</w:t>)", table))
    if len(texts) != 2 * n_rows:
        raise ValueError("info table shape changed")
    out, last = [], 0
    for i, m in enumerate(texts):
        out += [table[last : m.start()], m.group(1), _mark(f"info{i}"), m.group(3)]
        last = m.end()
    out.append(table[last:])
    return xml[:start] + "".join(out) + xml[end:]


def _run_xml(text: str) -> str | None:
    """The inside of one w:t as python-docx writes `run.text = text`: tabs and line breaks become <w:tab/> and
    <w:br/> between text elements. None where it would differ (edge spaces, control characters)."""
    tokens = [t for t in re.split(r"(\t|\n|\r)", text) if t]
    if not tokens or tokens[0] in _BREAKS or tokens[-1] in _BREAKS:
        return None
    out: list[str] = []
    open_t = True  # the template's own <w:t> is open
    for token in tokens:
        if token in _BREAKS:
            out.append(("</w:t>" if open_t else "") + _BREAKS[token])
            open_t = False
            continue
        if _CONTROL.search(token) or token != token.strip():
            return None
        out.append(("" if open_t else "<w:t>") + escape(token))
        open_t = True
    return "".join(out)


def _fill(t: _Template, sub: Submission, result: CheckResult, text: str, seq: int) -> bytes | None:
    sections = split_sections(text)
    if set(sections) - set(_LIST_KEYS) - {"项目基本信息"}:
        return None  # e.g. 其他意见 from a model: not in the template
    record = submission_record(sub, result, seq)
    info = export_docx.info_rows(record, result)
    if len(info) != t.info_rows:
        return None
    if result.grade is None or result.grade_consequence is None:
        return None
    grade = result.grade.value
    stated = f"审核等级：{grade}。"
    if result.grade_consequence.split("（《")[0].strip() not in text:
        stated += result.grade_consequence
    values = {"stated": stated}
    for i, (label, value) in enumerate(info):
        values[f"info{2 * i}"], values[f"info{2 * i + 1}"] = label, value or "—"
    lists: dict[str, list[str]] = {key: sections.get(key) or ["无。"] for key in SECTION_KEYS}
    lists["审核结论"] = [
        p for p in sections.get("审核结论", []) if not export_docx.is_grade_statement(p, grade)
    ] or ["无。"]
    lists[NOTES_KEY] = sections.get(NOTES_KEY, [])
    texts: dict[str, str] = {}
    for k, v in values.items():
        xml = _run_xml(v)
        if xml is None:
            return None
        texts[k] = xml
    paras: dict[str, list[str]] = {}
    for k, ps in lists.items():
        runs = [_run_xml(p) for p in ps]
        if any(r is None for r in runs):
            return None
        paras[k] = [r for r in runs if r is not None]
    out: list[str] = []
    for kind, key in t.pieces:
        if kind == "lit":
            out.append(key)
        elif kind == "text":
            out.append(texts[key])
        else:
            proto, marker = t.prototypes[key], _mark(key)
            out.extend(proto.replace(marker, p) for p in paras[key])
    return _package(t, "".join(out).encode("utf-8"))


def _package(t: _Template, document: bytes) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        for info, data in t.parts:
            zf.writestr(info, document if data is None else data, zipfile.ZIP_DEFLATED, 1)
    return buf.getvalue()


def render_document_xml(data: bytes) -> bytes:
    """word/document.xml of a .docx (for comparing the fast and the reference writer)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.read(_DOCUMENT)


def opinion_text(sub: Submission, result: CheckResult) -> str:
    """The rules-only draft 审核意见 (assistant.opinion), as the reviewer would edit it."""
    from assistant.opinion import draft_opinion, render_opinion_text

    return render_opinion_text(draft_opinion(sub, result))


__all__ = ["OpinionDocxWriter", "export_slow", "opinion_text", "render_document_xml", "submission_record"]
