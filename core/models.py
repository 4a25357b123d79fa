"""Data that comes out of ingestion: target submissions (formats.md §1) and policy clauses (DESIGN.md §3).

These are the edge models every other package builds on. Normalised fields are derived from the
original text, which is kept unchanged (`value`, `op_raw`, `level1`, `unit` are as published).
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

from core.normalize import (
    clean_text,
    first_number,
    normalize_level1,
    normalize_level2,
    normalize_op,
    parse_number,
    to_halfwidth,
)


class Indicator(BaseModel):
    """One 三级指标 row, as published plus normalised fields beside it."""

    model_config = ConfigDict(extra="allow")

    level1: str | None = None
    level2: str | None = None
    name: str | None = None
    op: str | None = None  # normalised: ≥ ≤ = > < 定性, or None
    value: str | None = None  # as published
    unit: str | None = None
    weight: float | None = None
    direction: str | None = None
    basis: str | None = None
    history: str | None = None
    value_raw: str | None = None  # the published cell when an importer split it ('≥95%' -> op/value/unit)

    # derived (never serialised back into the canonical JSON unless asked)
    op_raw: str | None = Field(default=None, exclude=True)
    level1_norm: str | None = Field(default=None, exclude=True)  # 产出 / 效益 / 满意度 / 成本 / None
    level2_norm: str | None = Field(default=None, exclude=True)  # 数量 / 质量 / 时效 / 成本 / 社会效益 …
    value_num: float | None = Field(default=None, exclude=True)
    history_num: float | None = Field(default=None, exclude=True)
    basis_num: float | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _coerce(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        d = dict(data)
        for key in ("level1", "level2", "name", "value", "unit", "direction", "basis", "history"):
            if key in d:
                d[key] = clean_text(d[key])
        if "op_raw" not in d:
            d["op_raw"] = clean_text(d.get("op"))
        w = d.get("weight")
        if isinstance(w, str):
            d["weight"] = parse_number(w.strip().removesuffix("分"))  # weights are often written as 10分
        return d

    @model_validator(mode="after")
    def _derive(self) -> Indicator:
        self.op = normalize_op(self.op_raw) if self.op_raw is not None else None
        self.level1_norm = normalize_level1(self.level1)
        self.level2_norm = normalize_level2(self.level2)
        if self.name:
            self.name = (
                to_halfwidth(self.name) if any("\uff10" <= c <= "\uff19" for c in self.name) else self.name
            )
        self.value_num = parse_number(self.value)
        self.history_num = first_number(self.history)
        self.basis_num = first_number(self.basis)
        return self


class Funding(BaseModel):
    model_config = ConfigDict(extra="allow")
    fiscal: float | None = None
    other: float | None = None


class Submission(BaseModel):
    """One project's performance-target submission (canonical JSON, formats.md §1)."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    year: int | None = None
    region: str | None = None
    unit: str | None = None
    department: str | None = None
    project: str | None = None
    project_type: str | None = None
    period: str | None = None
    budget_yuan: float | None = None
    funding: Funding | None = None
    overall_goal: str | None = None
    annual_goal: str | None = None
    indicators: list[Indicator] = Field(default_factory=list)

    # where it came from (file, sheet, first row) — for error messages and the UI
    source: str | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _coerce(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        d = dict(data)
        for key in (
            "region",
            "unit",
            "department",
            "project",
            "project_type",
            "period",
            "overall_goal",
            "annual_goal",
        ):
            if key in d:
                d[key] = clean_text(d[key])
        if d.get("id") is not None:
            d["id"] = str(d["id"])
        b = d.get("budget_yuan")
        if isinstance(b, str):
            d["budget_yuan"] = parse_number(b)
        y = d.get("year")
        if isinstance(y, str):
            n = parse_number(y)
            d["year"] = int(n) if n is not None else None
        if d.get("indicators") is None:
            d["indicators"] = []
        return d

    def canonical(self) -> dict[str, Any]:
        """The canonical JSON object (formats.md §1), derived fields left out."""
        data = self.model_dump(mode="json", exclude_none=False)
        for ind in data.get("indicators", []):
            if ind.get("value_raw") is None:
                ind.pop("value_raw", None)
        return data


class Clause(BaseModel):
    """One citable unit of a policy document: an article (条), or a section of a policy outline."""

    id: str  # stable: hash of doc_id + path + text
    doc_id: str  # stable id of the document (content hash of the source file)
    doc_title: str  # full title, e.g. 中华人民共和国预算法
    doc_short: str  # short title used in citations and eval, e.g. 预算法 (file stem)
    doc_no: str | None = None  # 文号, e.g. 财预〔2015〕88号
    doc_date: str | None = None
    doc_kind: str = "law"  # law / regulation / policy / local / starter / other
    region: str | None = None  # 全国 / 山东省青岛市 …
    source: str  # file it came from
    article: str | None = None  # article label as written: 第三十二条 (optionally 第二款); or 一、（二）
    path: list[str] = Field(default_factory=list)  # e.g. ["第四章 预算编制", "第三十二条"]
    text: str
    page: int | None = None
    page_end: int | None = None
    confidence: str | None = None  # starter cards: 源文✔ / 二手✔ / 记忆 / 实务
    paragraphs: list[str] = Field(default_factory=list)  # 款 of an article (label left out); 项 stay inside
    heading: str | None = None  # a section's own title (outline 标题, starter card title), if any

    @property
    def citation(self) -> str:
        """《预算法》第三十二条 — the label a reviewer cites."""
        return f"《{self.doc_short}》{self.article or ''}"


class ParsedDocument(BaseModel):
    """A policy file turned into clauses, with its metadata."""

    doc_id: str
    title: str
    short_title: str
    doc_no: str | None = None
    date: str | None = None
    issuer: str | None = None
    kind: str = "law"
    region: str | None = None
    source: str
    sha256: str
    clauses: list[Clause]
    dates: dict[str, str] = Field(default_factory=dict)  # event (通过/公布/施行/修订…) -> ISO date
