"""适当性 rules: cost rows that cannot be measured, and quantities × unit standards that do not fit the budget.

Quantity × standard follows 财预〔2015〕88号 “相应匹配”: each per-unit cost row (元/人·月, 万元/公里 …) is paired
with the quantity row it prices (same counting unit, closest name), time units in the cost (·月, ·天) are
multiplied out, and the sum is compared with the annual budget.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.engine import Hit, row_hit
from assistant.checks.goaltext import goal_quantities
from assistant.checks.kinds import HOUSEHOLDS, PEOPLE, counting_unit, declared_per
from assistant.checks.rules_relevance import bigrams
from assistant.checks.units import (
    DAY_TOKENS,
    TIME_TOKENS,
    fmt_number,
    fmt_yuan,
    quantity_unit,
    same_quantity_unit,
)

OVER_RATIO = 1.3  # README labelling convention: a mismatch is ≥30% off the budget
UNDER_RATIO = 0.7
_QTY_TAIL = re.compile(r"(面积|数量|里程|人数|次数|数)$")
# A level-less row named as a result, not a quantity bought (播种面积, 带动增收, 受益人口 …).
_RESULT_NAME = re.compile(r"带动|增收|收入|增加|减少|降低|提高|提升|节约|影响|效益|播种|产量|总产")
# A standard restricted to part of the population (城市低保 标准 vs 城乡低保 人数) prices only part of the count.
_SCOPE_WORDS = (
    "城市",
    "城镇",
    "城区",
    "农村",
    "乡村",
    "主职",
    "一般",
    "其他",
    "重点",
    "特困",
    "分散",
    "集中",
    "中心",
    "普通",
    "一类",
    "二类",
    "三类",
)


def _scope_consistent(line: CostLine) -> bool:
    return all(word in line.qty.name for word in _SCOPE_WORDS if word in line.cost.name)


@dataclass(frozen=True)
class CostLine:
    cost: RowView
    qty: RowView
    count: float  # the quantity in the cost's counting unit (万 applied)
    factor: float  # months / days the standard is paid for (1 when none)
    factor_text: str
    count_high: float = (
        0.0  # the largest plausible count: rows of one kind summed, or the goal's stated total
    )

    @property
    def total(self) -> float:
        return self.count * self.factor * self.cost.value_num * self.cost.per_unit.scale

    @property
    def total_high(self) -> float:
        return max(self.count, self.count_high) * self.factor * self.cost.value_num * self.cost.per_unit.scale


def _quantity_rows(ctx: SubmissionContext) -> list[RowView]:
    """Rows a unit standard can price: outputs (数量), or rows of unknown level not named as a result."""
    return [
        r
        for r in ctx.rows
        if r.value_num
        and r.value_num > 0
        and r.unit
        and not r.is_cost
        and not r.is_percent
        and r.per_unit is None
        and r.money is None
        and not r.is_time
        and r.level1 in ("产出", None)
        and r.sub in ("数量", None)
        and not (r.level1 is None and _RESULT_NAME.search(r.name_core))
    ]


def _unit_tokens(qty: RowView) -> tuple[float, tuple[str, ...]]:
    """The quantity's scale and unit tokens, reading a household row written in 人 as 户."""
    return quantity_unit(counting_unit(qty.name_core, qty.unit))


def _prices(token: str, qty: RowView) -> bool:
    _, tokens = _unit_tokens(qty)
    if not tokens:
        return False
    return same_quantity_unit(token, tokens[0]) or (
        tokens[0] in ("个", "所", "处", "家") and token in qty.name
    )


def _high_count(ctx: SubmissionContext, head: str, candidates: list[RowView]) -> float:
    """The largest plausible count for one standard: all rows it prices summed, or a total the goal states."""
    summed = sum(q.value_num * _unit_tokens(q)[0] for q in candidates)
    stated = [
        g.number
        for g in goal_quantities(ctx, frozenset({g for g in (head, "万" + head)}))
        if same_quantity_unit(head, g.unit.removeprefix("万") or g.unit)
    ]
    return max([summed, *stated])


def _time_factor(ctx: SubmissionContext, extra: list[str]) -> tuple[float, str] | None:
    factor, text = 1.0, ""
    for token in extra:
        if token in TIME_TOKENS:
            factor *= TIME_TOKENS[token]
            text += (
                ""
                if TIME_TOKENS[token] == 1
                else f" × {fmt_number(TIME_TOKENS[token])}个{'月' if token == '月' else token}"
            )
        elif token in DAY_TOKENS:
            days = next(
                (r for r in ctx.rows if r.unit in DAY_TOKENS and r.value_num and r.sub == "数量"), None
            )
            if days is None:
                return None
            factor *= days.value_num
            text += f" × {fmt_number(days.value_num)}天"
        else:
            return None
    return factor, text


def cost_lines(ctx: SubmissionContext) -> tuple[list[CostLine], bool]:
    """Per-unit cost rows paired with their quantity; the flag says whether every cost row was paired."""
    quantities = _quantity_rows(ctx)
    lines: list[CostLine] = []
    cost_rows = [r for r in ctx.rows if r.is_cost]
    for cost in cost_rows:
        if cost.per_unit is None or cost.value_num is None:
            continue
        head, *rest = cost.per_unit.denominator
        per = declared_per(cost.name_core)
        if per and head in (HOUSEHOLDS if per == "人" else PEOPLE):
            head = per  # 人均培训费 = 3000 元/户 (flagged WRONG_UNIT) still prices the people trained
        candidates = [q for q in quantities if _prices(head, q)]
        if not candidates:
            continue
        topic = bigrams(cost.name_core)
        qty = max(candidates, key=lambda q: (q.level1 == "产出", len(topic & bigrams(q.name_core)), -q.idx))
        scale, qty_tokens = _unit_tokens(qty)
        timing = _time_factor(ctx, [t for t in rest if t not in qty_tokens])
        if timing is None:
            continue
        lines.append(
            CostLine(
                cost, qty, qty.value_num * scale, timing[0], timing[1], _high_count(ctx, head, candidates)
            )
        )
    return lines, len(lines) == len(cost_rows)


def _bounds(lines: list[CostLine]) -> tuple[float, float]:
    """Low and high implied totals; several standards for one quantity (主职/其他干部) give a range."""
    low: dict[int, list[float]] = {}
    high: dict[int, list[float]] = {}
    for line in lines:
        low.setdefault(line.qty.idx, []).append(line.total)
        high.setdefault(line.qty.idx, []).append(line.total_high)
    return sum(min(t) for t in low.values()), sum(max(t) for t in high.values())


def check_output_budget(ctx: SubmissionContext) -> Iterator[Hit]:
    if ctx.budget is None:
        return
    lines, complete = cost_lines(ctx)
    if not lines:
        return
    low, high = _bounds(lines)
    if low > ctx.budget * OVER_RATIO and all(_scope_consistent(ln) for ln in lines):
        gap = f"多出{fmt_yuan(low - ctx.budget)}（为预算的{low / ctx.budget:.1f}倍）"
    elif complete and high < ctx.budget * UNDER_RATIO:
        gap = f"少{fmt_yuan(ctx.budget - high)}（只占预算的{high / ctx.budget:.0%}）"
    else:
        return
    calc = "；".join(
        f"“{ln.qty.name_core}”{fmt_number(ln.count)}{_unit_tokens(ln.qty)[1][0]} × "
        f"“{ln.cost.name_core}”{fmt_number(ln.cost.value_num)}{ln.cost.unit}{ln.factor_text} = {fmt_yuan(ln.total)}"
        for ln in lines
    )
    yield row_hit(
        "A01",
        lines[0].cost,
        "value",
        calc=calc,
        budget=fmt_yuan(ctx.budget),
        gap=gap,
        rewrite=_mismatch_rewrite(ctx, lines),
    )


def _mismatch_rewrite(ctx: SubmissionContext, lines: list[CostLine]) -> str:
    implied = sum(ln.total for ln in lines)
    first = lines[0]
    unit = first.cost.unit
    standard = ctx.budget / (first.count * first.factor) / first.cost.per_unit.scale
    count = ctx.budget / (first.factor * first.cost.value_num * first.cost.per_unit.scale)
    qty_unit = _unit_tokens(first.qty)[1][0]
    return (
        f"数量、标准、预算三者须相乘相等，三选一调整：按预算{fmt_yuan(ctx.budget)}和数量{fmt_number(first.count)}"
        f"{qty_unit}，标准应为“{first.cost.name_core} {first.cost.op or '≤'} {fmt_number(round(standard, 2))}{unit}”；"
        f"或按现标准，数量应为“{first.qty.name_core} = {fmt_number(round(count))}{qty_unit}”；"
        f"或预算调整为{fmt_yuan(implied)}"
    )


def _measurable_problem(ctx: SubmissionContext, row: RowView) -> str | None:
    if row.value_num is None:
        return f"只写“{row.value or '（空）'}”，没有金额"
    if row.is_percent and ("控制" in row.name or row.value_num >= 100):
        return "是成本控制率，“100%”不反映任何成本水平"
    if row.money is not None and row.per_unit is None and ctx.budget:
        total = row.value_num * row.money
        if abs(total - ctx.budget) <= 0.1 * ctx.budget:
            return f"就是年度预算总额（{fmt_yuan(ctx.budget)}）的重述"
    return None


def _unit_cost_rewrite(ctx: SubmissionContext) -> str:
    quantities = [q for q in _quantity_rows(ctx) if q.sub == "数量"] or _quantity_rows(ctx)
    if not quantities or ctx.budget is None:
        return "改为单位成本：“单位成本 ≤ 测算值（元/单位）”，取值依据预算定额或支出标准，并写明测算过程"
    units = ("平方米", "亩", "公里", "吨", "米", "立方米")
    qty = next((q for q in quantities if quantity_unit(q.unit)[1][0] in units), quantities[0])
    scale, tokens = quantity_unit(qty.unit)
    per = ctx.budget / (qty.value_num * scale)
    subject = _QTY_TAIL.sub("", qty.name_core) or qty.name_core
    others = [q for q in quantities if q is not qty][:2]
    extra = (
        (
            "；"
            + "、".join(f"“{_QTY_TAIL.sub('', q.name_core)}”" for q in others)
            + "等其他支出内容，同样按预算定额或支出标准写出单价（元/"
            + quantity_unit(others[0].unit)[1][0]
            + "）"
        )
        if others
        else ""
    )
    return (
        f"改为单位成本：“{subject}单位成本 ≤ {fmt_number(round(per, 2))}元/{tokens[0]}”"
        f"（按预算{fmt_yuan(ctx.budget)}÷{fmt_number(qty.value_num * scale)}{tokens[0]}测算，依据预算定额核定）{extra}"
    )


def check_cost_measurable(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        if not row.is_cost:
            continue
        why = _measurable_problem(ctx, row)
        if why:
            yield row_hit("A05", row, "value", why=why, rewrite=_unit_cost_rewrite(ctx))


RULES = {
    "A05": check_cost_measurable,
    "A01": check_output_budget,
}
