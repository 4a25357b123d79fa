"""The 审核意见 as data: what drafting produces, rendering prints, the workflow stores, the export lays out.

Pure models (no drafting, no rendering), so that opinion.py (drafting) and opinion_render.py (text) both
build on them without importing each other.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from assistant.citation_resolve import ResolvedCitation
from assistant.citations import TRUST_LABELS, Trust
from assistant.models import Clause, Dimension, Grade, Location, Severity

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
    """A finding's citation resolved against the knowledge base (assistant.citation_resolve).

    `trust` says what a reader may rely on: 已核实 (the quote is the official text's own sentence),
    要点（转述） (our summary) or 条款号待核对 (the article number is from memory).
    """

    label: str  # 《标题》（文号）第X条 — the article found in the official text when it differs
    doc: str
    article: str | None = None  # as the rule cites it
    confidence: str | None = None
    trust: Trust = Trust.PARAPHRASE
    trust_label: str = TRUST_LABELS[Trust.PARAPHRASE]
    trust_note: str = ""
    quote: str | None = None  # verified: the clause's own sentence; otherwise the rule's summary
    clause_id: str | None = None  # the clause the link opens (official text, else our card)
    text: str | None = None  # that clause as ingested (official text or starter card)
    summary: str | None = None  # the rule's own summary of the clause
    in_kb: bool = False  # the link opens a clause of the knowledge base
    practice: bool = False
    official: bool = False  # an official text of the cited document is ingested
    article_found: str | None = None
    mismatch: bool = False  # the cited article does not carry the point; `article_found` does

    @classmethod
    def from_resolved(cls, resolved: ResolvedCitation, clause: Clause | None) -> ClauseRef:
        return cls(
            label=resolved.label,
            doc=resolved.doc,
            article=resolved.article,
            confidence=resolved.confidence,
            trust=resolved.trust,
            trust_label=resolved.trust_label,
            trust_note=resolved.trust_note,
            quote=resolved.quote,
            clause_id=resolved.clause_id,
            text=clause.text if clause else None,
            summary=resolved.summary,
            in_kb=resolved.clause_id is not None,
            practice=resolved.practice,
            official=resolved.official,
            article_found=resolved.article_found,
            mismatch=resolved.mismatch,
        )


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
    # for the reviewer, shown beside the draft and never printed in it: how it was made, which citations
    # are paraphrases or carry an unverified number, which cited articles the official text contradicts
    caveats: list[str] = Field(default_factory=list)
    prompt_versions: list[str] = Field(default_factory=list)

    def findings(self) -> list[OpinionFinding]:
        return [f for section in self.sections for f in section.findings]


def consequence_core(consequence: str) -> str:
    """The consequence without a trailing (《…》第二十五条) citation or full stop."""
    return re.sub(r"[（(]《.*[）)]\s*$", "", consequence.strip().rstrip("。")).rstrip("。")
