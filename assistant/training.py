"""培训练习 (training mode): practice cases, exercises with the answer key hidden, and scoring.

Cases are product data (`knowledge/practice/cases.json`): short invented submissions with a few clear
defects. The answer key is never stored; it is computed by the real rules engine
(`assistant.checks.check_submission`), so it always matches what the product flags. Scoring is per
(indicator, code), like the checks eval; a submission-level finding (no indicator) matches by code.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

from assistant.checks import check_submission, load_catalog
from assistant.checks.catalog import DEFECT_CODES, Rule
from assistant.citations import TRUST_LABELS, Trust
from assistant.models import SEVERITY_ZH, Finding, Location, Severity, Submission
from assistant.opinion_render import location_text
from core.errors import NotFound, UserError
from core.models import Standard

PRACTICE_DIR = Path(__file__).resolve().parent / "knowledge" / "practice"
CASES_FILE = PRACTICE_DIR / "cases.json"
CODES_FILE = PRACTICE_DIR / "defect_codes.json"
MAX_MARKS = 200
DIFFICULTIES = ("入门", "中等", "较难")
SUBMISSION_LEVEL_ZH = "整体/目标"
_ROW_REF = re.compile(r"第(\d+)行")

FindingKey = tuple[int | None, str]  # (indicator index or None for the submission level, defect code)


# ---------------------------------------------------------------- models


class PracticeCase(BaseModel):
    case_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    difficulty: str
    submission: Submission
    # the 支出标准 the case is checked against (unit-cost cases; 示例 numbers), shown to the trainee
    standards: list[Standard] = Field(default_factory=list)

    @model_validator(mode="after")
    def _sane(self) -> PracticeCase:
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(
                f"练习案例 {self.case_id}：难度“{self.difficulty}”应为{'、'.join(DIFFICULTIES)}之一"
            )
        if not self.submission.indicators:
            raise ValueError(f"练习案例 {self.case_id}：没有绩效指标")
        return self


class CaseSummary(BaseModel):
    case_id: str
    title: str
    sector: str
    difficulty: str
    unit: str | None = None
    indicators: int


class DefectChoice(BaseModel):
    """One defect code a trainee may pick, in the reviewer's words."""

    code: str
    name: str  # the catalog rule's title
    dimension: str
    severity: str
    severity_zh: str
    scope: str  # submission / indicator (a hint where such problems usually sit)
    explanation: str


class Exercise(BaseModel):
    case_id: str
    title: str
    sector: str
    difficulty: str
    submission: dict[str, Any]  # canonical JSON (formats.md §1); no findings, no grade
    choices: list[DefectChoice]
    instructions: str
    standards: list[dict[str, Any]] = Field(default_factory=list)  # the 支出标准 that apply (示例)


class Mark(BaseModel):
    indicator: int | None = Field(default=None, description="0 起的指标序号；整体/目标层面的问题填 null")
    code: str = Field(min_length=1, max_length=64, description="问题类型代码，如 VAGUE_VALUE")


class Answer(BaseModel):
    marks: list[Mark] = Field(default_factory=list, max_length=MAX_MARKS)


class CitationView(BaseModel):
    doc: str
    article: str | None = None
    quote: str | None = None
    confidence: str | None = None
    label: str  # as a reviewer cites it (审核实务 / 记忆 keep their caveat)


class FindingView(BaseModel):
    """A rule finding shown after answering: the teaching moment."""

    rule_id: str
    code: str
    code_name: str
    severity: str
    severity_zh: str
    dimension: str
    location: Location
    location_text: str
    message: str
    suggestion: str
    citations: list[CitationView]


class MarkResult(BaseModel):
    indicator: int | None
    code: str
    code_name: str
    location_text: str
    correct: bool
    note: str
    finding: FindingView | None = None


class TrainingScore(BaseModel):
    case_id: str
    score: int  # 0–100, F1 of the marks against the rules' findings
    precision: float
    recall: float
    correct: int
    incorrect: int
    missed: int
    total_findings: int
    grade: str  # the rules' grade for the case, revealed after answering
    grade_consequence: str
    marks: list[MarkResult]
    missed_findings: list[FindingView]
    comment: str


class TrainingCaseNotFound(NotFound):
    def __init__(self, case_id: str):
        super().__init__(f"练习案例“{case_id}”不存在，请从案例列表中选择。", code="training_case_not_found")


class InvalidAnswer(UserError):
    def __init__(self, message: str):
        super().__init__(message, code="invalid_answer")


# ---------------------------------------------------------------- data


@lru_cache(maxsize=4)
def load_practice_cases(path: Path | None = None) -> tuple[PracticeCase, ...]:
    """The practice cases, validated once per file; ids must be unique."""
    source = path or CASES_FILE
    raw = json.loads(Path(source).read_text(encoding="utf-8"))
    cases = tuple(PracticeCase.model_validate(item) for item in raw.get("cases", []))
    ids = [c.case_id for c in cases]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise ValueError(f"练习案例编号重复：{'、'.join(duplicates)}（{source}）")
    return cases


@lru_cache(maxsize=1)
def defect_choices() -> tuple[DefectChoice, ...]:
    """Every defect code (formats.md §3) with its catalog name, dimension, severity and a Chinese
    explanation."""
    explained = json.loads(CODES_FILE.read_text(encoding="utf-8"))["codes"]
    missing = [code for code in DEFECT_CODES if code not in explained]
    if missing:
        raise ValueError(f"{CODES_FILE.name} 缺少问题类型说明：{'、'.join(missing)}")
    first_rule: dict[str, Rule] = {}
    for rule in load_catalog().rules:
        first_rule.setdefault(rule.code, rule)
    return tuple(
        DefectChoice(
            code=code,
            name=first_rule[code].title,
            dimension=dimension.value,
            severity=first_rule[code].severity.value,
            severity_zh=SEVERITY_ZH[first_rule[code].severity],
            scope=explained[code]["scope"],
            explanation=explained[code]["explanation"],
        )
        for code, dimension in DEFECT_CODES.items()
    )


def _choice_by_code() -> dict[str, DefectChoice]:
    return {c.code: c for c in defect_choices()}


def list_cases(cases: tuple[PracticeCase, ...] | None = None) -> list[CaseSummary]:
    return [
        CaseSummary(
            case_id=c.case_id,
            title=c.title,
            sector=c.sector,
            difficulty=c.difficulty,
            unit=c.submission.unit,
            indicators=len(c.submission.indicators),
        )
        for c in (cases if cases is not None else load_practice_cases())
    ]


def get_case(case_id: str, cases: tuple[PracticeCase, ...] | None = None) -> PracticeCase:
    for case in cases if cases is not None else load_practice_cases():
        if case.case_id == case_id:
            return case
    raise TrainingCaseNotFound(case_id)


def build_exercise(case: PracticeCase) -> Exercise:
    """What the trainee sees: the submission as filed and the codes to choose from, never the findings."""
    return Exercise(
        case_id=case.case_id,
        title=case.title,
        sector=case.sector,
        difficulty=case.difficulty,
        submission=case.submission.canonical(),
        choices=list(defect_choices()),
        standards=[s.model_dump(exclude={"id", "source"}) for s in case.standards],
        instructions=(
            "请像审核人员一样逐项审阅本案的年度目标和绩效指标：在有问题的指标行（或“整体/目标”）"
            "上标注问题类型，可标注多处；提交后按规则引擎的审核结论评分，并给出漏判问题的依据和修改建议。"
            + (
                "本案附有适用的支出标准（练习用示例数字）：请统一计量单位后比对单位成本，“参考”标准只作提示。"
                if case.standards
                else ""
            )
        ),
    )


def answer_key(case: PracticeCase) -> list[Finding]:
    """The rules' findings for the case: the hidden answer key."""
    return check_submission(case.submission, standards=case.standards).findings


# ---------------------------------------------------------------- scoring


def validate_marks(marks: list[Mark], indicator_count: int) -> list[Mark]:
    """Known codes, indicators in range; identical marks merged. Raises InvalidAnswer (Chinese)."""
    choices = _choice_by_code()
    unique: dict[FindingKey, Mark] = {}
    for n, mark in enumerate(marks, start=1):
        code = mark.code.strip().upper()
        if code not in choices:
            raise InvalidAnswer(f"第{n}条标注：问题类型“{mark.code}”不在可选范围内，请从列表中选择。")
        if mark.indicator is not None and not 0 <= mark.indicator < indicator_count:
            raise InvalidAnswer(
                f"第{n}条标注：指标序号 {mark.indicator} 超出范围，本案共 {indicator_count} 项指标"
                f"（序号从 0 开始；整体/目标层面的问题序号留空）。"
            )
        unique.setdefault((mark.indicator, code), Mark(indicator=mark.indicator, code=code))
    return list(unique.values())


def findings_by_key(findings: list[Finding]) -> dict[FindingKey, Finding]:
    """One finding per (indicator, code), the first in engine order (submission level first)."""
    keyed: dict[FindingKey, Finding] = {}
    for f in findings:
        keyed.setdefault((f.location.indicator, f.code), f)
    return keyed


def accepted_rows(finding: Finding) -> set[int]:
    """Rows a mark may sit on to earn this finding: its own row, and rows its message names as 第N行
    (a duplicate pair may be marked on either row)."""
    if finding.location.indicator is None:
        return set()
    named = {int(n) - 1 for n in _ROW_REF.findall(finding.message)}
    return {finding.location.indicator} | named


def match_marks(marks: list[Mark], keyed: dict[FindingKey, Finding]) -> list[FindingKey | None]:
    """For each mark the finding key it earns, or None; each key is earned once. Passes, in order:
    exact (indicator, code); a row the finding names (the other row of a duplicate pair); a
    submission-level finding of that code, whatever row the mark sits on."""
    open_keys = dict.fromkeys(keyed)
    matched: list[FindingKey | None] = [None] * len(marks)

    def earn(accepts) -> None:
        for i, mark in enumerate(marks):
            if matched[i] is not None:
                continue
            key = next((k for k in open_keys if k[1] == mark.code and accepts(mark, k)), None)
            if key is not None:
                matched[i] = key
                del open_keys[key]

    earn(lambda mark, k: k[0] == mark.indicator)
    earn(lambda mark, k: k[0] is not None and mark.indicator in accepted_rows(keyed[k]))
    earn(lambda mark, k: k[0] is None)
    return matched


def citation_views(rule_id: str) -> list[CitationView]:
    """A rule's citations as a reviewer writes them, from the catalog: 审核实务 is never cited as binding,
    a 记忆 article keeps its caveat."""
    catalog = load_catalog()
    rule = catalog.rule(rule_id)
    views = []
    for cite, public in zip(rule.citations, catalog.citations(rule), strict=True):
        doc = catalog.documents[cite.doc]
        if doc.practice:
            label = f"审核实务（{doc.title}，非文件规定）"
        else:
            label = f"《{doc.title}》" + (f"（{doc.doc_no}）" if doc.doc_no else "") + (cite.article or "")
            if cite.confidence == "记忆" and cite.article:  # one wording per trust state
                label += f"〔{TRUST_LABELS[Trust.UNCHECKED]}〕"
        views.append(CitationView(**public.model_dump(), label=label))
    return views


def finding_view(finding: Finding, submission: Submission) -> FindingView:
    choice = _choice_by_code()[finding.code]
    return FindingView(
        rule_id=finding.rule_id,
        code=finding.code,
        code_name=choice.name,
        severity=finding.severity.value,
        severity_zh=SEVERITY_ZH[Severity(finding.severity)],
        dimension=finding.dimension.value,
        location=finding.location,
        location_text=location_text(finding.location, submission),
        message=finding.message,
        suggestion=finding.suggestion,
        citations=citation_views(finding.rule_id),
    )


def _mark_place(indicator: int | None, submission: Submission) -> str:
    if indicator is None:
        return SUBMISSION_LEVEL_ZH
    return location_text(Location(indicator=indicator), submission)


def _miss_note(mark: Mark, keyed: dict[FindingKey, Finding], submission: Submission) -> str:
    """Why a mark earned nothing, pointing to where the rules do see a problem when they do."""
    names = _choice_by_code()
    name = names[mark.code].name
    elsewhere = [k for k in keyed if k[1] == mark.code and k[0] != mark.indicator]
    if elsewhere:
        where = "、".join(
            _mark_place(k[0], submission)
            if k[0] is not None
            else location_text(keyed[k].location, submission)
            for k in elsewhere
        )
        return f"本案确有“{name}”问题，但不在这里，而在{where}。"
    here = [names[k[1]].name for k in keyed if k[0] == mark.indicator and mark.indicator is not None]
    if here:
        return f"这里没有“{name}”问题；这一行的问题是“{'”“'.join(here)}”。"
    return f"这里没有“{name}”问题，按规则此处不构成缺陷。"


def _rates(correct: int, marks: int, found: int, total: int) -> tuple[float, float, int]:
    # no marks: right only on a case with nothing to find; otherwise 0, never "准确率 100%"
    precision = correct / marks if marks else (0.0 if total else 1.0)
    recall = found / total if total else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return round(precision, 4), round(recall, 4), round(100 * f1)


def _comment(score: int, total: int, incorrect: int, missed: list[FindingView]) -> str:
    if total == 0:
        if incorrect == 0:
            return "本案目标明确、指标细化量化、与预算匹配，规则未发现问题。能判断“没有问题”同样是审核功夫。"
        return (
            f"本案规则未发现问题，{incorrect}处标注均属误判。审核意见的每个问题都要有规则依据，"
            "不能为挑错而挑错。"
        )
    if score >= 90:
        parts = [f"得分{score}分，判断准确，已能独立审核此类项目。"]
    elif score >= 60:
        parts = [f"得分{score}分，基本掌握，仍有疏漏。"]
    else:
        parts = [f"得分{score}分，还需加强，请对照下面漏判问题的依据和修改建议逐条复习。"]
    if missed:
        dimension, _ = Counter(v.dimension for v in missed).most_common(1)[0]
        names = "、".join(dict.fromkeys(f"“{v.code_name}”" for v in missed if v.dimension == dimension))
        parts.append(f"漏判{len(missed)}处，主要在{dimension}方面（{names}）。")
        binding = next(
            (c.label for v in missed for c in v.citations if c.confidence not in ("实务", None)), None
        )
        if binding:
            parts.append(f"建议重读{binding}。")
    if incorrect:
        parts.append(f"另有{incorrect}处误判：提出问题须有规则依据，位置也要准确。")
    return "".join(parts)


def score_findings(
    case_id: str,
    submission: Submission,
    findings: list[Finding],
    marks: list[Mark],
    grade: str = "",
    grade_consequence: str = "",
) -> TrainingScore:
    """Score validated marks against the rules' findings (pure)."""
    keyed = findings_by_key(findings)
    matched = match_marks(marks, keyed)
    names = _choice_by_code()
    results = []
    for mark, key in zip(marks, matched, strict=True):
        view = finding_view(keyed[key], submission) if key is not None else None
        if key is None:
            note = _miss_note(mark, keyed, submission)
        elif key[0] is None and mark.indicator is not None:
            note = "判断正确（这是整体层面的问题，不限于这一行）。"
        elif key[0] != mark.indicator:
            note = (
                f"判断正确（该问题也涉及{location_text(keyed[key].location, submission)}，标在任一行均可）。"
            )
        else:
            note = "判断正确。"
        results.append(
            MarkResult(
                indicator=mark.indicator,
                code=mark.code,
                code_name=names[mark.code].name,
                location_text=_mark_place(mark.indicator, submission),
                correct=key is not None,
                note=note,
                finding=view,
            )
        )
    earned = {k for k in matched if k is not None}
    missed = [finding_view(f, submission) for k, f in keyed.items() if k not in earned]
    correct = len(earned)
    precision, recall, score = _rates(correct, len(marks), correct, len(keyed))
    return TrainingScore(
        case_id=case_id,
        score=score,
        precision=precision,
        recall=recall,
        correct=correct,
        incorrect=len(marks) - correct,
        missed=len(missed),
        total_findings=len(keyed),
        grade=grade,
        grade_consequence=grade_consequence,
        marks=results,
        missed_findings=missed,
        comment=("本次未作任何标注，按0分计。" if not marks and keyed else "")
        + _comment(score, len(keyed), len(marks) - correct, missed),
    )


def score_answer(case: PracticeCase, marks: list[Mark]) -> TrainingScore:
    """Check the case with the real rules and score the trainee's marks against the findings."""
    valid = validate_marks(marks, len(case.submission.indicators))
    result = check_submission(case.submission, standards=case.standards)
    if result.grade is None or result.grade_consequence is None:
        raise UserError(f"练习案例“{case.case_id}”未能完成规则预审：{result.error or '规则预审未给出等级'}")
    return score_findings(
        case.case_id,
        case.submission,
        result.findings,
        valid,
        grade=result.grade.value,
        grade_consequence=result.grade_consequence,
    )


# ---------------------------------------------------------------- progress


MASTERED = 90  # a case whose best score is this or more counts as 已掌握


class CaseProgress(BaseModel):
    case_id: str
    title: str
    difficulty: str
    attempts: int = 0
    best: int | None = None
    latest: int | None = None
    last_at: datetime | None = None


class AttemptView(BaseModel):
    case_id: str
    title: str
    score: int
    precision: float
    recall: float
    correct: int
    incorrect: int
    missed: int
    at: datetime | None = None


class WeakCode(BaseModel):
    code: str
    name: str
    missed: int  # in the latest attempt of each case


class TrainingProgress(BaseModel):
    attempts: int
    cases_total: int
    cases_attempted: int
    cases_mastered: int
    average_latest: float | None  # over the cases attempted, each case's latest score
    cases: list[CaseProgress]
    recent: list[AttemptView]  # newest first
    weak_codes: list[WeakCode]
    comment: str


def training_progress(
    attempts: list[dict[str, Any]], cases: tuple[PracticeCase, ...] | None = None
) -> TrainingProgress:
    """A trainee's progress from their stored attempts (oldest first): per case the attempts, best and
    latest score; the codes most often missed in their latest answers; a short comment. Pure."""
    catalog = cases if cases is not None else load_practice_cases()
    titles = {c.case_id: c for c in catalog}
    per_case: dict[str, CaseProgress] = {
        c.case_id: CaseProgress(case_id=c.case_id, title=c.title, difficulty=c.difficulty) for c in catalog
    }
    latest_missed: dict[str, list[str]] = {}
    for a in attempts:
        case = titles.get(a["case_id"])
        progress = per_case.setdefault(
            a["case_id"],
            CaseProgress(case_id=a["case_id"], title=case.title if case else a["case_id"], difficulty="—"),
        )
        progress.attempts += 1
        progress.best = a["score"] if progress.best is None else max(progress.best, a["score"])
        progress.latest, progress.last_at = a["score"], a.get("created_at")
        latest_missed[a["case_id"]] = list(a.get("missed_codes") or [])
    attempted = [p for p in per_case.values() if p.attempts]
    names = _choice_by_code()
    missed_counts = Counter(code for codes in latest_missed.values() for code in codes)
    weak = [
        WeakCode(code=code, name=names[code].name if code in names else code, missed=n)
        for code, n in missed_counts.most_common(5)
    ]
    average = round(sum(p.latest or 0 for p in attempted) / len(attempted), 1) if attempted else None
    mastered = sum(1 for p in attempted if (p.best or 0) >= MASTERED)
    recent = [
        AttemptView(
            case_id=a["case_id"],
            title=per_case[a["case_id"]].title,
            score=a["score"],
            precision=a["precision"],
            recall=a["recall"],
            correct=a["correct"],
            incorrect=a["incorrect"],
            missed=a["missed"],
            at=a.get("created_at"),
        )
        for a in reversed(attempts[-10:])
    ]
    if not attempted:
        comment = "还没有练习记录：从下面的案例中选一个开始练习。"
    else:
        comment = (
            f"已练习{len(attempted)}/{len(catalog)}个案例，共{len(attempts)}次；各案例最近一次平均{average:g}分，"
            f"已掌握（最高分≥{MASTERED}）{mastered}个。"
        )
        if weak:
            comment += f"最近常漏判：{'、'.join(f'“{w.name}”' for w in weak[:3])}，建议重做相关案例。"
    return TrainingProgress(
        attempts=len(attempts),
        cases_total=len(catalog),
        cases_attempted=len(attempted),
        cases_mastered=mastered,
        average_latest=average,
        cases=list(per_case.values()),
        recent=recent,
        weak_codes=weak,
        comment=comment,
    )
