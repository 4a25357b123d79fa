"""事前绩效评估 (ex-ante performance assessment): the five dimensions of 中发〔2018〕34号 第（四）项 with the
evidence the rules already produce, the reviewer's scores and comments, a conclusion, and the
事前绩效评估报告 as a .docx in the shape a third-party evaluator delivers.

    assessment = build_assessment(sub, check_result)        # evidence and suggested scores (pure)
    assessment = apply_input(assessment, AssessmentInput(...))  # the reviewer's scores, comments, conclusion
    data = export_assessment_docx(assessment)

Evidence by dimension: 立项必要性 — the ex_ante block's 立项依据 and alternatives, an unidentifiable project;
投入经济性 — unit costs against the 支出标准 (cost_checks, with the 核减 arithmetic), cost rows that measure
nothing; 绩效目标合理性 — the precheck's findings on the targets, targets against the budget;
实施方案可行性 — the 实施方案 and 实施期, vague deadlines; 筹资合规性 — the 筹资方式 and whether the funding
sources add up to the budget. Suggested scores are deductions per problem, a starting point the reviewer
changes; the conclusion and the adjusted budget are always the reviewer's.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any, Literal

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from pydantic import BaseModel, Field

from assistant.checks.render import VERDICT_ZH, location_text
from assistant.export_docx import BODY_FONT, XML_INVALID, heading, paragraph, set_run_font
from assistant.models import CheckResult, CostCheck, Finding, Submission
from core.errors import UserError
from core.models import EX_ANTE_CONCLUSIONS, ExAnte, ex_ante_of

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "事前绩效评估报告"
MAX_SCORE = 20.0
CN = "一二三四五六七八九十"

# (key, name, what it asks) — 中发〔2018〕34号 第（四）项
DIMENSIONS: tuple[tuple[str, str, str], ...] = (
    ("necessity", "立项必要性", "项目是否有明确的政策依据和现实需求，是否属于财政支出范围，有无替代方案"),
    ("economy", "投入经济性", "单位成本是否符合支出标准，投入与产出是否相当，成本测算是否有依据"),
    ("targets", "绩效目标合理性", "绩效目标是否明确、细化量化，指标与预算资金是否匹配"),
    ("feasibility", "实施方案可行性", "实施方案、组织管理和进度安排是否完整可行"),
    ("funding", "筹资合规性", "资金来源是否明确、合规，各渠道资金合计与预算是否一致"),
)
DIMENSION_NAME = {key: name for key, name, _ in DIMENSIONS}
# the precheck codes that speak to each dimension (the rest are about the targets)
_ECONOMY_CODES = {"COST_OVER_STANDARD", "COST_NOT_MEASURABLE", "NO_COST"}
_NECESSITY_CODES = {"PROJECT_UNIDENTIFIABLE"}
_FEASIBILITY_CODES = {"TIMELINESS_VAGUE"}
_SKIPPED_CODES = {"EX_ANTE_MISSING"}  # the assessment itself answers it
# suggested deductions (out of 20 per dimension): a starting point for the reviewer, not a rule
_DEDUCT = {"error": 5.0, "warning": 3.0, "info": 1.0, "missing": 8.0, "over": 8.0, "over_far": 12.0}
METHODS = (
    "查阅资料：审阅项目申报材料（绩效目标申报表、立项依据、实施方案、筹资方式）。",
    "规则预审：按《中央部门预算绩效目标管理办法》（财预〔2015〕88号）的完整性、相关性、适当性、可行性要求"
    "逐项检查绩效目标和指标。",
    "成本比对：按本地支出标准（定额标准、政府购买服务指导价等）比对单位成本，统一计量单位后测算核减额。",
    "综合评议：评估人员按五个方面逐项评分（每项20分，满分100分）并形成评估结论。",
)
SCOPE_NOTE = (
    "本报告依据项目单位提供的申报材料和本地支出标准形成，评估结论仅作为预算审核和资金安排的参考；"
    "材料如有变化，应重新评估。"
)


class Evidence(BaseModel):
    """One thing the assessment rests on: a problem (deducts), a note, or a check that passed."""

    kind: Literal["problem", "note", "ok"]
    text: str
    source: Literal["rule", "standard", "ex_ante", "submission"]
    code: str | None = None
    rule_id: str | None = None
    severity: str | None = None  # the rule finding's severity
    suggestion: str | None = None
    saving_yuan: float | None = None
    deduction: float = 0.0


class DimensionScore(BaseModel):
    key: str
    name: str
    question: str
    max_score: float = MAX_SCORE
    suggested_score: float
    score: float | None = None  # the reviewer's
    comment: str = ""
    evidence: list[Evidence] = Field(default_factory=list)

    @property
    def final_score(self) -> float:
        return self.suggested_score if self.score is None else self.score


class Assessment(BaseModel):
    submission_id: int | None = None
    project: str = ""
    unit: str | None = None
    department: str | None = None
    region: str | None = None
    year: int | None = None
    period: str | None = None
    project_kind: str | None = None
    budget_yuan: float | None = None
    fiscal_yuan: float | None = None
    other_yuan: float | None = None
    overall_goal: str | None = None
    annual_goal: str | None = None
    basis: str | None = None
    plan: str | None = None
    funding_text: str | None = None
    alternatives: str | None = None
    indicators: list[dict[str, Any]] = Field(default_factory=list)
    grade: str | None = None  # the precheck's grade
    dimensions: list[DimensionScore]
    cost_checks: list[CostCheck] = Field(default_factory=list)
    suggested_conclusion: str
    suggested_adjusted_budget_yuan: float | None = None
    conclusion: str | None = None
    adjusted_budget_yuan: float | None = None
    conclusion_text: str = ""
    problems: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    status: Literal["draft", "final"] = "draft"
    assessor: str | None = None
    updated_at: datetime | None = None
    version: int = 0
    stored: bool = False

    @property
    def total_score(self) -> float:
        return round(sum(d.final_score for d in self.dimensions), 1)

    @property
    def scored_by_reviewer(self) -> bool:
        return all(d.score is not None for d in self.dimensions)

    def dimension(self, key: str) -> DimensionScore:
        return next(d for d in self.dimensions if d.key == key)


class AssessmentInput(BaseModel):
    """What the reviewer sends: scores (0–20) and comments per dimension, the conclusion and the adjusted
    budget, the problems and suggestions as they will be printed; `final` to close the assessment."""

    scores: dict[str, float | None] = Field(default_factory=dict)
    comments: dict[str, str] = Field(default_factory=dict)
    conclusion: str | None = None
    adjusted_budget_yuan: float | None = None
    conclusion_text: str | None = Field(default=None, max_length=5000)
    problems: list[str] | None = Field(default=None, max_length=100)
    suggestions: list[str] | None = Field(default=None, max_length=100)
    final: bool = False
    version: int | None = None  # the version the reviewer edited (409 when someone saved since)


# ---------------------------------------------------------------- evidence (pure)


def _fmt_yuan(x: float | None) -> str:
    if x is None:
        return "—"
    return f"{x:,.0f}元" if abs(x - round(x)) < 0.5 else f"{x:,.2f}元"


def _wan(x: float | None) -> str:
    return "—" if x is None else f"{x / 10000:,.2f}万元"


def _finding_evidence(f: Finding, sub: Submission) -> Evidence:
    where = location_text(f.location)
    deduction = _DEDUCT.get(f.severity.value, 3.0)
    return Evidence(
        kind="problem",
        text=f"{where}：{f.message}",
        source="rule",
        code=f.code,
        rule_id=f.rule_id,
        severity=f.severity.value,
        suggestion=f.suggestion,
        saving_yuan=f.saving_yuan,
        deduction=deduction,
    )


def _block_item(text: str | None, label: str, missing: str) -> Evidence:
    if text and text.strip():
        return Evidence(kind="note", text=f"{label}：{text.strip()}", source="ex_ante")
    return Evidence(kind="problem", text=missing, source="ex_ante", deduction=_DEDUCT["missing"])


def _cost_evidence(check: CostCheck) -> Evidence:
    where = f"第{check.indicator + 1}行指标" if check.indicator is not None else "按预算÷数量测算"
    basis = f"，依据：{check.basis}" if check.basis else ""
    head = (
        f"{where}单位成本{check.unit_cost:,.2f}{check.standard_unit}，支出标准“{check.item}”"
        f"{check.standard_value:,g}{check.standard_unit}（{check.standard_kind}{basis}）：{VERDICT_ZH[check.verdict]}"
    )
    if check.verdict == "over":
        share = check.unit_cost / check.standard_value - 1
        cut = f"，建议核减{_fmt_yuan(check.saving_yuan)}" if check.saving_yuan is not None else ""
        return Evidence(
            kind="problem",
            text=f"{head}，超出{share:.1%}{cut}。测算：{'；'.join(check.steps)}",
            source="standard",
            code="COST_OVER_STANDARD",
            saving_yuan=check.saving_yuan,
            deduction=_DEDUCT["over_far" if share > 0.2 else "over"],
        )
    if check.verdict == "reference_over":
        return Evidence(
            kind="note", text=f"{head}（参考标准，不作核减依据）。", source="standard", deduction=1.0
        )
    return Evidence(kind="ok", text=f"{head}。", source="standard")


def _necessity(sub: Submission, block: ExAnte | None, findings: list[Finding]) -> list[Evidence]:
    out: list[Evidence] = []
    if block is None:
        out.append(
            Evidence(
                kind="problem",
                text="申报材料没有事前评估信息（项目属性、立项依据、实施方案、筹资方式），立项必要性无从论证。",
                source="ex_ante",
                deduction=_DEDUCT["missing"],
            )
        )
    else:
        if block.project_kind:
            out.append(Evidence(kind="note", text=f"项目属性：{block.project_kind}", source="ex_ante"))
        out.append(
            _block_item(
                block.basis,
                "立项依据",
                "未提供立项依据（政策依据、立项背景和现实需求），立项必要性无从论证。",
            )
        )
        if block.alternatives and block.alternatives.strip():
            out.append(
                Evidence(kind="note", text=f"替代方案：{block.alternatives.strip()}", source="ex_ante")
            )
        else:
            out.append(
                Evidence(
                    kind="note",
                    text="未说明替代方案（不实施或以其他方式实施的比较）。",
                    source="ex_ante",
                    deduction=1.0,
                )
            )
    out += [_finding_evidence(f, sub) for f in findings if f.code in _NECESSITY_CODES]
    return out


def _economy(sub: Submission, result: CheckResult) -> list[Evidence]:
    out = [_cost_evidence(c) for c in result.cost_checks]
    if not result.cost_checks:
        out.append(
            Evidence(
                kind="note",
                text="支出标准库中没有与本项目事项和计量单位相符的标准，单位成本未作比对，需评估人员另行核实。",
                source="standard",
            )
        )
    out += [
        _finding_evidence(f, sub)
        for f in result.findings
        if f.code in _ECONOMY_CODES and f.code != "COST_OVER_STANDARD"  # the comparison above says it
    ]
    return out


def _targets(sub: Submission, findings: list[Finding]) -> list[Evidence]:
    others = _ECONOMY_CODES | _NECESSITY_CODES | _FEASIBILITY_CODES | _SKIPPED_CODES
    out = [_finding_evidence(f, sub) for f in findings if f.code not in others]
    if not out:
        out.append(
            Evidence(
                kind="ok", text="规则预审未发现绩效目标和指标方面的问题，指标与预算相匹配。", source="rule"
            )
        )
    return out


def _feasibility(sub: Submission, block: ExAnte | None, findings: list[Finding]) -> list[Evidence]:
    out: list[Evidence] = []
    if block is not None:
        out.append(
            _block_item(
                block.plan,
                "实施方案",
                "未提供实施方案（实施内容、组织方式、进度安排、管理制度），可行性无从判断。",
            )
        )
    if sub.period:
        out.append(Evidence(kind="note", text=f"实施期：{sub.period}", source="submission"))
    out += [_finding_evidence(f, sub) for f in findings if f.code in _FEASIBILITY_CODES]
    return out


def _funding(sub: Submission, block: ExAnte | None) -> list[Evidence]:
    out: list[Evidence] = []
    if block is not None:
        out.append(_block_item(block.funding, "筹资方式", "未说明筹资方式和资金来源，筹资合规性无从判断。"))
    funding = sub.funding
    if funding is not None and sub.budget_yuan:
        parts = [x for x in (funding.fiscal, funding.other) if x is not None]
        total = sum(parts)
        if parts and abs(total - sub.budget_yuan) > max(1.0, 0.01 * sub.budget_yuan):
            out.append(
                Evidence(
                    kind="problem",
                    text=f"资金来源合计{_fmt_yuan(total)}（财政拨款{_fmt_yuan(funding.fiscal)}、其他资金"
                    f"{_fmt_yuan(funding.other)}）与预算{_fmt_yuan(sub.budget_yuan)}不一致。",
                    source="submission",
                    deduction=6.0,
                )
            )
        elif parts:
            out.append(
                Evidence(
                    kind="ok",
                    text=f"资金来源：财政拨款{_fmt_yuan(funding.fiscal)}、"
                    f"其他资金{_fmt_yuan(funding.other or 0)}，合计与预算一致。",
                    source="submission",
                )
            )
        if funding.other:
            out.append(
                Evidence(
                    kind="note",
                    text=f"含其他资金{_fmt_yuan(funding.other)}，须落实来源和到位时间。",
                    source="submission",
                    deduction=1.0,
                )
            )
    return out


def _score(evidence: list[Evidence]) -> float:
    return max(0.0, MAX_SCORE - sum(e.deduction for e in evidence))


def suggested_conclusion(total: float, saving: float | None) -> str:
    """予以支持 only with no cut and a high score; 不予支持 below 60 (a suggestion, never the decision)."""
    if total < 60:
        return "不予支持"
    if saving or total < 85:
        return "调整后予以支持"
    return "予以支持"


def _problems_and_suggestions(dimensions: list[DimensionScore], adjusted: float | None, budget: float | None):
    problems: list[str] = []
    suggestions: list[str] = []
    for d in dimensions:
        for e in d.evidence:
            if e.kind == "problem":
                problems.append(f"（{d.name}）{e.text}")
    by_key = {d.key: [e for e in d.evidence if e.kind == "problem"] for d in dimensions}
    if by_key["necessity"]:
        suggestions.append(
            "政策依据与立项：补充立项依据、现实需求测算和替代方案比较，说明财政资金支持的必要性。"
        )
    if by_key["feasibility"]:
        suggestions.append("实施方案与制度：补充实施方案，明确实施内容、组织方式、进度安排和管理制度。")
    if by_key["economy"]:
        cut = ""
        if adjusted is not None and budget:
            cut = (
                f"预算由{_fmt_yuan(budget)}核减{_fmt_yuan(budget - adjusted)}，"
                f"核定为{_fmt_yuan(adjusted)}（测算见附表2）；"
            )
        suggestions.append(
            f"预算测算与成本控制：{cut}按支出标准测算单位成本，设置单位成本指标并注明标准依据。"
        )
    if by_key["targets"]:
        examples = "；".join(e.suggestion for e in by_key["targets"][:3] if e.suggestion)
        suggestions.append(
            f"绩效目标与指标：按预审意见修改绩效目标和指标{('，如：' + examples) if examples else ''}。"
        )
    if by_key["funding"]:
        suggestions.append("筹资方式：明确资金来源和各渠道金额，使合计与预算一致，落实其他资金的到位时间。")
    return problems, suggestions


def build_assessment(sub: Submission, result: CheckResult, *, submission_id: int | None = None) -> Assessment:
    """The evidence of the five dimensions from the submission and its precheck (run with the 支出标准),
    suggested scores, conclusion, adjusted budget, problems and suggestions. Pure."""
    if result.grade is None:
        raise UserError(
            f"该申报未能完成规则预审（{result.error or '规则预审未给出等级'}），无法开展事前绩效评估。"
        )
    block = ex_ante_of(sub)
    findings = [f for f in result.findings if f.code not in _SKIPPED_CODES]
    evidence = {
        "necessity": _necessity(sub, block, findings),
        "economy": _economy(sub, result),
        "targets": _targets(sub, findings),
        "feasibility": _feasibility(sub, block, findings),
        "funding": _funding(sub, block),
    }
    dimensions = [
        DimensionScore(
            key=key,
            name=name,
            question=question,
            suggested_score=_score(evidence[key]),
            evidence=evidence[key],
        )
        for key, name, question in DIMENSIONS
    ]
    savings = [c.saving_yuan for c in result.cost_checks if c.verdict == "over" and c.saving_yuan]
    saving = sum(savings) if savings else None
    adjusted = round(sub.budget_yuan - saving, 2) if saving and sub.budget_yuan else None
    total = sum(d.suggested_score for d in dimensions)
    problems, suggestions = _problems_and_suggestions(dimensions, adjusted, sub.budget_yuan)
    return Assessment(
        submission_id=submission_id,
        project=sub.project or "（未填写项目名称）",
        unit=sub.unit,
        department=sub.department,
        region=sub.region,
        year=sub.year,
        period=sub.period,
        project_kind=(block.project_kind if block else None) or sub.project_type,
        budget_yuan=sub.budget_yuan,
        fiscal_yuan=sub.funding.fiscal if sub.funding else None,
        other_yuan=sub.funding.other if sub.funding else None,
        overall_goal=sub.overall_goal,
        annual_goal=sub.annual_goal,
        basis=block.basis if block else None,
        plan=block.plan if block else None,
        funding_text=block.funding if block else None,
        alternatives=block.alternatives if block else None,
        indicators=[
            i.model_dump(include={"level1", "level2", "name", "op", "value", "unit", "weight"})
            for i in sub.indicators
        ],
        grade=result.grade.value,
        dimensions=dimensions,
        cost_checks=result.cost_checks,
        suggested_conclusion=suggested_conclusion(total, saving),
        suggested_adjusted_budget_yuan=adjusted,
        problems=problems,
        suggestions=suggestions,
    )


# ---------------------------------------------------------------- the reviewer's part


def apply_input(assessment: Assessment, data: AssessmentInput) -> Assessment:
    """The assessment with the reviewer's scores, comments, conclusion and texts; Chinese UserError on bad
    input (a score out of range, an unknown conclusion, a final assessment without its conclusion)."""
    out = assessment.model_copy(deep=True)
    keys = {d.key for d in out.dimensions}
    unknown = set(data.scores) | set(data.comments)
    unknown -= keys
    if unknown:
        names = "、".join(DIMENSION_NAME.get(k, k) for k in sorted(unknown))
        raise UserError(
            f"评估维度“{names}”不存在，应为：{'、'.join(DIMENSION_NAME.values())}。", code="bad_dimension"
        )
    for d in out.dimensions:
        if d.key in data.scores:
            score = data.scores[d.key]
            if score is not None and not 0 <= score <= d.max_score:
                raise UserError(
                    f"“{d.name}”的得分{score:g}超出范围（0–{d.max_score:g}分）。", code="bad_score"
                )
            d.score = score
        if d.key in data.comments:
            d.comment = (data.comments[d.key] or "").strip()[:2000]
    if data.conclusion is not None:
        conclusion = data.conclusion.strip() or None
        if conclusion is not None and conclusion not in EX_ANTE_CONCLUSIONS:
            raise UserError(
                f"评估结论“{conclusion}”应为：{'、'.join(EX_ANTE_CONCLUSIONS)}。", code="bad_conclusion"
            )
        out.conclusion = conclusion
    out.adjusted_budget_yuan = data.adjusted_budget_yuan
    if out.adjusted_budget_yuan is not None and out.adjusted_budget_yuan < 0:
        raise UserError("调整后预算不能为负数。", code="bad_budget")
    if data.conclusion_text is not None:
        out.conclusion_text = data.conclusion_text.strip()
    if data.problems is not None:
        out.problems = [p.strip()[:2000] for p in data.problems if p and p.strip()]
    if data.suggestions is not None:
        out.suggestions = [s.strip()[:2000] for s in data.suggestions if s and s.strip()]
    if out.conclusion == "调整后予以支持" and out.adjusted_budget_yuan is None:
        raise UserError("结论为“调整后予以支持”时须填写调整后预算（元）。", code="adjusted_budget_required")
    if out.conclusion == "不予支持":
        out.adjusted_budget_yuan = None
    if data.final:
        missing = [d.name for d in out.dimensions if d.score is None]
        if missing or out.conclusion is None:
            what = "、".join(missing + ([] if out.conclusion else ["评估结论"]))
            raise UserError(f"定稿前须完成：{what}。", code="assessment_incomplete")
        out.status = "final"
    else:
        out.status = "draft"
    return out


# ---------------------------------------------------------------- the report (.docx)


def _para(doc: Any, text: str, **style: Any) -> None:
    """A body paragraph of the report: the opinion's paragraph style, indented unless told otherwise."""
    paragraph(doc, text, **{"indent": True, **style})


def _table(
    doc: Any, header: list[str] | None, rows: list[list[str]], widths: list[float] | None = None
) -> None:
    table = doc.add_table(rows=0, cols=len(rows[0]) if rows else len(header or []))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for r, values in enumerate(([header] if header else []) + rows):
        cells = table.add_row().cells
        for c, value in enumerate(values):
            if widths:
                cells[c].width = Cm(widths[c])
            set_run_font(
                cells[c].paragraphs[0].add_run(XML_INVALID.sub("", value or "—")),
                BODY_FONT,
                11,
                bold=bool(header) and r == 0,
            )


def _page_numbers(doc: Any) -> None:
    para = doc.sections[0].footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in ("第 ", "PAGE", " 页"):
        if piece == "PAGE":
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


def conclusion_sentence(a: Assessment) -> str:
    conclusion = a.conclusion or f"（未定，建议：{a.suggested_conclusion}）"
    text = f"经评估，本项目综合得分{a.total_score:g}分，评估结论为：{conclusion}。"
    if a.conclusion == "调整后予以支持" and a.adjusted_budget_yuan is not None and a.budget_yuan:
        cut = a.budget_yuan - a.adjusted_budget_yuan
        text += (
            f"建议预算由{_fmt_yuan(a.budget_yuan)}调整为{_fmt_yuan(a.adjusted_budget_yuan)}"
            f"（{'核减' if cut >= 0 else '增加'}{_fmt_yuan(abs(cut))}）。"
        )
    elif a.conclusion == "予以支持" and a.budget_yuan:
        text += f"建议按申报预算{_fmt_yuan(a.adjusted_budget_yuan or a.budget_yuan)}安排。"
    elif a.conclusion == "不予支持":
        text += "建议本年度不安排预算。"
    return text


def export_assessment_docx(a: Assessment) -> bytes:
    """The 事前绩效评估报告: 一、项目概况 二、评估内容与方法 三、评估结论 四、存在问题 五、调整建议
    六、附表 (评分表, 支出标准比对表, 绩效目标表); a draft is marked 草稿."""
    doc = Document()
    section = doc.sections[0]
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _para(doc, f"{a.project}", size=18, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    _para(doc, TITLE, size=22, bold=True, font="宋体", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)
    if a.status != "final":
        _para(doc, "（草稿，尚未定稿）", align=WD_ALIGN_PARAGRAPH.CENTER, indent=False)

    heading(doc, "一、项目概况")
    funding = (
        f"财政拨款{_fmt_yuan(a.fiscal_yuan)}、其他资金{_fmt_yuan(a.other_yuan or 0)}"
        if a.fiscal_yuan is not None
        else (a.funding_text or "—")
    )
    _table(
        doc,
        None,
        [
            ["项目名称", a.project],
            ["项目单位", a.unit or "—"],
            ["主管部门", a.department or "—"],
            ["项目属性", a.project_kind or "—"],
            ["实施期", a.period or "—"],
            ["申报预算", f"{_fmt_yuan(a.budget_yuan)}（{_wan(a.budget_yuan)}）"],
            ["资金来源", funding],
            ["筹资方式", a.funding_text or "未说明"],
            ["立项依据", a.basis or "未提供"],
            ["实施方案", a.plan or "未提供"],
            ["总体目标", a.overall_goal or "—"],
            ["年度目标", a.annual_goal or "—"],
        ],
        [3.6, 12.4],
    )

    heading(doc, "二、评估内容与方法")
    _para(
        doc,
        "按照《中共中央 国务院关于全面实施预算绩效管理的意见》（中发〔2018〕34号）关于事前绩效评估的要求，"
        "重点论证以下五个方面：",
    )
    for n, (_, name, question) in enumerate(DIMENSIONS):
        _para(doc, f"（{CN[n]}）{name}：{question}。")
    _para(doc, "评估方法：")
    for n, line in enumerate(METHODS, 1):
        _para(doc, f"{n}. {line}")

    heading(doc, "三、评估结论")
    _para(doc, conclusion_sentence(a), bold=True)
    if a.conclusion_text:
        for line in a.conclusion_text.splitlines():
            if line.strip():
                _para(doc, line.strip())
    for n, d in enumerate(a.dimensions):
        heading(doc, f"（{CN[n]}）{d.name}（得分{d.final_score:g}/{d.max_score:g}）", level=2)
        if d.comment:
            _para(doc, d.comment)
        for e in d.evidence:
            if e.kind != "ok" or not d.comment:
                _para(doc, e.text)
    _para(doc, SCOPE_NOTE, size=12)

    heading(doc, "四、存在问题")
    for n, p in enumerate(a.problems or ["未发现需要说明的问题。"], 1):
        _para(doc, f"{n}. {p}")

    heading(doc, "五、调整建议")
    for n, s in enumerate(a.suggestions or ["无。"], 1):
        _para(doc, f"{n}. {s}")
    over = [c for c in a.cost_checks if c.verdict == "over" and c.steps]
    for c in over:
        _para(doc, f"“{c.item}”核减测算（依据：{c.basis or '未注明'}）：", bold=True)
        for n, step in enumerate(c.steps, 1):
            _para(doc, f"（{n}）{step}")

    heading(doc, "六、附表")
    _para(doc, "附表1  事前绩效评估评分表", bold=True, indent=False)
    _table(
        doc,
        ["评估内容", "分值", "得分", "评估意见"],
        [[d.name, f"{d.max_score:g}", f"{d.final_score:g}", d.comment or "—"] for d in a.dimensions]
        + [["合计", f"{MAX_SCORE * len(a.dimensions):g}", f"{a.total_score:g}", a.conclusion or "—"]],
        [3.4, 1.6, 1.6, 9.4],
    )
    _para(doc, "附表2  支出标准比对表", bold=True, indent=False)
    if a.cost_checks:
        _table(
            doc,
            ["事项", "单位成本", "支出标准", "类型", "依据", "比对结论", "核减额"],
            [
                [
                    c.item,
                    f"{c.unit_cost:,.2f}{c.standard_unit}",
                    f"{c.standard_value:,g}{c.standard_unit}",
                    c.standard_kind,
                    c.basis or "—",
                    VERDICT_ZH[c.verdict],
                    _fmt_yuan(c.saving_yuan) if c.saving_yuan is not None else "—",
                ]
                for c in a.cost_checks
            ],
        )
    else:
        _para(doc, "支出标准库中没有与本项目相符的标准，未作比对。")
    _para(doc, "附表3  绩效目标申报表（指标）", bold=True, indent=False)
    _table(
        doc,
        ["一级指标", "二级指标", "三级指标", "指标值"],
        [
            [
                i.get("level1") or "—",
                i.get("level2") or "—",
                i.get("name") or "—",
                " ".join(str(x) for x in (i.get("op"), i.get("value"), i.get("unit")) if x) or "—",
            ]
            for i in a.indicators
        ]
        or [["—", "—", "—", "—"]],
    )
    doc.add_paragraph()
    when = a.updated_at
    day = f"{when.year}年{when.month}月{when.day}日" if when else "    年  月  日"
    _para(doc, f"评估人员：{a.assessor or '__________'}    日期：{day}", indent=False)
    _page_numbers(doc)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def needs_assessment(sub: Submission, min_yuan: float) -> bool:
    """A new project (ex_ante 新增) at or above the threshold: the 事前绩效评估 candidates."""
    block = ex_ante_of(sub)
    return bool(block and block.is_new and (sub.budget_yuan or 0) >= min_yuan)


__all__ = [
    "DIMENSIONS",
    "DOCX_MEDIA_TYPE",
    "Assessment",
    "AssessmentInput",
    "DimensionScore",
    "Evidence",
    "apply_input",
    "build_assessment",
    "conclusion_sentence",
    "export_assessment_docx",
    "needs_assessment",
    "suggested_conclusion",
]
