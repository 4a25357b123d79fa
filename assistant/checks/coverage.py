"""Which output quantities promised by the annual goal no indicator counts (MISSING_CORE_OUTPUT, and the
产出 rows MISSING_LEVEL1 proposes).

A row covers a promised quantity only when it counts in a compatible unit (亩 for 亩/公顷, 人 for 人/户 …):
a 合格率 row, a 元/亩 standard or a count of villages never covers 5000亩.
"""

from __future__ import annotations

from assistant.checks.context import RowView, SubmissionContext, countable, row_count
from assistant.checks.goaltext import GoalQuantity, goal_quantities
from assistant.checks.kinds import AREA, HOUSEHOLDS, LENGTH, PEOPLE, base_unit, counting_unit
from assistant.checks.text import PAREN, bigrams


def unit_class(ctx: SubmissionContext, unit: str) -> str:
    """people / area / length / weight / volume / count: what a unit measures."""
    base = base_unit(unit)
    classes = (
        ("people", PEOPLE | HOUSEHOLDS),
        ("area", AREA),
        ("length", LENGTH),
        ("weight", ctx.lex.words("weight_units")),
        ("volume", ctx.lex.words("volume_units")),
    )
    return next((key for key, members in classes if base in members), "count")


def _measures(row: RowView) -> bool:
    """A row with a number in a unit that counts something (not a rate, not money)."""
    return (
        row.value_num is not None
        and bool(row.unit)
        and not row.is_percent
        and row.money is None
        and row.per_unit is None
    )


def _same_number(value: float, q: GoalQuantity) -> bool:
    """The goal's number, also as written before 万/亿 was applied (1.2万名 read off a row as 1.2)."""
    written = [q.number] + [q.number / scale for scale in (1e4, 1e8) if q.number >= scale]
    return any(abs(value - n) <= 0.005 * n for n in written)


def _covers(ctx: SubmissionContext, row: RowView, q: GoalQuantity) -> bool:
    if (
        not row.unit
        and row.value_num is not None
        and _same_number(row.value_num, q)
        and bigrams(q.subject) & bigrams(row.name_core)
    ):
        return True  # 运维信息系统 = 12 (unit missing, flagged as NO_UNIT) still counts the goal's 12个
    if not _measures(row):
        return False
    count = row_count(row)
    if count is not None and abs(count - q.number) <= 0.005 * q.number and countable(row):
        return True  # 420个岗位 = 420人: the same number is the same output whatever the unit
    same_class = unit_class(ctx, counting_unit(row.name_core, row.unit)) == unit_class(ctx, q.unit)
    return same_class and bool(bigrams(q.subject[-4:]) & bigrams(row.name_core))


def _covered_as_sum(ctx: SubmissionContext, quantities: list[GoalQuantity], q: GoalQuantity) -> bool:
    """召开全体会议1次、常委会议4次、专题协商会6次 is covered by 召开各类会议 = 11次."""
    total = sum(g.number for g in quantities if g.unit == q.unit)
    return total != q.number and any(
        countable(r)
        and unit_class(ctx, r.unit) == unit_class(ctx, q.unit)
        and abs((row_count(r) or 0) - total) < 1e-6
        for r in ctx.rows
    )


def _single_facility(ctx: SubmissionContext, q: GoalQuantity) -> bool:
    """建设污水处理厂1座: the project itself, measured by its scale rows (any unit) that name it."""
    return (
        q.number == 1
        and unit_class(ctx, q.unit) == "count"
        and any(bigrams(q.subject[-4:]) & bigrams(r.name_core) for r in ctx.rows if r.value_num is not None)
    )


def output_units(ctx: SubmissionContext) -> frozenset[str]:
    return ctx.lex.words("count_units", "measure_units", "people_units")


def uncovered_goal_outputs(ctx: SubmissionContext, all_goal: bool = False) -> list[GoalQuantity]:
    """Output quantities promised by the goal that no indicator counts in a compatible unit."""
    lex = ctx.lex
    quantities = goal_quantities(ctx, output_units(ctx))
    change, per_level, not_output = (
        lex.any("change_words"),
        lex.any("per_level_words"),
        lex.any("not_output_words"),
    )
    scope_words = lex.pattern("scope_start")
    out: list[GoalQuantity] = []
    for q in quantities:
        if (
            q.bracketed
            or change.search(q.subject)
            or per_level.search(q.subject)
            or not_output.search(q.subject)
        ):
            continue  # 流失人数比上年减少10人, 水稻亩产450公斤: a result or a level, not an output
        subject = PAREN.sub("", q.subject)  # 24个镇（街道）: the bracket only glosses the scope
        scope = scope_words.match(subject)
        after_scope = subject[scope.end() : scope.end() + 4] if scope else ""
        if scope and (
            len(subject) <= 4
            or lex.any("activity_verbs").search(after_scope)
            or lex.any("support_words").search(after_scope)
        ):
            continue  # 12个乡镇 / 在12个乡镇培训…: where the work is done, not what it produces
        covered = (
            any(_covers(ctx, r, q) for r in ctx.rows)
            or _covered_as_sum(ctx, quantities, q)
            or _single_facility(ctx, q)
        )
        if all_goal or not covered:
            out.append(q)
    return out


def indicator_name(ctx: SubmissionContext, q: GoalQuantity) -> str:
    """A goal phrase as an indicator name: 对全县脐橙低效果园实施品种改良和标准化改造 (亩) -> …改造面积."""
    lex = ctx.lex
    name = lex.pattern("goal_subject_lead").sub("", q.subject).replace("实施", "")
    cls = unit_class(ctx, q.unit)
    if cls == "people":
        if lex.pattern("people_name_tail").search(name):
            return name
        names = lex.table("people_count_names")
        return name + (names["household"] if q.unit == "户" else names["people"])
    if lex.pattern("measure_name_tail").search(name):
        return name
    return name + lex.table("name_by_unit_class")[cls]
