"""Single-project form (项目支出绩效目标申报表, formats.md §2.2): a label/value block above the indicators."""

from __future__ import annotations

import re
from typing import Any

from core.normalize import parse_year, to_halfwidth
from ingest.targets.columns import FIELD_ZH, amount_unit_in, normalize_label
from ingest.targets.rows import (
    LevelState,
    SheetContext,
    amount_to_yuan,
    is_total_or_note_row,
    read_indicator,
    to_submission_dict,
)
from ingest.targets.xlsx_common import Header

# Exact labels of the header block (after normalize_label: width, spaces, brackets, 其中：, colons removed).
FORM_LABELS: dict[str, str] = {
    **dict.fromkeys(("项目名称", "项目全称"), "project"),
    **dict.fromkeys(("主管部门", "主管部门及代码", "主管单位", "主管部门名称"), "department"),
    **dict.fromkeys(
        (
            "实施单位",
            "项目实施单位",
            "实施单位及代码",
            "预算单位",
            "单位名称",
            "项目单位",
            "申报单位",
            "预算单位名称",
        ),
        "org_unit",
    ),
    **dict.fromkeys(("填报单位", "填报单位盖章", "编报单位"), "org_unit_fallback"),
    **dict.fromkeys(("项目属性", "项目类型", "项目性质"), "project_type"),
    **dict.fromkeys(("项目期", "实施期", "项目实施期", "项目周期", "实施周期", "项目起止时间"), "period"),
    **dict.fromkeys(
        (
            "年度资金总额",
            "资金总额",
            "项目资金总额",
            "年度预算",
            "预算数",
            "项目总金额",
            "年度资金",
            "项目资金",
            "预算金额",
            "年度预算数",
            "本年度资金总额",
        ),
        "budget",
    ),
    **dict.fromkeys(("财政拨款", "财政资金", "财政拨款资金", "本级财政资金", "财政性资金"), "fiscal"),
    **dict.fromkeys(("其他资金", "其他来源资金"), "other"),
    **dict.fromkeys(
        ("总体目标", "项目总体目标", "长期目标", "中长期目标", "实施期目标", "实施期总目标"), "overall_goal"
    ),
    **dict.fromkeys(("年度目标", "年度绩效目标", "年度总体目标", "本年度目标", "绩效目标"), "annual_goal"),
    **dict.fromkeys(("年度", "预算年度"), "year"),
    **dict.fromkeys(("地区", "所属地区"), "region"),
}
_FIELD_ZH = {**FIELD_ZH, "org_unit_fallback": "填报单位"}
_TEXT_FIELDS = (
    "project",
    "department",
    "org_unit",
    "org_unit_fallback",
    "project_type",
    "period",
    "overall_goal",
    "annual_goal",
    "region",
)


def form_label(text: str | None) -> tuple[str | None, str | None]:
    """(field, amount unit) when a cell is one of the form's labels."""
    if text is None:
        return None, None
    bare, unit = normalize_label(text)
    return FORM_LABELS.get(bare), unit


def _value_right_of(ctx: SheetContext, r: int, c: int) -> tuple[int, int] | None:
    """The first filled cell right of (r, c) outside its own merge; None if empty or another label."""
    for cc in range(c + 1, ctx.grid.n_cols + 1):
        if ctx.grid.origin(r, cc) == (r, c) or ctx.grid.origin(r, cc) == ctx.grid.origin(r, c):
            continue
        t = ctx.grid.fresh_text(r, cc)
        if t is None:
            continue
        return None if form_label(t)[0] else (r, cc)
    return None


def _value_below(ctx: SheetContext, r: int, c: int, last_row: int) -> tuple[int, int] | None:
    below = ctx.grid.origin(r, c)[0]
    for rr in range(r + 1, last_row + 1):
        if ctx.grid.origin(rr, c)[0] == below:  # still inside the label's own merge
            continue
        t = ctx.grid.fresh_text(rr, c)
        return (rr, c) if t is not None and not form_label(t)[0] and len(t) > 4 else None
    return None


def read_header_block(
    ctx: SheetContext, last_row: int
) -> tuple[dict[str, tuple[int, Any, str]], dict[str, str]]:
    """Labels found above the grid: field -> (row, raw cell value, text), and amount-unit hints per field."""
    found: dict[str, tuple[int, Any, str]] = {}
    units: dict[str, str] = {}
    for r in range(1, last_row + 1):
        for c in range(1, ctx.grid.n_cols + 1):
            text = ctx.grid.fresh_text(r, c)
            if text is None:
                continue
            _inline_label(text, r, found)
            field, unit = form_label(text)
            if field is None:
                continue
            if unit:
                units[field] = unit
            pos = _value_right_of(ctx, r, c) or (
                None if _has_right_label(ctx, r, c) else _value_below(ctx, r, c, last_row)
            )
            if pos is not None and field not in found:
                found[field] = (pos[0], ctx.grid.raw(*pos), ctx.grid.text(*pos) or "")
    return found, units


def _has_right_label(ctx: SheetContext, r: int, c: int) -> bool:
    return any(form_label(ctx.grid.fresh_text(r, cc))[0] for cc in range(c + 1, ctx.grid.n_cols + 1))


def _inline_label(text: str, r: int, found: dict[str, tuple[int, Any, str]]) -> None:
    """'填报单位（盖章）：某某中心' holds label and value in one cell."""
    m = re.match(r"^([^:：]{2,12})[:：]\s*(.+)$", to_halfwidth(text).strip(), re.DOTALL)
    if not m:
        return
    field = form_label(m.group(1))[0]
    if field and field not in found and not amount_unit_in(text):
        found[field] = (r, m.group(2).strip(), m.group(2).strip())


def _form_year(ctx: SheetContext, last_row: int) -> int | None:
    for r in range(1, min(3, last_row) + 1):
        for t in ctx.grid.row_texts(r):
            if re.search(r"(19|20)\d\d\s*年度?", t) and ("表" in t or "目标" in t):
                return parse_year(t)
    return None


def parse_form(ctx: SheetContext, header: Header) -> list[dict[str, Any]]:
    """The one submission of a form sheet (as a dict with `source`)."""
    found, units = read_header_block(ctx, (header.first_row or header.row) - 1)
    fields: dict[str, Any] = {}
    for name in _TEXT_FIELDS:
        if name in found:
            row, _, text = found[name]
            fields[name] = ctx.bounded(
                text, row, _FIELD_ZH[name], long=name in ("annual_goal", "overall_goal")
            )
    if "org_unit" not in fields and "org_unit_fallback" in fields:
        fields["org_unit"] = fields["org_unit_fallback"]
    fields.pop("org_unit_fallback", None)
    fields["unit"] = fields.pop("org_unit", None)
    group_unit = units.get("budget") or ctx.amount_unit
    for money in ("budget", "fiscal", "other"):
        if money in found:
            row, raw, text = found[money]
            fields[money] = amount_to_yuan(ctx, raw, text or None, units.get(money, group_unit), row, money)
    if "year" in found:
        fields["year"] = parse_year(found["year"][1])
    fields.setdefault("year", _form_year(ctx, header.row))
    if not fields.get("project"):
        ctx.issue(None, "申报表中没有找到“项目名称”或其内容为空，已按无项目名称导入，请补填。", "项目名称")
    indicators = _grid_indicators(ctx, header, fields.get("project"))
    first_row = found["project"][0] if "project" in found else 1
    return [to_submission_dict(fields, indicators, ctx.source(first_row))]


def _grid_indicators(ctx: SheetContext, header: Header, project: str | None) -> list[dict[str, Any]]:
    state = LevelState()
    indicators: list[dict[str, Any]] = []
    for r in range(header.data_start, ctx.grid.n_rows + 1):
        texts = ctx.grid.row_texts(r)
        if not texts or is_total_or_note_row(texts):
            continue
        indicator = read_indicator(ctx, header, r, state, header.data_start)
        if indicator is not None and ctx.room_for_indicator(len(indicators), r, header.data_start, project):
            indicators.append(indicator)
    return indicators
