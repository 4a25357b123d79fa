"""Rules about the target itself: rates above 100%, thresholds that cannot fail, the wrong direction,
and targets below last year's actual or the stated basis."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from assistant.checks import fixes
from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.registry import Hit, row_hit, rule
from assistant.checks.units import fmt_number, numbers_with_units, quantity_unit

_UP = ("≥", ">")
_DOWN = ("≤", "<")


def _is_bounded_rate(ctx: SubmissionContext, row: RowView) -> bool:
    lex = ctx.lex
    return (
        (row.is_percent or (row.is_rate_name and not row.unit))
        and row.is_rate_name
        and not lex.any("change_words").search(row.name_core)
        and not lex.any("bounded_rate_exclusions").search(row.name_core)
    )


def _goal_percent(ctx: SubmissionContext, row: RowView) -> str | None:
    """The percentage the goal gives for this rate (年度目标 “苗木成活率不低于95%” -> '95')."""
    key = re.escape(row.name_core[-3:])
    m = re.search(key + r"[^，。；\d]{0,8}?(\d+(?:\.\d+)?)\s*%", ctx.goal)
    return m.group(1) if m else None


@rule("V04")
def check_rate_over_100(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        v = row.value_num
        if v is None or not _is_bounded_rate(ctx, row):
            continue
        if v > 100 and row.op not in _DOWN:
            why = "over"
        elif v == 100 and row.op in _UP:
            why = "capped"
        else:
            continue
        goal = _goal_percent(ctx, row)
        suggestion = "goal" if goal and float(goal) < 100 else "default"
        yield row_hit(
            row,
            "value",
            {"why": why, "suggestion": suggestion},
            fix=fixes.rate_fix(row, goal),
            core=row.name_core,
            goal=goal or "",
        )


@rule("V05")
def check_trivial_threshold(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        v = row.value_num
        if v is None:
            continue
        change = bool(lex.any("change_words").search(row.name_core))
        if row.op in _UP and v == 0 and not (change and row.op == ">"):
            why = "zero"  # 较上年提升 ≥ 0: no change at all still meets it
        elif change:
            continue
        elif row.op in _DOWN and row.is_percent and v >= 100:
            why = "percent"
        elif row.op in _DOWN and row.unit in ("天", "日") and v >= 365 and "天数" in row.name_core:
            why = "days"
        else:
            continue
        goal = _goal_percent(ctx, row)
        if row.op in _DOWN or lex.any("negative_words").search(row.name_core):
            suggestion = "negative"
        else:
            suggestion = "goal" if goal else "default"
        yield row_hit(
            row,
            "value",
            {"why": why, "suggestion": suggestion},
            fix=fixes.trivial_fix(ctx, row, goal, suggestion == "negative"),
            core=row.name_core,
            goal=goal or "",
            event=lex.pattern("event_tail").sub("", row.name_core),
        )


def _meant_to_fall(ctx: SubmissionContext, row: RowView) -> bool:
    """Whether the submission itself says a rate should fall: below last year's actual, or the goal says
    "…率降至/控制在…以内" (a rate of something bad the lexicon does not know)."""
    history = row.ind.history_num
    if history is not None and row.value_num is not None and row.value_num < history:
        return True
    core = row.name_core[-4:]
    at = ctx.goal.find(core) if core else -1
    return at >= 0 and bool(ctx.lex.pattern("fall_words").search(ctx.goal[at + len(core) :]))


def _direction_problem(ctx: SubmissionContext, row: RowView) -> tuple[str, str] | None:
    """(V06 `why` case, fixed operator) when the operator points the wrong way for what the row measures."""
    lex, op, name = ctx.lex, row.op, row.name_core
    if op not in _UP + _DOWN or row.value_num is None and not row.value:
        return None
    negative = bool(lex.any("negative_words").search(name))
    money = row.per_unit is not None or row.money is not None
    if op in _UP and row.is_cost and money:
        return "cost", "≤"
    if op in _DOWN and row.sub == "数量" and not row.is_cost and not negative and (row.value_num or 0) > 0:
        return "quantity", "≥"
    if (
        op in _DOWN
        and row.is_percent
        and row.is_rate_name
        and not negative
        and not lex.any("change_words").search(name)
        and row.value_num is not None
        and row.value_num < 100
        and not _meant_to_fall(ctx, row)
    ):
        return "rate", "≥"
    if op in _UP and row.is_time and not row.is_percent and lex.any("time_limit_words").search(name):
        return "time_limit", "≤"
    return None


@rule("V06")
def check_direction(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        found = _direction_problem(ctx, row)
        if not found:
            continue
        why, fixed = found
        fixed_op = "=" if fixed == "≥" and row.sub == "数量" else fixed
        yield row_hit(
            row,
            "op",
            {"why": why},
            fix=fixes.edit(row, op=fixed_op),
            core=row.name_core,
            fixed_op=fixed_op,
            raw_value=row.value,
            shown_unit="" if row.unit == "日期" else row.unit,
        )


def _reference(ctx: SubmissionContext, row: RowView) -> tuple[float, str, dict[str, str]] | None:
    """(last year's actual or the stated basis in the row's unit, V10 reference case, its params)."""
    ind = row.ind
    if ind.history_num is not None and not re.search(r"[\u4e00-\u9fff]", ind.history or ""):
        ref_unit = "" if row.unit in ("%", "") else row.unit
        return ind.history_num, "history_value", {"history": str(ind.history), "ref_unit": ref_unit}
    _, tokens = quantity_unit(row.unit) if row.unit else (1.0, ())
    base = tokens[0] if tokens else ""
    for text, case in ((ind.history, "history_text"), (ind.basis, "basis")):
        if case == "basis" and ctx.lex.any("estimate_words").search(text or ""):
            continue  # 按人均每日0.4公斤测算约54天: an estimate, not a level already reached
        for number, unit_word in numbers_with_units(text):
            if base and unit_word.startswith(base) or (row.is_percent and unit_word.startswith("%")):
                return number, case, {"text": str(text)}
    return None


@rule("V10")
def check_target_too_low(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        if row.value_num is None or row.op not in ("≥", "=", ">") or row.is_cost:
            continue
        if lex.any("negative_words").search(row.name_core) or "反向" in (row.ind.direction or ""):
            continue
        ref = _reference(ctx, row)
        if ref is None or lex.any("explained_decline_words").search(row.ind.basis or ""):
            continue  # 核减死亡、迁出62人: the basis says why the target is lower
        scale, tokens = quantity_unit(row.unit) if row.unit else (1.0, ())
        value = row.value_num * scale
        number, case, params = ref
        if case == "history_value" and scale != 1 and number > 0 and row.value_num > 0:
            # a bare last-year figure beside ≥6.5万人 is 68120 (人) or 6.8 (万人): the reading nearer it
            in_row_unit = abs(math.log(row.value_num / number)) < abs(math.log(value / number))
            number = number * scale if in_row_unit else number
            params = {**params, "ref_unit": row.unit if in_row_unit else (tokens[0] if tokens else "")}
        if value < number * 0.999:
            yield row_hit(
                row,
                "value",
                {"reference": case, "ref_label": case},
                fix=fixes.too_low_fix(row, fmt_number(number / scale), case),
                core=row.name_core,
                target=fmt_number(number / scale),
                **params,
            )
