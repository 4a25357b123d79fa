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
