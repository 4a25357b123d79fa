"""Domain models at the assistant's edges: findings, citations, check results (DESIGN.md §7)."""

from __future__ import annotations

from enum import Enum
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.models import Clause, Indicator, ParsedDocument, Submission  # re-exported for callers

__all__ = [
    "SEVERITY_ZH",
    "CheckResult",
    "Citation",
    "Clause",
    "CostCheck",
    "Dimension",
    "Finding",
    "Fix",
    "Grade",
    "Indicator",
    "Location",
    "ParsedDocument",
    "Severity",
    "Submission",
]


class Severity(str, Enum):  # noqa: UP042 — str() and format() stay as they were
    error = "error"
    warning = "warning"
    info = "info"


SEVERITY_ZH = {Severity.error: "错误", Severity.warning: "警告", Severity.info: "提示"}


class Dimension(str, Enum):  # noqa: UP042
    completeness = "完整性"
    relevance = "相关性"
    appropriateness = "适当性"
    feasibility = "可行性"


class Grade(str, Enum):  # noqa: UP042
    excellent = "优"
    good = "良"
    fair = "中"
    poor = "差"


class Location(BaseModel):
    """Where a finding points: a submission field, or an indicator row (0-based) and optionally its cell."""

    field: str | None = None  # annual_goal / overall_goal / project / indicators / weights
    indicator: int | None = None  # 0-based index into Submission.indicators
    cell: str | None = None  # name / op / value / unit / weight / level1 / level2


class Citation(BaseModel):
    """A rule behind a finding. `quote` is our paraphrase unless verified against an ingested clause."""

    doc: str  # 《项目支出绩效目标…》 short title or 财预〔2015〕88号
    article: str | None = None  # 第二十五条, 第十三条(二), 第（五）项; None for 审核实务
    quote: str | None = None
    confidence: str | None = None  # 源文✔ / 二手✔ / 记忆 / 实务


class Fix(BaseModel):
    """The machine form of a suggestion (DESIGN.md §7): one edit of the submission.

    replace_row: `indicator` and the changed fields in `row`; delete_row: `indicator`; add_row: the new `row`;
    set_field: `field` (annual_goal, project …) and its new `value`. A number the reviewer cannot know is
    written 〔待填：说明〕.
    """

    action: Literal["replace_row", "delete_row", "add_row", "set_field"]
    indicator: int | None = None  # 0-based index into Submission.indicators
    row: dict[str, Any] | None = (
        None  # changed indicator fields (formats.md §1: level1, name, op, value, unit …)
    )
    field: str | None = None
    value: str | None = None
    # companion edits the same remedy needs: a deleted row's weight moved into another row, further rows added
    also: list[Fix] | None = None


class Finding(BaseModel):
    rule_id: str
    code: str  # formats.md §3
    severity: Severity
    dimension: Dimension
    location: Location
    message: str  # Chinese, what is wrong and why
    suggestion: str  # Chinese, a concrete rewrite
    citations: list[Citation] = Field(default_factory=list)
    fix: Fix | None = None  # the suggestion as an edit of the table, when the remedy is one
    saving_yuan: float | None = None  # COST_OVER_STANDARD: (unit cost − standard) × quantity, the 核减 amount


class CostCheck(BaseModel):
    """One unit cost compared with the bureau's 支出标准 (formats.md §5), reported beside the findings:
    a cost row (`indicator`), or the unit cost implied by the budget ÷ a quantity row (`indicator` None)."""

    indicator: int | None = None  # the cost row; None when implied from the budget
    quantity_indicator: int | None = None  # the quantity row the saving is counted on
    item: str  # the standard's 事项
    matched_word: str | None = None  # the item word found in the row, project name or goal
    standard_id: int | None = None
    standard_value: float
    standard_unit: str
    standard_kind: str  # 上限 / 参考
    basis: str | None = None
    region: str | None = None
    year: int | None = None
    cost_text: str  # the cost as written (1.2元/平方米·月) or derived (12,628,207元 ÷ 235.8公里 ÷ 3年)
    unit_cost: float  # in the standard's unit
    verdict: Literal["over", "within", "reference_over", "reference_within"]
    quantity: float | None = None  # in the standard's physical unit
    quantity_text: str = ""
    years: int = 1  # years of a per-year standard the saving counts
    saving_yuan: float | None = None  # only for a ceiling (上限) exceeded with a matching quantity
    adjusted_budget_yuan: float | None = None
    steps: list[str] = Field(default_factory=list)  # the 核减 arithmetic, line by line


class CheckResult(BaseModel):
    """Precheck of one submission: findings and the grade decided by rules.

    A submission the rules could not check carries `error` (Chinese, naming the rule), no grade, no findings.
    """

    id: str | None = None
    project: str | None = None
    grade: Grade | None = None
    grade_consequence: str | None = None  # per 财预〔2015〕88号 第二十五条
    findings: list[Finding] = Field(default_factory=list)
    source: str | None = None
    error: str | None = None
    # unit costs compared with the 支出标准 passed to the check (none without standards)
    cost_checks: list[CostCheck] = Field(default_factory=list)
