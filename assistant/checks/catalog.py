"""The rule catalog (catalog.yaml) as typed data: ids, codes, severities, dimensions, templates, citations."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

from assistant.models import Citation, Dimension, Severity

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")

# formats.md §3 — the rule catalog must cover every one of them.
DEFECT_CODES: dict[str, Dimension] = {
    "PROJECT_UNIDENTIFIABLE": Dimension.completeness,
    "GOAL_MISSING": Dimension.completeness,
    "GOAL_VAGUE": Dimension.completeness,
    "MISSING_LEVEL1": Dimension.completeness,
    "SATISFACTION_MISSING": Dimension.completeness,
    "NO_COST": Dimension.completeness,
    "TEMPLATE_PLACEHOLDER": Dimension.completeness,
    "WEIGHTS_NOT_100": Dimension.completeness,
    "DUPLICATE": Dimension.relevance,
    "IRRELEVANT": Dimension.relevance,
    "INPUT_AS_OUTPUT": Dimension.relevance,
    "OUTPUT_AS_BENEFIT": Dimension.relevance,
    "MISSING_CORE_OUTPUT": Dimension.relevance,
    "VALUE_NAME_CONFLICT": Dimension.relevance,
    "VAGUE_VALUE": Dimension.relevance,
    "PERCENT_WITHOUT_BASIS": Dimension.relevance,
    "RATE_OVER_100": Dimension.relevance,
    "NO_UNIT": Dimension.relevance,
    "WRONG_UNIT": Dimension.relevance,
    "WRONG_DIRECTION": Dimension.relevance,
    "TIMELINESS_VAGUE": Dimension.relevance,
    "COST_NOT_MEASURABLE": Dimension.appropriateness,
    "OUTPUT_BUDGET_MISMATCH": Dimension.appropriateness,
    "TRIVIAL_THRESHOLD": Dimension.feasibility,
    "TARGET_TOO_LOW": Dimension.feasibility,
}
CONFIDENCES = ("源文✔", "二手✔", "记忆", "实务")


class SourceDocument(BaseModel):
    title: str
    doc_no: str | None = None
    practice: bool = False  # 审核实务: a hint, never a binding rule

    @property
    def display(self) -> str:
        if self.practice:
            return f"审核实务：{self.title}"
        return f"{self.title}（{self.doc_no}）" if self.doc_no else self.title


class RuleCitation(BaseModel):
    doc: str  # key into Catalog.documents
    article: str | None = None
    quote: str
    confidence: str

    @field_validator("confidence")
    @classmethod
    def _known_confidence(cls, v: str) -> str:
        if v not in CONFIDENCES:
            raise ValueError(f"unknown confidence {v!r}")
        return v


class Rule(BaseModel):
    id: str
    code: str
    severity: Severity
    dimension: Dimension
    title: str
    message: str
    suggestion: str
    citations: list[RuleCitation] = Field(min_length=1)

    @model_validator(mode="after")
    def _code_matches_dimension(self) -> Rule:
        expected = DEFECT_CODES.get(self.code)
        if expected is None:
            raise ValueError(f"rule {self.id}: unknown defect code {self.code}")
        if expected != self.dimension:
            raise ValueError(
                f"rule {self.id}: {self.code} belongs to {expected.value}, not {self.dimension.value}"
            )
        return self


class Catalog(BaseModel):
    documents: dict[str, SourceDocument]
    rules: list[Rule]
    _index: dict[str, Rule] | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate rule ids in catalog")
        for rule in self.rules:
            for c in rule.citations:
                doc = self.documents.get(c.doc)
                if doc is None:
                    raise ValueError(f"rule {rule.id}: unknown document {c.doc}")
                if doc.practice and (c.confidence != "实务" or c.article):
                    raise ValueError(
                        f"rule {rule.id}: a practice source is cited as 审核实务 without an article"
                    )
        return self

    def rule(self, rule_id: str) -> Rule:
        return self.by_id()[rule_id]

    def by_id(self) -> dict[str, Rule]:
        if self._index is None:
            self._index = {r.id: r for r in self.rules}
        return self._index

    def citations(self, rule: Rule) -> list[Citation]:
        """The rule's citations as the public model (doc carries its 文号; 审核实务 has no article)."""
        return [
            Citation(
                doc=self.documents[c.doc].display, article=c.article, quote=c.quote, confidence=c.confidence
            )
            for c in rule.citations
        ]

    def cite_text(self, rule: Rule) -> str:
        """The rule's primary citation as written in a message, with its confidence kept."""
        c = rule.citations[0]
        doc = self.documents[c.doc]
        if doc.practice:
            return f"审核实务（{doc.title}）"
        label = f"《{doc.title}》" + (f"（{doc.doc_no}）" if doc.doc_no else "") + (c.article or "")
        if c.confidence == "记忆":
            label += "（条款号凭记忆，待核对原文）"
        return label


@lru_cache(maxsize=4)
def load_catalog(path: Path | None = None) -> Catalog:
    """The rule catalog, parsed and validated once per file."""
    source = path or CATALOG_FILE
    return Catalog.model_validate(yaml.safe_load(Path(source).read_text(encoding="utf-8")))
