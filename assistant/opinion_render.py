"""Reviewer-facing text: finding locations, citation lines, and the 审核意见 as editable markdown."""

from __future__ import annotations

from assistant.citations import MEMORY, PRACTICE, citation_label
from assistant.labels import CELL_ZH, FIELD_ZH, indicator_place
from assistant.models import Citation, Location, Submission
from assistant.opinion_models import ClauseRef, OpinionFinding, ReviewOpinion, consequence_core

CLAUSE_MISSING = "（知识库未收录原文）"
CLAUSE_TEXT_MAX = 300
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
    """How a rule's citation reads in an opinion or an answer, with its confidence where it matters."""
    confidence = cite.confidence or ""
    label = citation_label(cite.doc, cite.article, confidence)
    if PRACTICE in confidence:
        return label + (f"：{cite.quote}" if cite.quote else "")
    return label + (f"，要点：{cite.quote}" if cite.quote else "")


def _clause_line(ref: ClauseRef) -> str:
    if ref.confidence and PRACTICE in ref.confidence:
        return f"依据：{ref.label}" + (f"：{ref.summary}" if ref.summary else "")
    if ref.text:
        text = " ".join(part.strip() for part in ref.text.strip().splitlines() if part.strip())
        clipped = text if len(text) <= CLAUSE_TEXT_MAX else text[:CLAUSE_TEXT_MAX] + "……"
        return f"依据：{ref.label}：「{clipped}」" if clipped == text else f"依据：{ref.label}：{clipped}"
    line = f"依据：{ref.label}{CLAUSE_MISSING}"
    return line + (f"，要点：{ref.summary}" if ref.summary else "")


def _finding_lines(f: OpinionFinding) -> list[str]:
    lines = [f"{f.number}. 【{f.severity_zh}】{f.location_text}：{f.message}"]
    lines += [f"   {_clause_line(ref)}" for ref in f.citations]
    lines.append(f"   修改建议：{f.suggestion}")
    if f.rewrite_example:
        lines.append(f"   改写示例（供参考，大模型生成）：{f.rewrite_example}")
    return lines


def render_opinion_text(op: ReviewOpinion) -> str:
    """The 审核意见 as markdown/plain text — what the reviewer edits and approves."""
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
    for i, section in enumerate(op.sections):
        lines.append(f"### （{_CHINESE_ORDINALS[i]}）{section.dimension.value}")
        lines.append("")
        lines.append(section.verdict + (f"{section.comment}" if section.comment else ""))
        for f in section.findings:
            lines += _finding_lines(f)
        lines.append("")
    lines += ["## 四、修改建议", ""]
    lines += [f"{n}. {s}" for n, s in enumerate(op.suggestions, 1)] or ["无。"]
    if op.observations:
        lines += ["", "## 五、其他意见（供参考，由大模型生成，不影响审核结论）", ""]
        lines += [f"{n}. {s}" for n, s in enumerate(op.observations, 1)]
    made_by = (
        "未配置大模型，本意见由规则模式生成"
        if op.mode == "rules-only"
        else f"{op.mode_label}（仅润色文字，标注“供参考”的内容由大模型生成）"
    )
    lines += [
        "",
        "---",
        f"说明：审核结论与问题清单由审核规则判定，最终结论须经审核人员确认。生成方式：{made_by}。",
    ]
    lines += [f"注：{note}" for note in op.notes]
    if any(MEMORY in (ref.confidence or "") for f in op.findings() for ref in f.citations):
        lines.append("注：标注“可信度：记忆”的条款号尚未对照原文核实，正式行文前须核对。")
    return "\n".join(lines).rstrip() + "\n"
