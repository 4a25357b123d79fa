"""适当性 rules: cost rows that cannot be measured, and quantities × unit standards that do not fit the
budget.

Quantity × standard follows 财预〔2015〕88号 “相应匹配”: each per-unit cost row (元/人·月, 万元/公里 …) is
paired
with the quantity row it prices (same counting unit, closest name), time units in the cost (·月, ·天) are
multiplied out, and the sum is compared with the annual budget.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from assistant.checks import fixes
from assistant.checks.context import RowView, SubmissionContext, input_rate
from assistant.checks.goaltext import goal_quantities
from assistant.checks.kinds import HOUSEHOLDS, PEOPLE, counting_unit, declared_per
from assistant.checks.lexicon import get_lexicon
from assistant.checks.registry import Hit, row_hit, rule
from assistant.checks.text import bigrams
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


def _scope_consistent(line: CostLine) -> bool:
    scope_words = get_lexicon().word_list("cost_scope_words")
    return all(word in line.qty.name for word in scope_words if word in line.cost.name)


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
    def standard(self) -> float:
        """The cost row's value in yuan per unit (cost_lines pairs only rows with a number and a per-unit)."""
        scale = self.cost.per_unit.scale if self.cost.per_unit else 1.0
        return (self.cost.value_num or 0.0) * scale

    @property
    def total(self) -> float:
        return self.count * self.factor * self.standard

    @property
    def total_high(self) -> float:
        return max(self.count, self.count_high) * self.factor * self.standard


def _quantity_rows(ctx: SubmissionContext) -> list[RowView]:
    """Rows a unit standard can price: outputs (数量), or rows of unknown level not named as a result."""
    result_name = ctx.lex.any("result_name_words")
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
        and quantity_unit(r.unit)[1]  # a unit with a counting word (not "万/" or "/·")
        and r.level1 in ("产出", None)
        and r.sub in ("数量", None)
        and not (r.level1 is None and result_name.search(r.name_core))
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
    summed = sum((q.value_num or 0.0) * _unit_tokens(q)[0] for q in candidates)
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
            day_count = days.value_num or 0.0
            factor *= day_count
            text += f" × {fmt_number(day_count)}天"
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
                cost,
                qty,
                (qty.value_num or 0.0) * scale,
                timing[0],
                timing[1],
                _high_count(ctx, head, candidates),
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


@rule("A01b")
def check_total_cost_cap(ctx: SubmissionContext) -> Iterator[Hit]:
    """Total cost caps (项目成本概算 ≤ 3584万元, not a unit cost) that together exceed the budget by ≥30%:
    a cap above all the money there is cannot bind."""
    if ctx.budget is None:
        return
    totals = [
        r
        for r in ctx.rows
        if r.is_cost and r.money is not None and r.per_unit is None and r.value_num and r.op not in (">", "≥")
    ]
    capped = sum((r.value_num or 0.0) * (r.money or 0.0) for r in totals)
    if not totals or capped <= ctx.budget * OVER_RATIO:
        return
    yield row_hit(
        totals[0],
        "value",
        {"caps_text": "one" if len(totals) == 1 else "several"},
        fix=fixes.cost_fix(ctx, totals[0]),
        core=totals[0].name_core,
        caps="、".join(f"“{r.name_core}”{r.shown_value}" for r in totals),
        capped=fmt_yuan(capped),
        budget=fmt_yuan(ctx.budget),
        amount=fmt_yuan(capped - ctx.budget),
        ratio=f"{capped / ctx.budget:.1f}",
    )


@rule("A01")
def check_output_budget(ctx: SubmissionContext) -> Iterator[Hit]:
    if ctx.budget is None:
        return
    lines, complete = cost_lines(ctx)
    if not lines:
        return
    low, high = _bounds(lines)
    if low > ctx.budget * OVER_RATIO and all(_scope_consistent(ln) for ln in lines):
        gap = {"amount": fmt_yuan(low - ctx.budget), "ratio": f"{low / ctx.budget:.1f}", "share": ""}
        case = "over"
    elif complete and high < ctx.budget * UNDER_RATIO:
        gap = {"amount": fmt_yuan(ctx.budget - high), "ratio": "", "share": f"{high / ctx.budget:.0%}"}
        case = "under"
    else:
        return
    calc = "；".join(
        f"“{ln.qty.name_core}”{fmt_number(ln.count)}{_unit_tokens(ln.qty)[1][0]} × "
        f"“{ln.cost.name_core}”{fmt_number(ln.cost.value_num or 0.0)}{ln.cost.unit}{ln.factor_text}"
        f" = {fmt_yuan(ln.total)}"
        for ln in lines
    )
    first = lines[0]
    scale = first.cost.per_unit.scale if first.cost.per_unit else 1.0
    value = first.cost.value_num or 0.0
    if value * scale * first.factor <= 0:
        return  # a zero standard gives no count to propose
    qty_scale = _unit_tokens(first.qty)[0]
    others = sum(ln.total for ln in lines[1:])
    yield row_hit(
        first.cost,
        "value",
        {"gap": case},
        fix=fixes.per_budget(
            first.cost, first.qty, first.count, first.factor, qty_scale, others, first.factor_text
        ),
        calc=calc,
        budget=fmt_yuan(ctx.budget),
        count=fmt_number(first.count),
        qty_unit=_unit_tokens(first.qty)[1][0],
        cost_name=first.cost.name_core,
        cost_op=first.cost.op or "≤",
        standard=fmt_number(round(ctx.budget / (first.count * first.factor) / scale, 2)),
        cost_unit=first.cost.unit,
        qty_name=first.qty.name_core,
        new_count=fmt_number(round(ctx.budget / (first.factor * value * scale))),
        implied=fmt_yuan(sum(ln.total for ln in lines)),
        **gap,
    )


def _measurable_problem(ctx: SubmissionContext, row: RowView) -> tuple[str, dict[str, str]] | None:
    """(A05 `why` case, its params) when a cost row cannot measure economy."""
    if row.value_num is None:
        return ("no_amount", {"raw": row.value}) if row.value else ("no_amount_empty", {})
    rate = row.is_percent or (row.is_rate_name and not row.unit)
    if rate and not ctx.lex.any("change_words").search(row.name_core):  # 成本降低率 compares costs
        if input_rate(ctx, row):
            return None  # 资金执行率 under 成本: an input used as a result (R02) says it
        return ("control_rate", {}) if "控制" in row.name else ("rate", {})
    if row.money is not None and row.per_unit is None:
        total = row.value_num * row.money
        if ctx.budget and abs(total - ctx.budget) <= 0.1 * ctx.budget:
            return "budget", {}
        if ctx.budget is None and ctx.lex.pattern("whole_project_cost_name").search(row.name_core):
            return "project_total", {}  # 项目总投资 with no budget to compare: still not a unit cost
    return None


def _unit_cost(ctx: SubmissionContext) -> tuple[dict[str, str], dict[str, str]]:
    """(cases, params) of the unit cost a restated budget should become: budget ÷ the main quantity."""
    quantities = [q for q in _quantity_rows(ctx) if q.sub == "数量"] or _quantity_rows(ctx)
    if not quantities or ctx.budget is None:
        return {"suggestion": "generic"}, {}
    units = ctx.lex.words("physical_units")
    qty = next((q for q in quantities if quantity_unit(q.unit)[1][0] in units), quantities[0])
    scale, tokens = quantity_unit(qty.unit)
    count = (qty.value_num or 0.0) * scale
    tail = ctx.lex.pattern("quantity_tail")
    others = [q for q in quantities if q is not qty][:2]
    params = {
        "subject": tail.sub("", qty.name_core) or qty.name_core,
        "per": fmt_number(round(ctx.budget / count, 2)),
        "qty_unit": tokens[0],
        "count": fmt_number(count),
        "others": "、".join(f"“{tail.sub('', q.name_core)}”" for q in others),
        "other_unit": quantity_unit(others[0].unit)[1][0] if others else "",
    }
    return {"extra": "others" if others else "default"}, params


@rule("A05")
def check_cost_measurable(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        if not row.is_cost:
            continue
        found = _measurable_problem(ctx, row)
        if found:
            why, why_params = found
            cases, params = _unit_cost(ctx)
            yield row_hit(
                row,
                "value",
                {"why": why, **cases},
                fix=fixes.cost_fix(ctx, row),
                budget=fmt_yuan(ctx.budget) if ctx.budget else "",
                **why_params,
                **params,
            )
