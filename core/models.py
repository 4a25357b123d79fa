"""Data that comes out of ingestion: target submissions (formats.md §1) and policy clauses (DESIGN.md §3).

These are the edge models every other package builds on. Normalised fields are derived from the
original text, which is kept unchanged (`value`, `op_raw`, `level1`, `unit` are as published).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from core.normalize import (
    clean_text,
    first_number,
    normalize_level1,
    normalize_level2,
    normalize_op,
    parse_number,
    to_halfwidth,
)

TEXT_JOINER = "；"  # a list given for a text field is read as its items in order: ["甲", "乙"] -> "甲；乙"
_MAX_TEXT_NESTING = 8


def text_field(raw: object) -> str | None:
    """The text of a text field: `clean_text`, and a list (or object) given for one joined item by item:
    ["完成改造", "提升服务"] -> "完成改造；提升服务", {"产出": "改造2处"} -> "产出：改造2处", never its
    Python form ("['完成改造', '提升服务']"). Empty items are left out; an empty list is no text (None)."""
    return clean_text(_joined(raw, 0)) if isinstance(raw, list | tuple | dict) else clean_text(raw)


def _joined(raw: object, depth: int) -> str | None:
    if depth > _MAX_TEXT_NESTING:
        return None
    if isinstance(raw, dict):
        parts = [
            f"{key}：{text}" if str(key).strip() else text
            for key, value in raw.items()
            if (text := _joined(value, depth + 1))
        ]
    elif isinstance(raw, list | tuple):
        parts = [text for value in raw if (text := _joined(value, depth + 1))]
    else:
        return clean_text(raw)
    return TEXT_JOINER.join(parts) or None


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
        for key in ("level1", "level2", "name", "op", "value", "unit", "direction", "basis", "history"):
            if key in d:
                d[key] = text_field(d[key])
        if "op_raw" not in d:
            d["op_raw"] = text_field(d.get("op"))
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
                d[key] = text_field(d[key])
        if d.get("id") is not None:
            d["id"] = text_field(d["id"]) if isinstance(d["id"], list | tuple | dict) else str(d["id"])
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


STANDARD_KINDS = ("上限", "参考")
EX_ANTE_CONCLUSIONS = ("予以支持", "调整后予以支持", "不予支持")
_KEYWORD_SPLIT = ("、", "，", ",", "；", ";", "/", "|", " ", "\n")


class Standard(BaseModel):
    """One row of a bureau's 支出标准 table (formats.md §5): a unit cost for an item, in money per physical
    unit per period (元/平方米·年), a ceiling (上限) or a reference (参考), with where it applies and its
    依据."""

    id: int | None = None  # the stored row's id (library in the database); None when read from a file
    item: str = Field(min_length=1)  # 事项: 城市道路清扫保洁
    keywords: list[str] = Field(default_factory=list)  # words that identify it in a name, goal or indicator
    unit: str = Field(min_length=1)  # 计量单位 as written: 元/平方米·年
    value: float = Field(gt=0)  # 标准值, in that unit
    kind: Literal["上限", "参考"] = "上限"
    region: str | None = None  # 适用地区; None = everywhere
    year: int | None = None  # 年度
    basis: str | None = None  # 依据: where the standard comes from, cited in findings
    source: str | None = None  # file and row it was imported from

    @field_validator("keywords", mode="before")
    @classmethod
    def _split_keywords(cls, v: Any) -> Any:
        if v is None:
            return []
        if isinstance(v, str):
            text = v
            for sep in _KEYWORD_SPLIT:
                text = text.replace(sep, "\n")
            return [w.strip() for w in text.split("\n") if w.strip()]
        return v

    @field_validator("item", "unit", "region", "basis", "source", mode="before")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return clean_text(v) if isinstance(v, str) else v

    @property
    def is_ceiling(self) -> bool:
        return self.kind == "上限"

    @property
    def words(self) -> list[str]:
        """The item and its keywords, longest first, each once."""
        return sorted(dict.fromkeys(w for w in (self.item, *self.keywords) if w), key=len, reverse=True)


class ExAnte(BaseModel):
    """The optional `ex_ante` block of a submission (formats.md §6): what an 事前绩效评估 needs to read."""

    model_config = ConfigDict(extra="allow")

    project_kind: str | None = None  # 新增 / 延续
    basis: str | None = None  # 立项依据
    plan: str | None = None  # 实施方案
    funding: str | None = None  # 筹资方式
    alternatives: str | None = None
    assessed: bool | None = None
    conclusion: str | None = None  # 予以支持 / 调整后予以支持 / 不予支持

    @field_validator("assessed", mode="before")
    @classmethod
    def _yes_no(cls, v: Any) -> Any:
        if isinstance(v, str):
            text = v.strip().lower()
            if text in ("是", "已评估", "已开展", "true", "yes", "1"):
                return True
            if text in ("否", "未评估", "未开展", "false", "no", "0", ""):
                return False
            return None
        return v

    @property
    def is_new(self) -> bool:
        return "新增" in (self.project_kind or "") or (self.project_kind or "").strip() == "新"


def ex_ante_of(sub: Submission) -> ExAnte | None:
    """The submission's `ex_ante` block (kept as an extra field of the canonical JSON), or None when absent
    or not an object."""
    raw = (sub.model_extra or {}).get("ex_ante")
    if not isinstance(raw, dict):
        return None
    try:
        return ExAnte.model_validate(raw)
    except ValueError:
        return None


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
