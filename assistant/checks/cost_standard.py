"""Unit costs against the bureau's 支出标准 (formats.md §5): which standard a cost row (or the project) is
about, the unit cost in the standard's own unit, and the 核减 arithmetic when a ceiling is exceeded.

A cost row (元/平方米·月, 万元/公里 …) is matched to a standard by the standard's item words in the row's
name, or — when the row is named generically (单价, 单位成本) — in the project's name and goals; units are
converted like for like (`ingest.standards.parse_cost_unit`: ·月 × 12 = ·年, 万元 = 10,000 元, 元/公里
never against 元/平方米). With no cost row for a matched standard, the unit cost is implied from the
budget: budget ÷ the matching quantity row (÷ the years of a multi-year plan). The saving is
(unit cost − standard) × the matching quantity row (same physical dimension) × the years the budget
covers; no matching quantity, no saving (the finding still stands). A 参考 standard is compared and
reported, never flagged.

`compare_costs(ctx)` is computed once per context (memo) and read by the COST_OVER_STANDARD rule and by
the engine, which reports every comparison beside the findings (CheckResult.cost_checks).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.text import bigrams
from assistant.models import CostCheck
from core.models import Standard, ex_ante_of
from ingest.standards import CostUnit, Measure, comparable, parse_cost_unit, parse_measure

ROW_TOLERANCE = 1e-6  # a cost row above its ceiling by any amount is over (rounding aside)
IMPLIED_TOLERANCE = 0.005  # an implied unit cost carries the budget's rounding: 0.5% before it is over
_MEMO = "cost_checks"


@dataclass(frozen=True)
class _Match:
    standard: Standard
    unit: CostUnit
    score: int  # 3 the row names the item, 2 the project name does, 1 the goals do
    word: str


def fmt(x: float, digits: int = 2) -> str:
    """12628207 -> '12,628,207'; 17851.553 -> '17,851.55'; 0.5 -> '0.5'."""
    if abs(x - round(x)) < 10 ** (-digits) / 2:
        return f"{round(x):,}"
    return f"{x:,.{digits}f}".rstrip("0").rstrip(".")


FUZZY_SHARE = 0.7  # an item name counts as named when this share of its word pairs is in the text


def _text_has(text: str, words: list[str]) -> str | None:
    """The first of the words found in the text; else an item name most of whose word pairs are there
    (城市道路清扫保洁 in 城区道路清扫保洁服务), which a bureau's 事项 often is without its 关键词."""
    found = next((w for w in words if w and w in text), None)
    if found or not words:
        return found
    pairs = bigrams(text)
    for word in words:
        own = bigrams(word)
        if len(own) >= 3 and len(own & pairs) >= FUZZY_SHARE * len(own):
            return word
    return None


def _region_ok(standard: Standard, ctx: SubmissionContext) -> bool:
    if not standard.region:
        return True
    where = " ".join(x for x in (ctx.sub.region, ctx.sub.unit, ctx.sub.department) if x)
    if not where:
        return True  # the bureau's own file, passed for its own submissions
    return standard.region in where or (bool(ctx.sub.region) and (ctx.sub.region or "") in standard.region)


def _year_rank(standard: Standard, year: int | None) -> float:
    """Higher is better: the submission's year, then the latest earlier one, then a standard for any year,
    then one issued after the budget year."""
    if standard.year is None:
        return 1.0
    if year is None or standard.year == year:
        return 3.0
    if standard.year < year:
        return 2.0 - min((year - standard.year) / 100, 0.99)
    return 0.5  # issued after the budget year: used only when nothing else applies


def _generic_row(ctx: SubmissionContext, row: RowView) -> bool:
    """The row names no item of its own (单价, 单位成本; 保洁单价 in a 保洁 project): its item is the
    project's."""
    stripped = ctx.lex.any("cost_generic_words").sub("", row.name_core)
    own = bigrams(stripped)
    return not own or own <= bigrams(ctx.project_text)


def _best(matches: list[_Match], ctx: SubmissionContext) -> _Match | None:
    usable = [m for m in matches if _region_ok(m.standard, ctx)]
    if not usable:
        return None
    return max(
        usable,
        key=lambda m: (m.score, len(m.word), bool(m.standard.region), _year_rank(m.standard, ctx.sub.year)),
    )


def _parsed(ctx: SubmissionContext) -> list[tuple[Standard, CostUnit]]:
    out = []
    for s in ctx.standards:
        unit = parse_cost_unit(s.unit)
        if unit is not None and s.value > 0:
            out.append((s, unit))
    return out


def _project_score(ctx: SubmissionContext, words: list[str]) -> tuple[int, str] | None:
    word = _text_has(ctx.project, words)
    if word:
        return 2, word
    word = _text_has(f"{ctx.goal}。{ctx.overall}", words)
    return (1, word) if word else None


# ---------------------------------------------------------------- years the budget covers


def _number_word(text: str, ctx: SubmissionContext) -> float | None:
    numerals = ctx.lex.table("chinese_numerals")
    if text in numerals:
        return float(numerals[text])
    try:
        return float(text)
    except ValueError:
        return None


def plan_years(ctx: SubmissionContext) -> int:
    """How many years the submission's plan spans: a service-term row (服务期限 = 3年), the 实施期
    (2021年7月至2024年6月), or a plan that says so (服务期3年, 3年总费用); 1 when nothing says more."""
    term_words = ctx.lex.any("service_term_words")
    for row in ctx.rows:
        if row.unit in ("年", "年度") and row.value_num and term_words.search(row.name_core):
            return max(1, round(row.value_num))
    period = ctx.lex.pattern("plan_period").search(ctx.sub.period or "")
    if period:
        y1, m1, y2, m2 = period.group(1), period.group(2), period.group(3), period.group(4)
        months = (int(y2) - int(y1)) * 12 + (int(m2 or 12) - int(m1 or 1)) + 1
        if months > 12:
            return max(1, round(months / 12))
    ex_ante = ex_ante_of(ctx.sub)
    texts = [ctx.sub.period or "", ctx.overall, ctx.goal, (ex_ante.plan or "") if ex_ante else ""]
    said = ctx.lex.pattern("plan_years")
    for text in texts:
        m = said.search(text)
        if m:
            n = _number_word(next(g for g in m.groups() if g), ctx)
            if n and 1 < n <= 10:
                return round(n)
    return 1


# ---------------------------------------------------------------- quantities


def _quantity_candidates(ctx: SubmissionContext, measure: Measure) -> list[tuple[RowView, Measure]]:
    out = []
    for row in ctx.rows:
        if (
            row.value_num is None
            or row.value_num <= 0
            or row.is_cost
            or row.is_percent
            or row.per_unit is not None
            or row.money is not None
            or row.is_time
            or row.level1 not in ("产出", None)
        ):
            continue
        m = parse_measure(row.unit)
        if m is not None and m.dimension == measure.dimension:
            out.append((row, m))
    return out


@dataclass(frozen=True)
class Quantity:
    """The quantity rows a unit cost prices (several rows of one item are summed) and the amount in base
    units (米, 平方米, 千克 …)."""

    rows: tuple[RowView, ...]
    amount: float

    @property
    def first(self) -> RowView:
        return self.rows[0]

    @property
    def where(self) -> str:
        """（第1行“保洁道路里程”） or （第1、2行“主干道保洁面积”“次干道保洁面积”合计）."""
        if len(self.rows) == 1:
            return f"（第{self.first.idx + 1}行“{self.first.name_core}”）"
        numbers = "、".join(str(r.idx + 1) for r in self.rows)
        names = "".join(f"“{r.name_core}”" for r in self.rows)
        return f"（第{numbers}行{names}合计）"


def _quantity(ctx: SubmissionContext, measure: Measure, topic: frozenset[str]) -> Quantity | None:
    """The quantity priced by a unit cost in `measure`: the rows sharing the most words with the item (all
    of them when several do equally, e.g. 主干道/次干道保洁面积, unless one is a total), else the first
    quantity row in that dimension."""
    candidates = _quantity_candidates(ctx, measure)
    if not candidates:
        return None
    overlap = {c[0].idx: len(topic & bigrams(c[0].name_core)) for c in candidates}
    best = max(overlap.values())
    if best > 0:
        chosen = [c for c in candidates if overlap[c[0].idx] == best]
        totals = [c for c in chosen if ctx.lex.any("quantity_total_words").search(c[0].name_core)]
        chosen = totals[:1] or chosen
    else:
        chosen = [max(candidates, key=lambda c: (c[0].sub == "数量", -c[0].idx))]
    return Quantity(tuple(r for r, _ in chosen), sum((r.value_num or 0.0) * m.scale for r, m in chosen))


def _days(ctx: SubmissionContext) -> float | None:
    days = next(
        (r for r in ctx.rows if r.unit in ("天", "日") and r.value_num and r.sub in ("数量", None)), None
    )
    return days.value_num if days else None


# ---------------------------------------------------------------- comparisons


def _cost_rows(ctx: SubmissionContext) -> list[tuple[RowView, CostUnit]]:
    cost_words = ctx.lex.any("cost_row_words")
    out = []
    for row in ctx.rows:
        if row.value_num is None or row.value_num <= 0 or row.is_percent:
            continue
        if not (row.is_cost or (row.level1 in ("产出", None) and cost_words.search(row.name_core))):
            continue
        unit = parse_cost_unit(row.unit)
        if unit is not None:
            out.append((row, unit))
    return out


def _row_unit(row_unit: CostUnit, std_unit: CostUnit, years: int) -> CostUnit | None:
    """The row's unit made comparable with the standard's; a unit cost with no period in a one-year budget
    is read as per year (万元/公里 in an annual budget against 元/公里·年)."""
    if comparable(row_unit, std_unit):
        return row_unit
    if (
        row_unit.measure.dimension == std_unit.measure.dimension
        and row_unit.period is None
        and std_unit.period == "year"
        and years == 1
    ):
        return CostUnit(row_unit.money_scale, row_unit.measure, "year", 1.0, row_unit.text)
    return None


def _row_match(
    ctx: SubmissionContext, row: RowView, unit: CostUnit, table: list[tuple[Standard, CostUnit]], years: int
) -> tuple[_Match, CostUnit] | None:
    generic = _generic_row(ctx, row)
    found: list[tuple[_Match, CostUnit]] = []
    for standard, std_unit in table:
        as_std = _row_unit(unit, std_unit, years)
        if as_std is None:
            continue
        word = _text_has(row.name_core, standard.words)
        if word:
            found.append((_Match(standard, std_unit, 3, word), as_std))
        elif generic:
            project = _project_score(ctx, standard.words)
            if project:
                found.append((_Match(standard, std_unit, project[0], project[1]), as_std))
    best = _best([m for m, _ in found], ctx)
    if best is None:
        return None
    return next((m, u) for m, u in found if m is best)


def _budget_years(years: int, per_year_total: float | None, budget: float | None) -> int:
    """The years a saving covers: of 1 and the plan's years, the one whose total fits the budget best."""
    if years <= 1 or per_year_total is None or not budget or per_year_total <= 0:
        return 1
    return min((1, years), key=lambda n: abs(math.log(per_year_total * n / budget)))


def _steps_and_saving(
    *,
    std_unit: CostUnit,
    standard: Standard,
    cost_base: float,
    first_step: str,
    qty: Quantity | None,
    span: tuple[float, str] | None,
    budget: float | None,
) -> tuple[list[str], float | None, float | None]:
    """The 核减 arithmetic line by line, the saving (元) and the budget after it."""
    std_value = standard.value
    cost_value = std_unit.from_base(cost_base)
    excess = cost_value - std_value
    steps = [
        first_step,
        f"超出标准：{fmt(cost_value)} − {fmt(std_value)} = {fmt(excess)}{standard.unit}"
        f"（超出{excess / std_value:.1%}）",
    ]
    if qty is None or span is None:
        steps.append("核减额：表中没有与标准同一计量单位的数量指标，核减额无法测算，须补充数量后核定")
        return steps, None, None
    qty_base = qty.amount
    saving = (cost_base - std_unit.to_base(std_value)) * qty_base * span[0]
    amount = qty_base / std_unit.measure.scale
    where = qty.where
    product = f"{fmt(excess)}{standard.unit} × {fmt(amount)}{std_unit.measure.word}{where}{span[1]}"
    if std_unit.money_scale != 1:
        money = standard.unit.partition("/")[0]
        product += f" = {fmt(saving / std_unit.money_scale, 4)}{money}"
    steps.append(f"核减额：{product} = {fmt(saving, 0)}元")
    adjusted = None
    if budget:
        adjusted = budget - saving
        steps.append(f"核减后预算：{fmt(budget, 0)}元 − {fmt(saving, 0)}元 = {fmt(adjusted, 0)}元")
    return steps, saving, adjusted


def _qty_text(std_unit: CostUnit, qty: Quantity | None) -> tuple[float | None, str, int | None]:
    if qty is None:
        return None, "", None
    in_std = qty.amount / std_unit.measure.scale
    return in_std, f"{fmt(in_std)}{std_unit.measure.word}{qty.where}", qty.first.idx


def _span(std_unit: CostUnit, years: int, ctx: SubmissionContext) -> tuple[float, str] | None:
    """(what a base amount is multiplied by, how the standard's periods are written): years for ·年/·月/·季
    (× 12个月 for a monthly standard), days for ·天 (a 天 quantity row), 1 with no period."""
    if std_unit.period == "year":
        periods = years * std_unit.per_year
        word = {1.0: "年", 12.0: "个月", 4.0: "个季度", 52.0: "周", 2.0: "个半年"}.get(
            std_unit.per_year, "期"
        )
        return float(years), f" × {fmt(periods)}{word}" if periods != 1 else ""
    if std_unit.period == "day":
        days = _days(ctx)
        return (days, f" × {fmt(days)}天") if days else None
    return 1.0, ""


def _row_check(
    ctx: SubmissionContext, row: RowView, match: _Match, as_std: CostUnit, years: int
) -> CostCheck:
    standard, std_unit = match.standard, match.unit
    cost_base = as_std.to_base(row.value_num or 0.0)
    cost_value = std_unit.from_base(cost_base)
    topic = bigrams(row.name_core) | frozenset(w for word in standard.words for w in bigrams(word))
    qty = _quantity(ctx, std_unit.measure, topic)
    shown = f"{fmt(row.value_num or 0.0)}{row.unit}"
    converted = abs(cost_value - (row.value_num or 0.0)) > 1e-9 or row.unit != standard.unit
    first = f"单位成本：第{row.idx + 1}行“{row.name_core}”{shown}" + (
        f"，折合{fmt(cost_value)}{standard.unit}" if converted else ""
    )
    per_year_total = cost_base * qty.amount if qty and std_unit.period == "year" else None
    span = _span(std_unit, _budget_years(years, per_year_total, ctx.budget), ctx)
    return _check(ctx, row.idx, match, cost_base, shown, first, qty, span, ROW_TOLERANCE)


def _check(
    ctx: SubmissionContext,
    idx: int | None,
    match: _Match,
    cost_base: float,
    shown: str,
    first: str,
    qty: Quantity | None,
    span: tuple[float, str] | None,
    tolerance: float,
) -> CostCheck:
    standard, std_unit = match.standard, match.unit
    qty_amount, qty_text, qty_idx = _qty_text(std_unit, qty)
    cost_value = std_unit.from_base(cost_base)
    over = cost_value > standard.value * (1 + tolerance)
    if standard.is_ceiling:
        verdict = "over" if over else "within"
    else:
        verdict = "reference_over" if over else "reference_within"
    steps: list[str] = []
    saving = adjusted = None
    if over:
        steps, saving, adjusted = _steps_and_saving(
            std_unit=std_unit,
            standard=standard,
            cost_base=cost_base,
            first_step=first,
            qty=qty,
            span=span,
            budget=ctx.budget,
        )
    binding = standard.is_ceiling
    return CostCheck(
        indicator=idx,
        quantity_indicator=qty_idx,
        item=standard.item,
        matched_word=match.word,
        standard_id=standard.id,
        standard_value=standard.value,
        standard_unit=standard.unit,
        standard_kind=standard.kind,
        basis=standard.basis,
        region=standard.region,
        year=standard.year,
        cost_text=shown,
        unit_cost=round(cost_value, 4),
        verdict=verdict,
        quantity=qty_amount,
        quantity_text=qty_text,
        years=round(span[0]) if span and std_unit.period == "year" else 1,
        saving_yuan=round(saving, 2) if saving is not None and binding else None,
        adjusted_budget_yuan=round(adjusted, 2) if adjusted is not None and binding else None,
        steps=steps,
    )


def _implied_checks(
    ctx: SubmissionContext, table: list[tuple[Standard, CostUnit]], covered: set[int], years: int
) -> list[CostCheck]:
    """Unit costs implied by the budget for standards the project is about but no cost row prices."""
    if ctx.budget is None:
        return []
    cost_units = [u for _, u in _cost_rows(ctx)]
    matches = []
    for standard, std_unit in table:
        if id(standard) in covered or any(comparable(u, std_unit) for u in cost_units):
            continue
        project = _project_score(ctx, standard.words)
        if project is None:
            continue
        matches.append(_Match(standard, std_unit, project[0], project[1]))
    checks = []
    used_dimensions: set[str] = set()
    while matches:
        best = _best(matches, ctx)
        if best is None:
            break
        matches = [m for m in matches if m.unit.measure.dimension != best.unit.measure.dimension]
        if best.unit.measure.dimension in used_dimensions:
            continue
        used_dimensions.add(best.unit.measure.dimension)
        check = _implied_check(ctx, best, years)
        if check is not None:
            checks.append(check)
    return checks


def _implied_check(ctx: SubmissionContext, match: _Match, years: int) -> CostCheck | None:
    standard, std_unit = match.standard, match.unit
    topic = frozenset(w for word in standard.words for w in bigrams(word))
    qty = _quantity(ctx, std_unit.measure, topic)
    span = _span(std_unit, years, ctx)
    if qty is None or span is None or ctx.budget is None:
        return None
    periods = span[0]
    cost_base = ctx.budget / qty.amount / periods
    cost_value = std_unit.from_base(cost_base)
    amount = qty.amount / std_unit.measure.scale
    divisor = ""
    if periods != 1:
        divisor = f" ÷ {fmt(periods)}{'年' if std_unit.period == 'year' else '天'}"
    if std_unit.period == "year" and std_unit.per_year != 1:
        divisor += f" ÷ {fmt(std_unit.per_year)}"
    shown = f"{fmt(ctx.budget, 0)}元 ÷ {fmt(amount)}{std_unit.measure.word}{divisor}"
    first = f"单位成本（预算 ÷ 数量）：{shown} = {fmt(cost_value)}{standard.unit}"
    return _check(ctx, None, match, cost_base, shown, first, qty, span, IMPLIED_TOLERANCE)


def compare_costs(ctx: SubmissionContext) -> list[CostCheck]:
    """Every cost row (and the implied unit cost of the project) compared with its standard, in row order,
    the implied ones last. Empty without standards."""
    if _MEMO in ctx.memo:
        return ctx.memo[_MEMO]
    checks: list[CostCheck] = []
    table = _parsed(ctx)
    if table:
        years = plan_years(ctx)
        covered: set[int] = set()
        for row, unit in _cost_rows(ctx):
            found = _row_match(ctx, row, unit, table, years)
            if found is None:
                continue
            match, as_std = found
            covered.add(id(match.standard))
            checks.append(_row_check(ctx, row, match, as_std, years))
        checks += _implied_checks(ctx, table, covered, years)
    ctx.memo[_MEMO] = checks
    return checks
