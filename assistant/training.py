"""培训练习 (training mode): practice cases, exercises with the answer key hidden, and scoring.

Cases are product data (`knowledge/practice/cases.json`): short invented submissions with a few clear
defects. The answer key is never stored; it is computed by the real rules engine
(`assistant.checks.check_submission`), so it always matches what the product flags. Scoring is per
(indicator, code), like the checks eval; a submission-level finding (no indicator) matches by code.
"""

from __future__ import annotations

import json
from collections import Counter
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, model_validator

from assistant.checks import check_submission, load_catalog
from assistant.checks.catalog import DEFECT_CODES
from assistant.citations import citation_label
from assistant.models import SEVERITY_ZH, Citation, Finding, Location, Severity, Submission
from assistant.opinion_render import location_text
from assistant.workflow import NotFound
from ingest.errors import UserError

PRACTICE_DIR = Path(__file__).resolve().parent / "knowledge" / "practice"
CASES_FILE = PRACTICE_DIR / "cases.json"
CODES_FILE = PRACTICE_DIR / "defect_codes.json"
MAX_MARKS = 200
DIFFICULTIES = ("入门", "中等", "较难")
SUBMISSION_LEVEL_ZH = "整体/目标"

FindingKey = tuple[int | None, str]      # (indicator index or None for the submission level, defect code)


# ---------------------------------------------------------------- models


class PracticeCase(BaseModel):
    case_id: str = Field(min_length=1)
    title: str = Field(min_length=1)
    sector: str = Field(min_length=1)
    difficulty: str
    submission: Submission

    @model_validator(mode="after")
    def _sane(self) -> PracticeCase:
        if self.difficulty not in DIFFICULTIES:
            raise ValueError(f"练习案例 {self.case_id}：难度“{self.difficulty}”应为{'、'.join(DIFFICULTIES)}之一")
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
    name: str                          # the catalog rule's title
    dimension: str
    severity: str
    severity_zh: str
    scope: str                         # submission / indicator (a hint where such problems usually sit)
    explanation: str


class Exercise(BaseModel):
    case_id: str
    title: str
    sector: str
    difficulty: str
    submission: dict[str, Any]         # canonical JSON (formats.md §1); no findings, no grade
    choices: list[DefectChoice]
    instructions: str


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
    label: str                         # as a reviewer cites it (审核实务 / 记忆 keep their caveat)


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
    score: int                         # 0–100, F1 of the marks against the rules' findings
    precision: float
    recall: float
    correct: int
    incorrect: int
    missed: int
    total_findings: int
    grade: str                         # the rules' grade for the case, revealed after answering
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
    """Every defect code (formats.md §3) with its catalog name, dimension, severity and a Chinese explanation."""
    explained = json.loads(CODES_FILE.read_text(encoding="utf-8"))["codes"]
    missing = [code for code in DEFECT_CODES if code not in explained]
    if missing:
        raise ValueError(f"{CODES_FILE.name} 缺少问题类型说明：{'、'.join(missing)}")
    first_rule = {}
    for rule in load_catalog().rules:
        first_rule.setdefault(rule.code, rule)
    return tuple(
        DefectChoice(code=code, name=first_rule[code].title, dimension=dimension.value,
                     severity=first_rule[code].severity.value, severity_zh=SEVERITY_ZH[first_rule[code].severity],
                     scope=explained[code]["scope"], explanation=explained[code]["explanation"])
        for code, dimension in DEFECT_CODES.items()
    )


def _choice_by_code() -> dict[str, DefectChoice]:
    return {c.code: c for c in defect_choices()}


def list_cases(cases: tuple[PracticeCase, ...] | None = None) -> list[CaseSummary]:
    return [CaseSummary(case_id=c.case_id, title=c.title, sector=c.sector, difficulty=c.difficulty,
                        unit=c.submission.unit, indicators=len(c.submission.indicators))
            for c in (cases if cases is not None else load_practice_cases())]


def get_case(case_id: str, cases: tuple[PracticeCase, ...] | None = None) -> PracticeCase:
    for case in cases if cases is not None else load_practice_cases():
        if case.case_id == case_id:
            return case
    raise TrainingCaseNotFound(case_id)


def build_exercise(case: PracticeCase) -> Exercise:
    """What the trainee sees: the submission as filed and the codes to choose from, never the findings."""
    return Exercise(
        case_id=case.case_id, title=case.title, sector=case.sector, difficulty=case.difficulty,
        submission=case.submission.canonical(), choices=list(defect_choices()),
        instructions=("请像审核人员一样逐项审阅本案的年度目标和绩效指标：在有问题的指标行（或“整体/目标”）"
                      "上标注问题类型，可标注多处；提交后按规则引擎的审核结论评分，并给出漏判问题的依据和修改建议。"),
    )


def answer_key(case: PracticeCase) -> list[Finding]:
    """The rules' findings for the case: the hidden answer key."""
    return check_submission(case.submission).findings
