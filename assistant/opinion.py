"""Drafting the 审核意见: rule data in the official shape, optionally phrased by a model.

The grade, the findings and their codes come from the check engine and are copied as they are. A
model may only write prose — the summary, one comment per dimension, rewrite examples for numbered
findings, and observations marked 供参考 — and each prose field is taken only if it does not
contradict the rule grade. Submission text reaches the model only as quoted data.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, Field

from assistant.citation_resolve import resolve_citation
from assistant.citations import TRUST_LABELS, Trust, split_doc
from assistant.llm import (
    LLMUnavailable,
    StructuredOutputError,
    describe_failure,
    invoke_structured,
    mode_of,
)
from assistant.models import (
    SEVERITY_ZH,
    CheckResult,
    Citation,
    Clause,
    Dimension,
    Finding,
    Grade,
    Location,
    Severity,
    Submission,
)
from assistant.opinion_models import (
    ClauseRef,
    DimensionSection,
    OpinionFinding,
    ProjectInfo,
    ReviewOpinion,
    consequence_core,
)
from assistant.opinion_render import location_text, render_opinion_text
from core.errors import UserError

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

__all__ = [
    "ClauseRef",
    "DimensionSection",
    "OpinionFinding",
    "OpinionProse",
    "ProjectInfo",
    "ReviewOpinion",
    "RewriteSuggestion",
    "draft_opinion",
    "render_opinion_text",
    "suggest_rewrite",
]

DIMENSION_ORDER = [
    Dimension.completeness,
    Dimension.relevance,
    Dimension.appropriateness,
    Dimension.feasibility,
]
_SEVERITY_ORDER = {Severity.error: 0, Severity.warning: 1, Severity.info: 2}
_SUBMISSION_DATA_MAX = 8000


class RewriteNote(BaseModel):
    finding: int
    text: str


class OpinionProse(BaseModel):
    """The only part of an opinion a model writes."""

    summary: str = ""
    dimension_comments: dict[str, str] = Field(default_factory=dict)
    rewrites: list[RewriteNote] = Field(default_factory=list)
    observations: list[str] = Field(default_factory=list)


class RewriteSuggestion(BaseModel):
    rewrite: str
    explanation: str = ""
    source: Literal["rules", "llm"] = "rules"
    note: str | None = None


# -- drafting ----------------------------------------------------------------------------------


def draft_opinion(
    submission: Submission, result: CheckResult, *, kb=None, llm: BaseChatModel | None = None
) -> ReviewOpinion:
    """The 审核意见 for one submission from its rule check; `llm` only phrases (see module docstring).

    A result the rules could not grade (`result.error`) has no opinion: UserError, in Chinese."""
    if result.grade is None or result.grade_consequence is None:
        project = submission.project or result.project or submission.id or "（未命名项目）"
        reason = result.error or "规则预审未给出等级"
        raise UserError(f"项目“{project}”未能完成规则预审（{reason}），无法起草审核意见。")
    findings = _opinion_findings(submission, result, kb)
    mode, label = mode_of(llm)
    opinion = ReviewOpinion(
        submission_id=submission.id or result.id,
        info=_project_info(submission),
        grade=result.grade,
        grade_consequence=result.grade_consequence,
        summary=_rules_summary(result.grade, result.grade_consequence, findings),
        sections=_sections(findings),
        suggestions=_suggestions(findings),
        mode=mode,
        mode_label=label,
    )
    opinion.caveats = opinion_caveats(opinion)
    if llm is None:
        return opinion
    from prompts.loader import prompt_refs

    opinion.prompt_versions = prompt_refs("opinion_system", "opinion_user")
    try:
        prose = invoke_structured(llm, _opinion_messages(submission, opinion), OpinionProse)
    except (LLMUnavailable, StructuredOutputError) as exc:
        reason = exc.reason if isinstance(exc, LLMUnavailable) else "大模型输出格式无法识别"
        return _as_rules_only(opinion, f"{reason}，以下审核意见由规则模式生成。")
    except Exception as exc:  # noqa: BLE001 — never let a model problem break drafting
        return _as_rules_only(opinion, f"{describe_failure(exc)}，以下审核意见由规则模式生成。")
    _merge_prose(opinion, prose)
    opinion.caveats = opinion_caveats(opinion)
    return opinion


def _as_rules_only(opinion: ReviewOpinion, note: str) -> ReviewOpinion:
    mode, label = mode_of(None)
    done = opinion.model_copy(update={"mode": mode, "mode_label": label, "notes": [*opinion.notes, note]})
    done.caveats = opinion_caveats(done)
    return done


def opinion_caveats(opinion: ReviewOpinion) -> list[str]:
    """What the reviewer should know before sending the draft; shown in the UI, never in the document."""
    made_by = (
        "未配置大模型，本意见由规则模式生成"
        if opinion.mode == "rules-only"
        else f"{opinion.mode_label}，仅润色文字，标注“供参考”的内容由大模型生成"
    )
    caveats = [f"审核结论与问题清单由审核规则判定，须经审核人员确认后发出（{made_by}）。", *opinion.notes]
    by_state: dict[tuple[Trust, str], list[int]] = {}
    for f in opinion.findings():
        for ref in f.citations:
            if ref.mismatch:
                caveats.append(
                    f"第{f.number}项问题：规则目录引用的{ref.article}与已导入的正式文本不符，该要点见于"
                    f"{ref.article_found}，正文已按{ref.article_found}引用（请管理员运行 jixiao docs "
                    "verify-citations 核对规则目录）。"
                )
            elif ref.trust != Trust.VERIFIED and not ref.practice:
                by_state.setdefault((ref.trust, ref.label), []).append(f.number)
    for (trust, label), numbers in by_state.items():
        which = "、".join(str(n) for n in dict.fromkeys(numbers))
        if trust == Trust.UNCHECKED:
            tail = "正文只写文件和要点、不写条款号；导入该文件的正式文本后重新起草即自动核对。"
        else:
            tail = "正文写作要点，不加引号。"
        caveats.append(f"{label}：{TRUST_LABELS[trust]}（第{which}项问题引用）。{tail}")
    return caveats


def _project_info(submission: Submission) -> ProjectInfo:
    budget = submission.budget_yuan
    wan = round(budget / 10000, 4) if budget is not None else None
    text = f"{wan:,.2f}".rstrip("0").rstrip(".") + "万元" if wan is not None else "未填报"
    return ProjectInfo(
        id=submission.id,
        project=submission.project,
        unit=submission.unit,
        department=submission.department,
        region=submission.region,
        year=submission.year,
        budget_yuan=budget,
        budget_wan=wan,
        budget_text=text,
        period=submission.period,
    )


def _opinion_findings(submission: Submission, result: CheckResult, kb) -> list[OpinionFinding]:
    order = {d: i for i, d in enumerate(DIMENSION_ORDER)}
    ranked = sorted(
        enumerate(result.findings),
        key=lambda p: (order.get(p[1].dimension, 9), _SEVERITY_ORDER.get(p[1].severity, 9), p[0]),
    )
    return [_opinion_finding(n, f, submission, kb) for n, (_, f) in enumerate(ranked, 1)]


def _opinion_finding(number: int, f: Finding, submission: Submission, kb) -> OpinionFinding:
    return OpinionFinding(
        number=number,
        rule_id=f.rule_id,
        code=f.code,
        severity=f.severity,
        severity_zh=SEVERITY_ZH[f.severity],
        dimension=f.dimension,
        location=f.location,
        location_text=location_text(f.location, submission),
        message=f.message,
        suggestion=f.suggestion,
        citations=[_clause_ref(c, kb) for c in f.citations],
    )


def _clause_ref(cite: Citation, kb) -> ClauseRef:
    resolved = resolve_citation(cite, kb)
    clause = kb.get_clause(resolved.clause_id) if kb is not None and resolved.clause_id else None
    return ClauseRef.from_resolved(resolved, clause)


def lookup_cited_clause(kb, doc: str, article: str) -> Clause | None:
    """Try the article as cited, then without 约 and sub-items: 约第13条(二) -> 第13条."""
    candidates = [article, article.lstrip("约")]
    m = re.match(r"约?(第[^条]+条)", article)
    if m:
        candidates.append(m.group(1))
    title, doc_no = split_doc(doc)
    for doc_key in dict.fromkeys(d for d in (doc, title, doc_no) if d):
        for candidate in dict.fromkeys(candidates):
            clause = kb.lookup(doc_key, candidate)
            if clause is not None:
                return clause
    return None


def _sections(findings: list[OpinionFinding]) -> list[DimensionSection]:
    sections = []
    for dim in DIMENSION_ORDER:
        own = [f for f in findings if f.dimension == dim]
        sections.append(DimensionSection(dimension=dim, verdict=_verdict(own), findings=own))
    return sections


def _verdict(findings: list[OpinionFinding]) -> str:
    if not findings:
        return "未发现问题。"
    counts = "、".join(
        f"{SEVERITY_ZH[s]}{n}处" for s in Severity if (n := sum(1 for f in findings if f.severity == s))
    )
    return f"发现{len(findings)}处问题（{counts}）。"


def _suggestions(findings: list[OpinionFinding]) -> list[str]:
    seen: dict[str, None] = {}
    for f in findings:
        seen.setdefault(f"{f.location_text}：{f.suggestion}", None)
    return list(seen)


def _rules_summary(grade: Grade, grade_consequence: str, findings: list[OpinionFinding]) -> str:
    conclusion = f"审核结论为“{grade.value}”，{consequence_core(grade_consequence)}。"
    if not findings:
        return f"经审核，规则预审未发现问题，绩效目标与指标完整、明确、可衡量。{conclusion}"
    counts = "、".join(
        f"{SEVERITY_ZH[s]}{n}处" for s in Severity if (n := sum(1 for f in findings if f.severity == s))
    )
    per_dim = {d: sum(1 for f in findings if f.dimension == d) for d in DIMENSION_ORDER}
    main = "、".join(d.value for d in sorted(per_dim, key=lambda d: -per_dim[d]) if per_dim[d])
    return (
        f"经审核，该项目绩效目标共有{len(findings)}处问题（{counts}），主要集中在{main}方面。"
        f"{conclusion}请申报单位按修改建议逐条完善。"
    )


# -- model prose -------------------------------------------------------------------------------


def _opinion_messages(submission: Submission, opinion: ReviewOpinion) -> list:
    from prompts.loader import chat_prompt

    info = opinion.info
    project_info = "\n".join(
        f"{k}：{v or '未填报'}"
        for k, v in (
            ("项目名称", info.project),
            ("实施单位", info.unit),
            ("主管部门", info.department),
            ("预算年度", info.year),
            ("年度资金总额", info.budget_text),
            ("实施期", info.period),
        )
    )
    findings = (
        "\n".join(
            f"{f.number}. 【{f.dimension.value}｜{f.severity_zh}｜{f.code}】{f.location_text}：{f.message}"
            f" 规则建议：{f.suggestion} 依据：{'；'.join(r.label for r in f.citations) or '无'}"
            for f in opinion.findings()
        )
        or "（无）"
    )
    data = json.dumps(submission.canonical(), ensure_ascii=False, indent=1)[:_SUBMISSION_DATA_MAX]
    return chat_prompt("opinion_system", "opinion_user").format_messages(
        project_info=project_info,
        grade=opinion.grade.value,
        grade_consequence=opinion.grade_consequence,
        finding_count=len(opinion.findings()),
        findings=findings,
        submission_data=data,
    )


_GRADE_CLAIM = re.compile(
    r"(?:评为|评定为|定为|结论为|结论是|结论：|等级为|等级：|结果为|评级为|给予)\s*[“\"「『]?\s*([优良中差])"
)


def contradicts_grade(text: str, grade: Grade) -> bool:
    """True when model prose states another grade or a consequence the grade does not have."""
    if any(m.group(1) != grade.value for m in _GRADE_CLAIM.finditer(text)):
        return True
    if grade != Grade.excellent and re.search(r"直接进入下一步|直接进入预算安排|无需修改", text):
        return True
    return grade != Grade.poor and bool(re.search(r"不得进入下一步预算安排", text))


def _clean_prose(text: str | None, grade: Grade, limit: int) -> str | None:
    s = re.sub(r"\s+", " ", text or "").strip()
    if not s or contradicts_grade(s, grade):
        return None
    return s if len(s) <= limit else s[:limit].rstrip() + "……"


def _merge_prose(opinion: ReviewOpinion, prose: OpinionProse) -> None:
    """Copy only prose into the rule-built opinion; every field is checked against the rule grade."""
    rejected = 0
    summary = _clean_prose(prose.summary, opinion.grade, 400)
    if summary:
        opinion.summary, opinion.summary_source = summary, "llm"
    elif prose.summary.strip():
        rejected += 1
    for section in opinion.sections:
        comment = _clean_prose(prose.dimension_comments.get(section.dimension.value), opinion.grade, 200)
        section.comment = comment
    by_number = {f.number: f for f in opinion.findings()}
    for note in prose.rewrites:
        target = by_number.get(note.finding)
        text = _clean_prose(note.text, opinion.grade, 300)
        if target is not None and text:
            target.rewrite_example = text
    for obs in prose.observations[:3]:
        text = _clean_prose(obs, opinion.grade, 200)
        if text:
            opinion.observations.append(text)
        else:
            rejected += 1
    if rejected:
        opinion.notes.append(f"大模型生成的{rejected}段文字与规则审核结论不一致，已弃用。")


# -- single-finding rewrite --------------------------------------------------------------------


def suggest_rewrite(
    submission: Submission, finding: Finding, *, llm: BaseChatModel | None = None
) -> RewriteSuggestion:
    """A concrete rewrite for one finding: the rule's suggestion, or a model's (marked as such)."""
    rule = RewriteSuggestion(rewrite=finding.suggestion, explanation=finding.message)
    if llm is None:
        return rule
    from prompts.loader import chat_prompt

    messages = chat_prompt("rewrite_system", "rewrite_user").format_messages(
        project=submission.project or "（未命名项目）",
        annual_goal=submission.annual_goal or "",
        message=finding.message,
        suggestion=finding.suggestion,
        original=_original_text(submission, finding.location),
    )
    try:
        proposal = invoke_structured(llm, messages, RewriteSuggestion)
    except (LLMUnavailable, StructuredOutputError) as exc:
        reason = exc.reason if isinstance(exc, LLMUnavailable) else "大模型输出格式无法识别"
        return rule.model_copy(update={"note": f"{reason}，以下为规则给出的修改建议。"})
    return proposal.model_copy(update={"source": "llm", "note": "大模型生成，供参考"})


def _original_text(submission: Submission, location: Location) -> str:
    i = location.indicator
    if i is not None and 0 <= i < len(submission.indicators):
        ind = submission.indicators[i]
        return json.dumps(ind.model_dump(exclude_none=True), ensure_ascii=False)
    if location.field:
        return str(getattr(submission, location.field, "") or "")
    return ""
