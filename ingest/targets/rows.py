"""Turning table rows into indicators and project fields: shared by the flat and the form layouts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from core.errors import ImportIssue
from core.normalize import normalize_op, parse_number, parse_year, split_value, to_halfwidth, wan_to_yuan
from ingest.targets.columns import FIELD_ZH, INDICATOR_FIELDS
from ingest.targets.limits import ImportLimits, cut, too_long_message
from ingest.targets.xlsx_common import Grid, Header

TOTAL_WORDS = {"合计", "总计", "小计", "合计数", "总合计"}
_NOTE_RE = re.compile(
    r"^(注|备注|说明|填表说明|填报说明|填报人|填表人|审核人|联系人|联系电话|负责人|制表|单位负责人)"
    r"\s*([:：（(、.．\d]|$)"
)


@dataclass
class SheetContext:
    """Where we are (for messages and `source`), the sheet's default amount unit and the import limits."""

    file: str
    grid: Grid
    amount_unit: str = "元"
    issues: list[ImportIssue] = field(default_factory=list)
    limits: ImportLimits = field(default_factory=ImportLimits)
    full_projects: set[int] = field(default_factory=set)  # first rows of projects at the indicator limit

    def issue(self, row: int | None, message: str, field_name: str | None = None) -> None:
        self.issues.append(
            ImportIssue(file=self.file, sheet=self.grid.title, row=row, field=field_name, message=message)
        )

    def bounded(self, text: str | None, row: int | None, field_zh: str, *, long: bool = False) -> str | None:
        """A cell's text within the field-length limit; a longer one is cut, with an issue."""
        limit = self.limits.max_text_chars if long else self.limits.max_field_chars
        if text is None or len(text) <= limit:
            return text
        self.issue(row, too_long_message(f"“{field_zh}”", len(text), limit), field_zh)
        return cut(text, limit)

    def room_for_indicator(self, count: int, row: int, project_row: int, project: str | None) -> bool:
        """False once a project holds the maximum number of indicators (reported once per project)."""
        if count < self.limits.max_indicators:
            return True
        if project_row not in self.full_projects:
            self.full_projects.add(project_row)
            self.issue(
                row,
                f"项目“{project or ''}”的绩效指标超过 {self.limits.max_indicators} 行，从本行起未导入，"
                "请核对原表（绩效目标表通常不超过 60 行指标）。",
                "三级指标",
            )
        return False

    def source(self, row: int) -> str:
        return f"{self.file}#{self.grid.title}!R{row}"


def amount_to_yuan(
    ctx: SheetContext, raw: Any, text: str | None, unit: str, row: int, field_name: str
) -> float | None:
    """A money cell in 元: numeric cells scaled by the column/sheet unit; '1,188万元' read as written."""
    if text is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        number: float | None = float(raw)
    else:
        s = to_halfwidth(text).replace(" ", "")
        if "万" in s:
            unit = "万元"
        number = parse_number(re.sub(r"(万元|万|元)$", "", s))
    if number is None:
        ctx.issue(
            row, f"金额“{text}”不是数字，未读入，请填写阿拉伯数字金额。", FIELD_ZH.get(field_name, field_name)
        )
        return None
    return wan_to_yuan(number) if unit == "万元" else round(number, 2)


def parse_weight(ctx: SheetContext, text: str | None, row: int) -> float | None:
    if text is None:
        return None
    number = parse_number(re.sub(r"(分|%)$", "", to_halfwidth(text).strip()))
    if number is None:
        ctx.issue(row, f"权重“{text}”不是数字，未读入。", "权重")
    return number


def is_total_or_note_row(texts: list[str]) -> bool:
    """合计/小计 rows and footnotes (注：…, 填报人：…) carry no indicator and are skipped."""
    if not texts:
        return True
    if any(re.sub(r"\s+", "", t) in TOTAL_WORDS for t in texts):
        return True
    return len(texts) <= 3 and bool(_NOTE_RE.match(texts[0]))


@dataclass
class LevelState:
    """一级/二级 names carried down within one project."""

    level1: str | None = None
    level2: str | None = None


def _level_cell(
    ctx: SheetContext, header: Header, r: int, name: str, project_row: int
) -> tuple[str | None, bool]:
    """(text, given): merged cells read their top-left unless it lies above the project's first row."""
    c = header.columns.get(name)
    if c is None:
        return None, False
    if ctx.grid.is_continuation(r, c):
        origin_row = ctx.grid.origin(r, c)[0]
        return (ctx.grid.text(r, c), False) if origin_row >= project_row else (None, False)
    return ctx.grid.text(r, c), True


def read_levels(
    ctx: SheetContext, header: Header, r: int, state: LevelState, project_row: int
) -> tuple[str | None, str | None]:
    """Level names for row r; blanks below a level inherit it (a blank 二级 only when 一级 is inherited)."""
    l1, l1_given = _level_cell(ctx, header, r, "level1", project_row)
    l2, _ = _level_cell(ctx, header, r, "level2", project_row)
    l1_inherited = False
    if l1 is None and state.level1 is not None:
        l1, l1_inherited = state.level1, True
    elif l1 is not None and not l1_given and l1 == state.level1:
        l1_inherited = True
    if l2 is None and l1_inherited:
        l2 = state.level2
    state.level1, state.level2 = l1, l2
    return l1, l2


def split_published_value(value: str | None, op: str | None, unit: str | None) -> dict[str, str | None]:
    """Split '≥95%' into op/value/unit when the op or unit column is absent or empty (text in value_raw)."""
    out: dict[str, str | None] = {"value": value, "op": op, "unit": unit, "value_raw": None}
    if value is None or (op and unit):
        return out
    parts = split_value(value)
    if parts is None:
        return out
    v_op, number, v_unit = parts
    if v_op is None and v_unit is None:
        return out
    if v_op is not None and op and normalize_op(op) != v_op:
        return out
    if v_unit is not None and unit and to_halfwidth(unit).strip() != v_unit:
        return out
    out.update(value=number, op=op or v_op, unit=unit or v_unit, value_raw=value)
    return out


def read_indicator(
    ctx: SheetContext, header: Header, r: int, state: LevelState, project_row: int
) -> dict[str, Any] | None:
    """The indicator on row r as a dict for `Indicator`, or None when the row holds no indicator at all.

    A row with indicator content but no name is reported, not dropped silently.
    """
    cols = header.columns
    fresh = {
        f: ctx.bounded(ctx.grid.fresh_text(r, cols[f]), r, FIELD_ZH[f], long=f == "basis")
        for f in INDICATOR_FIELDS
        if f in cols
    }
    content = [f for f, t in fresh.items() if t is not None and f != "name"]
    name = ctx.grid.text(r, cols["name"]) if "name" in cols else None
    if name is not None:  # a merged name: cut (silently) on its continuation rows as on its own row
        name = fresh.get("name") or cut(name, ctx.limits.max_field_chars)
    if name is None:
        if content:
            shown = "、".join(f"{FIELD_ZH[f]}“{fresh[f]}”" for f in content[:3])
            ctx.issue(r, f"该行有指标内容（{shown}）但三级指标名称为空，未导入，请补填指标名称。", "三级指标")
        return None
    level1, level2 = read_levels(ctx, header, r, state, project_row)
    parts = split_published_value(fresh.get("value"), fresh.get("op"), fresh.get("measure_unit"))
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "op": parts["op"],
        "value": parts["value"],
        "unit": parts["unit"],
        "value_raw": parts["value_raw"],
        "weight": parse_weight(ctx, fresh.get("weight"), r),
        "direction": fresh.get("direction"),
        "basis": fresh.get("basis"),
        "history": fresh.get("history"),
    }


def project_fields(ctx: SheetContext, header: Header, r: int, texts: dict[str, str | None]) -> dict[str, Any]:
    """Submission fields from the project-level cells given on row r (texts already read)."""
    out: dict[str, Any] = {}
    simple = {
        "org_unit": "unit",
        "department": "department",
        "project": "project",
        "annual_goal": "annual_goal",
        "overall_goal": "overall_goal",
        "region": "region",
        "project_type": "project_type",
        "period": "period",
    }
    for src, dst in simple.items():
        if texts.get(src) is not None:
            out[dst] = ctx.bounded(texts[src], r, FIELD_ZH[src], long=src in ("annual_goal", "overall_goal"))
    if texts.get("year") is not None:
        year = parse_year(ctx.grid.raw(r, header.columns["year"]))
        if year is None:
            ctx.issue(r, f"年度“{texts['year']}”无法识别为年份，未读入。", "年度")
        out["year"] = year
    for money in ("budget", "fiscal", "other"):
        if texts.get(money) is not None:
            unit = header.amount_units.get(money, ctx.amount_unit)
            raw = ctx.grid.raw(r, header.columns[money])
            out[money] = amount_to_yuan(ctx, raw, texts[money], unit, r, money)
    return out


def to_submission_dict(
    fields: dict[str, Any], indicators: list[dict[str, Any]], source: str
) -> dict[str, Any]:
    """Assemble the canonical dict: budget/fiscal/other become budget_yuan and funding."""
    d = {k: v for k, v in fields.items() if k not in ("budget", "fiscal", "other")}
    d["budget_yuan"] = fields.get("budget")
    if fields.get("fiscal") is not None or fields.get("other") is not None:
        d["funding"] = {"fiscal": fields.get("fiscal"), "other": fields.get("other")}
    d["indicators"] = indicators
    d["source"] = source
    return d
