"""The 审核意见 as data: what drafting produces, rendering prints, the workflow stores, the export lays out.

Pure models (no drafting, no rendering), so that opinion.py (drafting) and opinion_render.py (text) both
build on them without importing each other.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from assistant.models import Dimension, Grade, Location, Severity

GRADE_BASIS = "《中央部门预算绩效目标管理办法》（财预〔2015〕88号）第二十五条"


class ProjectInfo(BaseModel):
    id: str | None = None
    project: str | None = None
    unit: str | None = None
    department: str | None = None
    region: str | None = None
    year: int | None = None
    budget_yuan: float | None = None
    budget_wan: float | None = None
    budget_text: str = "未填报"
    period: str | None = None


class ClauseRef(BaseModel):
    """A finding's citation with the clause text looked up in the knowledge base (when it has it)."""

    label: str
    doc: str
    article: str | None = None
    confidence: str | None = None
    clause_id: str | None = None
    text: str | None = None  # the clause as ingested (official text or starter card)
    summary: str | None = None  # the rule's own summary of the clause
    in_kb: bool = False


class OpinionFinding(BaseModel):
    number: int
    rule_id: str
    code: str
    severity: Severity
    severity_zh: str
    dimension: Dimension
    location: Location
    location_text: str
    message: str
    suggestion: str
    citations: list[ClauseRef] = Field(default_factory=list)
    rewrite_example: str | None = None  # model-written, shown as 供参考


class DimensionSection(BaseModel):
    dimension: Dimension
    verdict: str  # from the rules: 未发现问题 / 发现N处问题（…）
    comment: str | None = None  # model-written one-line summary
    findings: list[OpinionFinding] = Field(default_factory=list)


class ReviewOpinion(BaseModel):
    title: str = "项目支出绩效目标审核意见"
    submission_id: str | None = None
    info: ProjectInfo
    grade: Grade
    grade_consequence: str
    grade_basis: str = GRADE_BASIS
    summary: str
    summary_source: Literal["rules", "llm"] = "rules"
    sections: list[DimensionSection]
    suggestions: list[str]
    observations: list[str] = Field(default_factory=list)  # model-written, 供参考
    mode: str
    mode_label: str
    notes: list[str] = Field(default_factory=list)
    prompt_versions: list[str] = Field(default_factory=list)

    def findings(self) -> list[OpinionFinding]:
        return [f for section in self.sections for f in section.findings]


def consequence_core(consequence: str) -> str:
    """The consequence without a trailing (《…》第二十五条) citation or full stop."""
    return re.sub(r"[（(]《.*[）)]\s*$", "", consequence.strip().rstrip("。")).rstrip("。")
