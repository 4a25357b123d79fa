"""Rules about the target itself: rates above 100%, thresholds that cannot fail, the wrong direction,
and targets below last year's actual or the stated basis."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.engine import Hit, row_hit
from assistant.checks.units import fmt_number, numbers_with_units, quantity_unit

_UP = ("≥", ">")
_DOWN = ("≤", "<")
_TIME_LIMIT = re.compile(r"时限|响应时间|办结|完成时间|到位时间|验收时间|间隔|到场时间")
_EVENT_TAIL = re.compile(r"(发生率|发生次数|率)$")


def _is_bounded_rate(ctx: SubmissionContext, row: RowView) -> bool:
    lex = ctx.lex
    return (
        (row.is_percent or (row.is_rate_name and not row.unit))
        and row.is_rate_name
        and not lex.change.search(row.name_core)
        and not lex.bounded_rate_exclusions.search(row.name_core)
    )


def _goal_percent(ctx: SubmissionContext, row: RowView) -> str | None:
    """The percentage the goal gives for this rate (年度目标 “苗木成活率不低于95%” -> '95')."""
    key = re.escape(row.name_core[-3:])
    m = re.search(key + r"[^，。；\d]{0,8}?(\d+(?:\.\d+)?)\s*%", ctx.goal)
    return m.group(1) if m else None


def check_rate_over_100(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        v = row.value_num
        if v is None or not _is_bounded_rate(ctx, row):
            continue
        if v > 100 and row.op not in _DOWN:
            why = "超过100%，不可能实现"
        elif v == 100 and row.op in _UP:
            why = "超出比率上限，达到100%即已封顶，应写“=100%”"
        else:
            continue
        goal = _goal_percent(ctx, row)
        rewrite = (
            f"{row.name_core} ≥ {goal}%（与年度目标一致）"
            if goal and float(goal) < 100
            else f"{row.name_core} = 100%"
        )
        yield row_hit("V04", row, "value", why=why, rewrite=rewrite)


def check_trivial_threshold(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        v = row.value_num
        if v is None or lex.change.search(row.name_core):
            continue
        if row.op in _UP and v == 0:
            why = "在任何情况下都成立（不可能不达标）"
        elif row.op in _DOWN and row.is_percent and v >= 100:
            why = "在任何情况下都成立（比率不可能超过100%）"
        elif row.op in _DOWN and row.unit in ("天", "日") and v >= 365 and "天数" in row.name_core:
            why = "在任何情况下都成立（一年只有365天）"
        else:
            continue
        yield row_hit("V05", row, "value", why=why, rewrite=_trivial_rewrite(ctx, row))


def _trivial_rewrite(ctx: SubmissionContext, row: RowView) -> str:
    if row.op in _DOWN or ctx.lex.negative.search(row.name_core):
        event = _EVENT_TAIL.sub("", row.name_core)
        return f"{event}发生起数 = 0起；或写成“{row.name_core} ≤ 上年实际值（%）”，并在设定依据中写明上年数据"
    goal = _goal_percent(ctx, row)
    if goal:
        return f"{row.name_core} ≥ {goal}%（与年度目标一致）"
    unit = row.unit or ""
    return f"{row.name_core} ≥ 上年实际值{unit}（在设定依据中写明上年数据；无历史数据的按行业标准确定）"


_ESTIMATE = re.compile(r"测算|估算|预计|预测|约")
_EXPLAINED_DECLINE = re.compile(r"核减|减员|退出|注销|死亡|迁出|调减|压减|到期|缩减|不再|减少|下降")
_FALL_WORDS = re.compile(r"^[^，。；]{0,6}?(降至|降到|降低|下降|控制在|不高于|不超过|低于)")


def _meant_to_fall(ctx: SubmissionContext, row: RowView) -> bool:
    """Whether the submission itself says a rate should fall: below last year's actual, or the goal says
    "…率降至/控制在…以内" (a rate of something bad the lexicon does not know)."""
    history = row.ind.history_num
    if history is not None and row.value_num is not None and row.value_num < history:
        return True
    core = row.name_core[-4:]
    at = ctx.goal.find(core) if core else -1
    return at >= 0 and bool(_FALL_WORDS.search(ctx.goal[at + len(core) :]))


def _direction_problem(ctx: SubmissionContext, row: RowView) -> tuple[str, str] | None:
    """(why, fixed operator) when the operator points the wrong way for what the row measures."""
    lex, op, name = ctx.lex, row.op, row.name_core
    if op not in _UP + _DOWN or row.value_num is None and not row.value:
        return None
    negative = bool(lex.negative.search(name))
    money = row.per_unit is not None or row.money is not None
    if op in _UP and row.is_cost and money:
        return "是成本类指标，应设上限", "≤"
    if op in _DOWN and row.sub == "数量" and not row.is_cost and not negative and (row.value_num or 0) > 0:
        return "是正向的产出数量，用“≤”等于只设上限、少做也达标", "≥"
    if (
        op in _DOWN
        and row.is_percent
        and row.is_rate_name
        and not negative
        and not lex.change.search(name)
        and row.value_num is not None
        and row.value_num < 100
        and not _meant_to_fall(ctx, row)
    ):
        return "是越高越好的正向比率", "≥"
    if op in _UP and row.is_time and not row.is_percent and _TIME_LIMIT.search(name):
        return "是时限类指标，应设上限", "≤"
    return None


def check_direction(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        found = _direction_problem(ctx, row)
        if not found:
            continue
        why, fixed = found
        fixed_op = "=" if fixed == "≥" and row.sub == "数量" else fixed
        unit = "" if row.unit == "日期" else row.unit
        yield row_hit("V06", row, "op", why=why, rewrite=f"{row.name_core} {fixed_op} {row.value}{unit}")


def _reference(ctx: SubmissionContext, row: RowView) -> tuple[float, str] | None:
    """Last year's actual or the stated basis, in the row's unit, when one can be read."""
    ind = row.ind
    if ind.history_num is not None and not re.search(r"[\u4e00-\u9fff]", ind.history or ""):
        return ind.history_num, f"上年实际完成值（{ind.history}{'' if row.unit in ('%', '') else row.unit}）"
    _, tokens = quantity_unit(row.unit) if row.unit else (1.0, ())
    base = tokens[0] if tokens else ""
    for text, label in ((ind.history, "上年实际"), (ind.basis, "设定依据")):
        if label == "设定依据" and _ESTIMATE.search(text or ""):
            continue  # 按人均每日0.4公斤测算约54天: an estimate, not a level already reached
        for number, unit_word in numbers_with_units(text):
            if base and unit_word.startswith(base) or (row.is_percent and unit_word.startswith("%")):
                return number, f"{label}（{text}）"
    return None


def check_target_too_low(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        if row.value_num is None or row.op not in ("≥", "=", ">") or row.is_cost:
            continue
        if lex.negative.search(row.name_core) or "反向" in (row.ind.direction or ""):
            continue
        ref = _reference(ctx, row)
        if ref is None or _EXPLAINED_DECLINE.search(row.ind.basis or ""):
            continue  # 核减死亡、迁出62人: the basis says why the target is lower
        scale = quantity_unit(row.unit)[0] if row.unit else 1.0
        value = row.value_num * scale
        if value < ref[0] * 0.999:
            target = fmt_number(ref[0] / scale)
            yield row_hit(
                "V10",
                row,
                "value",
                reference=ref[1],
                rewrite=f"{row.name_core} ≥ {target}{row.unit}（不低于{ref[1].split('（')[0]}）",
            )


RULES = {
    "V04": check_rate_over_100,
    "V05": check_trivial_threshold,
    "V06": check_direction,
    "V10": check_target_too_low,
}
