"""The rule catalog (catalog.yaml) as typed data: defect codes, rules, templates with named cases, citations.

Templates: `message`, `suggestion` and the optional `why` of a rule, and its optional named `parts`, are each
either one string (its `default` case) or a mapping of case name -> template. A hit names the case of each
template it needs (`Hit.cases`); the engine renders the parts first (in file order), then `why`, then the
message and the suggestion, each with the hit's params and the texts rendered before it.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml
from pydantic import BaseModel, Field, PrivateAttr, field_validator, model_validator

from assistant.citations import TRUST_LABELS, Trust
from assistant.models import Citation, Dimension, Severity

CATALOG_FILE = Path(__file__).with_name("catalog.yaml")
DEFAULT_CASE = "default"

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


class TemplateError(ValueError):
    """A hit asks for a template case its rule lacks, or a template needs a param the hit does not give."""


def template_fields(template: str) -> set[str]:
    """The {names} a template needs."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def _cases(value: Any) -> Any:
    return {DEFAULT_CASE: value} if isinstance(value, str) else value


class Rule(BaseModel):
    id: str
    code: str
    severity: Severity
    dimension: Dimension  # taken from the code (catalog `codes:`), not written on the rule
    title: str
    message: dict[str, str]
    suggestion: dict[str, str]
    why: dict[str, str] | None = None
    parts: dict[str, dict[str, str]] = Field(default_factory=dict)
    citations: list[RuleCitation] = Field(min_length=1)

    @field_validator("message", "suggestion", "why", mode="before")
    @classmethod
    def _as_cases(cls, v: Any) -> Any:
        return _cases(v)

    @field_validator("parts", mode="before")
    @classmethod
    def _parts_as_cases(cls, v: Any) -> Any:
        return {k: _cases(x) for k, x in (v or {}).items()}

    def templates(self) -> list[tuple[str, dict[str, str]]]:
        """(template name, its cases) in rendering order: parts, why, message, suggestion."""
        out = list(self.parts.items())
        if self.why is not None:
            out.append(("why", self.why))
        return [*out, ("message", self.message), ("suggestion", self.suggestion)]

    def render(self, cases: Mapping[str, str], params: Mapping[str, str]) -> dict[str, str]:
        """Every template filled: the case the hit names (else `default`), the params and earlier texts."""
        templates = self.templates()
        unknown = set(cases) - {name for name, _ in templates}
        if unknown:
            raise TemplateError(f"rule {self.id}: no template named {sorted(unknown)}")
        values = dict(params)
        rendered: dict[str, str] = {}
        for name, options in templates:
            case = cases.get(name, DEFAULT_CASE)
            template = options.get(case)
            if template is None:
                raise TemplateError(f"rule {self.id}: template {name!r} has no case {case!r}")
            missing = template_fields(template) - set(values)
            if missing:
                raise TemplateError(f"rule {self.id}: {name}.{case} needs params {sorted(missing)}")
            rendered[name] = values[name] = template.format_map(values)
        return rendered


class Catalog(BaseModel):
    codes: dict[str, Dimension]
    documents: dict[str, SourceDocument]
    rules: list[Rule]
    fix_suggestions: dict[str, str] = Field(default_factory=dict)  # the words of a structured fix, by case
    _index: dict[str, Rule] | None = PrivateAttr(default=None)

    @model_validator(mode="before")
    @classmethod
    def _dimension_from_code(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        codes = data.get("codes") or {}
        rules = []
        for r in data.get("rules") or []:
            if isinstance(r, dict) and r.get("code") not in codes:
                raise ValueError(f"rule {r.get('id')}: unknown defect code {r.get('code')}")
            if isinstance(r, dict) and "dimension" not in r:
                r = {**r, "dimension": codes[r["code"]]}
            rules.append(r)
        return {**data, "rules": rules}

    @model_validator(mode="after")
    def _consistent(self) -> Catalog:
        ids = [r.id for r in self.rules]
        if len(ids) != len(set(ids)):
            raise ValueError("duplicate rule ids in catalog")
        for rule in self.rules:
            if rule.dimension != self.codes[rule.code]:
                raise ValueError(f"rule {rule.id}: {rule.code} belongs to {self.codes[rule.code].value}")
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

    def fix_text(self, case: str, params: Mapping[str, str]) -> str:
        """A finding's suggestion when it carries a structured fix: the `fix_suggestions` case, filled."""
        template = self.fix_suggestions.get(case)
        if template is None:
            raise TemplateError(f"fix_suggestions has no case {case!r}")
        missing = template_fields(template) - set(params)
        if missing:
            raise TemplateError(f"fix_suggestions.{case} needs params {sorted(missing)}")
        return template.format_map(params)

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
        if c.confidence == "记忆" and c.article:  # one wording per trust state (assistant.citations)
            label += f"〔{TRUST_LABELS[Trust.UNCHECKED]}〕"
        return label


@lru_cache(maxsize=4)
def load_catalog(path: Path | None = None) -> Catalog:
    """The rule catalog, parsed and validated once per file."""
    source = path or CATALOG_FILE
    return Catalog.model_validate(yaml.safe_load(Path(source).read_text(encoding="utf-8")))


# formats.md §3 codes the rules report and their dimensions, read from catalog.yaml (`codes:`).
DEFECT_CODES: Mapping[str, Dimension] = MappingProxyType(dict(load_catalog().codes))
