"""Reviewer-facing text: finding locations, citation lines, and the 审核意见 as editable markdown."""

from __future__ import annotations

import re

from assistant.citations import PRACTICE, TRUST_LABELS, Trust, citation_label, trust_of, with_trust
from assistant.labels import CELL_ZH, FIELD_ZH, indicator_place
from assistant.models import Citation, Location, Submission
from assistant.opinion_models import ClauseRef, OpinionFinding, ReviewOpinion, consequence_core

QUOTE_MAX = 90  # a quote in the document is the clause's sentence that carries the point, kept short
_CHINESE_ORDINALS = "一二三四五六七八九十"


def location_text(location: Location, submission: Submission | None = None) -> str:
    """年度目标 / 第3项指标“群众满意度”（指标值：明显提升）."""
    if location.indicator is not None:
        text = indicator_place(location.indicator)
        if submission is not None and 0 <= location.indicator < len(submission.indicators):
            ind = submission.indicators[location.indicator]
            if ind.name:
                text += f"“{ind.name}”"
            shown = " ".join(p for p in (ind.op_raw or ind.op or "", ind.value or "", ind.unit or "") if p)
            if shown:
                text += f"（{shown}）"
        if location.cell:
            text += f"的{CELL_ZH.get(location.cell, location.cell)}"
        return text
    if location.field:
        return FIELD_ZH.get(location.field, location.field)
    return "整体"


def citation_text(cite: Citation) -> str:
    """How a rule's citation reads in an answer about a submission (no knowledge base consulted): the label
    with its trust state, then the rule's summary."""
    confidence = cite.confidence or ""
    label = citation_label(cite.doc, cite.article, confidence)
    if PRACTICE in confidence:
        return label + (f"：{cite.quote}" if cite.quote else "")
    trust = trust_of(confidence, cite.article, official=False)
    return with_trust(label, trust) + (f"：{cite.quote}" if cite.quote else "")


def document_citation(ref: ClauseRef, *, with_quote: bool = True) -> str:
    """How a citation reads in the document a bureau sends — one form per trust state:

    已核实: 《文件》（文号）第X条：「the official text's own sentence」;
    要点（转述）: 《文件》（文号）第X条，要点（转述）：our summary (no quotation marks: not its words);
    条款号待核对: 《文件》（文号），要点（转述）：our summary — an unverified number is never printed.
    """
    summary = (ref.summary or "").strip().rstrip("。；;")
    if ref.practice:
        return ref.label + (f"：{summary}" if with_quote and summary else "")
    if ref.trust == Trust.VERIFIED:
        head = ref.label
        if not (with_quote and ref.quote):
            return head
        whole = ref.quote.rstrip("。；;，,")  # the 依据 line ends with its own full stop
        quote = whole if len(whole) <= QUOTE_MAX else whole[:QUOTE_MAX]
        return f"{head}：「{quote}」" + ("……" if quote != whole else "")
    head = citation_label(ref.doc) if ref.trust == Trust.UNCHECKED else ref.label
    if not (with_quote and summary):
        return head
    return f"{head}，{TRUST_LABELS[Trust.PARAPHRASE]}：{summary}"


def _citation_key(ref: ClauseRef) -> tuple[str, str]:
    return (
        document_citation(ref, with_quote=False),
        (ref.quote or "") if ref.trust == Trust.VERIFIED else (ref.summary or ""),
    )


# a rule message names its citation in brackets at the end: （《…》（文号）约第十三条（二）…） or
# （审核实务（…））; the document cites each clause once, on the finding's 依据 line instead
_INLINE_CITE_START = re.compile(r"（(?=《|审核实务)")


def strip_inline_citations(message: str) -> str:
    """The message without the bracketed citation(s) the rule templates put in it."""
    out, pos = [], 0
    for m in _INLINE_CITE_START.finditer(message):
        if m.start() < pos:
            continue
        depth, end = 0, None
        for i in range(m.start(), len(message)):
            if message[i] in "（(":
                depth += 1
            elif message[i] in "）)":
                depth -= 1
                if depth == 0:
                    end = i + 1
                    break
        if end is None:
            break
        out.append(message[pos : m.start()])
        pos = end
    out.append(message[pos:])
    return re.sub(r"\s+([，。；])", r"\1", "".join(out)).strip()


def _finding_lines(f: OpinionFinding, cited: set[tuple[str, str]]) -> list[str]:
    lines = [f"{f.number}. 【{f.severity_zh}】{f.location_text}：{strip_inline_citations(f.message)}"]
    parts: list[str] = []
    for ref in f.citations:
        key = _citation_key(ref)
        text = document_citation(ref, with_quote=key not in cited)
        cited.add(key)
        if text not in parts:
            parts.append(text)
    if parts:
        lines.append(f"   依据：{'；'.join(parts)}。")
    lines.append(f"   修改建议：{f.suggestion}")
    if f.rewrite_example:
        lines.append(f"   改写示例（供参考，大模型生成）：{f.rewrite_example}")
    return lines


def render_opinion_text(op: ReviewOpinion) -> str:
    """The 审核意见 as markdown/plain text — what the reviewer edits, approves and sends: nothing in it is
    written for the reviewer (caveats live in `op.caveats`)."""
    info = op.info
    lines = [f"# {op.title}", "", "## 一、项目基本信息", ""]
    lines += [
        f"- {label}：{value or '未填报'}"
        for label, value in (
            ("项目名称", info.project),
            ("实施单位", info.unit),
            ("主管部门", info.department),
            ("预算年度", f"{info.year}年" if info.year else None),
            ("年度资金总额", info.budget_text),
            ("实施期", info.period),
        )
    ]
    lines += [
        "",
        "## 二、审核结论",
        "",
        f"审核结论：**{op.grade.value}**。",
        f"依据{op.grade_basis}：{consequence_core(op.grade_consequence)}。",
        "",
        op.summary,
        "",
        "## 三、审核发现",
        "",
    ]
    cited: set[tuple[str, str]] = set()  # each clause is quoted once, the first time it is cited
    for i, section in enumerate(op.sections):
        lines.append(f"### （{_CHINESE_ORDINALS[i]}）{section.dimension.value}")
        lines.append("")
        lines.append(section.verdict + (f"{section.comment}" if section.comment else ""))
        for f in section.findings:
            lines += _finding_lines(f, cited)
        lines.append("")
    lines += ["## 四、修改建议", ""]
    lines += [f"{n}. {s}" for n, s in enumerate(op.suggestions, 1)] or ["无。"]
    if op.observations:
        lines += ["", "## 五、其他意见（供参考，由大模型生成，不影响审核结论）", ""]
        lines += [f"{n}. {s}" for n, s in enumerate(op.observations, 1)]
    # how the draft was made and which citations need care are the reviewer's business: op.caveats, shown
    # beside the draft in the UI, never printed in the document
    return "\n".join(lines).rstrip() + "\n"
