"""相关性 rules about what rows measure: duplicates, off-topic rows, inputs and outputs in the wrong place,
and goal outputs with no indicator."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks import fixes
from assistant.checks.context import RowView, SubmissionContext, countable, input_rate, row_count
from assistant.checks.goaltext import row_target
from assistant.checks.kinds import HOUSEHOLDS, PEOPLE, base_unit
from assistant.checks.lexicon import get_lexicon
from assistant.checks.registry import Hit, row_hit, rule
from assistant.checks.text import bigrams, is_cjk
from assistant.checks.units import fmt_number, quantity_unit, same_quantity_unit


def _units_compatible(a: RowView, b: RowView) -> bool:
    ua, ub = quantity_unit(a.unit)[1], quantity_unit(b.unit)[1]
    if not ua or not ub:
        return False
    if same_quantity_unit(ua[0], ub[0]):
        return True
    household_people = get_lexicon().words("household_people_units")
    return ua[0] in household_people and ub[0] in household_people


def _count_core(name: str) -> str:
    lex = get_lexicon()
    core = lex.pattern("count_head").sub("", lex.pattern("count_tail").sub("", name))
    return "".join(c for c in core if is_cjk(c) or c.isalnum())


def _common_suffix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n :]


def same_subject(a: str, b: str) -> bool:
    """Whether two indicator names count the same thing (宫颈癌筛查人数 and 乳腺癌筛查人数 do not).

    After removing how-counted words: one name contains the other; or they end alike and what precedes the
    shared ending differs only in verbs and qualifiers (入住/集中供养 特困人员); or most wording is shared.
    Two different objects in front of one shared ending (气代煤/电代煤 改造户) are never the same.
    """
    ca, cb = _count_core(a), _count_core(b)
    if not ca or not cb:
        return False
    qualifiers = get_lexicon().pattern("qualifiers")
    qa, qb = qualifiers.sub("", ca), qualifiers.sub("", cb)
    if ca in cb or cb in ca or sorted(ca) == sorted(cb) or (qa and qb and (qa in qb or qb in qa)):
        return True  # 维修校舍/校舍维修, 参训/培训 农村实用人才
    tail = _common_suffix(ca, cb)
    if tail:
        head_a, head_b = qualifiers.sub("", ca[: -len(tail)]), qualifiers.sub("", cb[: -len(tail)])
        if head_a and head_b and head_a not in head_b and head_b not in head_a:
            return False
        if qualifiers.sub("", tail):
            return True
    ba, bb = bigrams(ca), bigrams(cb)
    return bool(ba and bb) and len(ba & bb) / len(ba | bb) >= 0.5


def restated_quantity(ctx: SubmissionContext, row: RowView) -> RowView | None:
    """An earlier row counting the same thing: equal number, compatible unit, the same subject; or a benefit
    that says it reaches (惠及, 受益…) exactly the people an output row counts."""
    if not countable(row):
        return None
    reach = row.level1 == "效益" and ctx.lex.pattern("reach").match(row.name_core) and _people_unit(row)
    count = row_count(row) or 0.0
    for other in ctx.rows[: row.idx]:
        if not countable(other) or abs((row_count(other) or 0.0) - count) >= 1e-6:
            continue
        if _units_compatible(other, row) and same_subject(other.name_core, row.name_core):
            return other
        if reach and other.level1 == "产出" and _people_unit(other) and _same_reach(other, row):
            return other
    return None


def _people_unit(row: RowView) -> bool:
    """A count of people or households (who a benefit says it reaches)."""
    return base_unit(row.unit) in PEOPLE | HOUSEHOLDS


def _same_reach(a: RowView, b: RowView) -> bool:
    """Both count people, or both count households (420户 and 420人 are two counts)."""
    return (base_unit(a.unit) in PEOPLE) == (base_unit(b.unit) in PEOPLE)


def _respondent(ctx: SubmissionContext, name: str) -> str:
    core = ctx.lex.pattern("satisfaction_suffix").sub("", name)
    return ctx.lex.any("respondent_modifiers").sub("", core).strip() or core


def _same_respondents(ctx: SubmissionContext, a: RowView, b: RowView) -> bool:
    ra, rb = _respondent(ctx, a.name_core), _respondent(ctx, b.name_core)
    if not ra or not rb:
        return ra == rb
    if ra == rb or (len(ra) >= 2 and len(rb) >= 2 and (ra in rb or rb in ra)):
        return True
    lay_public = ctx.lex.words("lay_public")
    if ra in lay_public and rb in lay_public:
        return True
    return a.name_core.startswith("受益") and b.name_core.startswith("受益")


def _completion_restates(ctx: SubmissionContext, row: RowView) -> RowView | None:
    if "完成率" not in row.name_core or not row.is_percent or (row.value_num or 0) < 100:
        return None
    quantities = [r for r in ctx.rows if r.sub == "数量" and countable(r) and r.idx != row.idx]
    topic = bigrams(row.name_core.replace("完成率", ""))
    for q in quantities:
        if not topic or topic & bigrams(q.name_core):
            return q
    return None


def _pass_rate_twin(ctx: SubmissionContext, row: RowView) -> RowView | None:
    """An earlier pass rate of the same subject in the same category under another pass word
    (道路保洁达标率 / 道路清扫保洁合格率): one quality requirement measured twice."""
    pass_rate = ctx.lex.pattern("pass_rate_end")
    m = pass_rate.search(row.name_core)
    if m is None or not row.is_percent or not m.start():
        return None
    for other in ctx.rows[: row.idx]:
        mo = pass_rate.search(other.name_core)
        if mo is None or not mo.start() or not other.is_percent or other.sub != row.sub:
            continue
        if same_subject(row.name_core[: m.start()], other.name_core[: mo.start()]):
            return other
    return None


@rule("C07")
def check_duplicates(ctx: SubmissionContext) -> Iterator[Hit]:
    satisfaction = [r for r in ctx.rows if "满意" in r.name_core]
    for row in ctx.rows:
        same_name = next(
            (o for o in ctx.rows[: row.idx] if o.name_core and o.name_core == row.name_core), None
        )
        restated = restated_quantity(ctx, row)
        completion = _completion_restates(ctx, row)
        rate_twin = _pass_rate_twin(ctx, row)
        twin = next(
            (
                o
                for o in satisfaction
                if o.idx < row.idx and row in satisfaction and _same_respondents(ctx, o, row)
            ),
            None,
        )
        if same_name:
            yield _dup_hit(ctx, row, same_name, "same_name")
        elif restated:
            yield _dup_hit(ctx, row, restated, "restated")
        elif completion:
            yield _dup_hit(ctx, row, completion, "completion")
        elif twin:
            yield _dup_hit(ctx, row, twin, "twin")
        elif rate_twin:
            yield _dup_hit(ctx, row, rate_twin, "rate_twin")


def _dup_hit(ctx: SubmissionContext, row: RowView, other: RowView, why: str) -> Hit:
    return row_hit(
        row,
        None,
        {"why": why, "suggestion": "weighted" if row.ind.weight else "default"},
        fix=fixes.duplicate_fix(row, other),
        other_no=other.idx + 1,
        other_name=other.name,
        other_value=other.shown_value,
        kept=row_target(ctx, other),
        weight=fmt_number(row.ind.weight) if row.ind.weight else "",
    )


@rule("R05")
def check_irrelevant(ctx: SubmissionContext) -> Iterator[Hit]:
    if ctx.unidentifiable:
        return
    lex, text = ctx.lex, ctx.project_text
    eco_text = lex.any("not_ecological_words").sub("", text)
    found: list[tuple[RowView, str]] = []
    for row in ctx.rows:
        if row.is_na:
            continue
        if row.sub == "生态效益" and not lex.any("eco_project_words").search(eco_text):
            if own_work_rate(ctx, row):
                continue  # 科学保粮率 under 生态效益: an output filed as a benefit (R03b), not off-topic
            why = "eco"
        elif (
            row.sub == "经济效益"
            and lex.any("macro_econ_row_words").search(row.name)
            and not lex.any("econ_project_words").search(text)
        ):
            why = "macro"
        elif (
            row.level1 == "效益"
            and lex.any("grand_slogan_words").search(row.name)
            and lex.any("back_office_project_words").search(ctx.project or "")
        ):
            why = "slogan"
        else:
            continue
        found.append((row, why))
    irrelevant = {row.idx for row, _ in found}
    for row, why in found:
        yield _irrelevant_hit(ctx, row, why, irrelevant)


@rule("R05b")
def check_satisfaction_category(ctx: SubmissionContext) -> Iterator[Hit]:
    """A row filed under 满意度 that asks no one anything (安全事件发生数 = 0起): forced into the category."""
    survey = ctx.lex.any("survey_words")
    surveys = [r for r in ctx.rows if r.level1 == "满意度" and survey.search(r.name)]
    for row in ctx.rows:
        if row.level1 != "满意度" or row.is_na or not row.name or survey.search(row.name):
            continue
        yield row_hit(
            row,
            None,
            {"suggestion": "has_survey" if surveys else "default"},
            fix=fixes.recategorize(ctx, row, "社会效益", survey_exists=bool(surveys)),
            survey=surveys[0].name_core if surveys else "",
        )


@rule("R05c")
def check_economic_category(ctx: SubmissionContext) -> Iterator[Hit]:
    """A 经济效益 row with no economic notion at all (校舍安全率, 社会和谐稳定): forced into the category."""
    lex = ctx.lex
    for row in ctx.rows:
        if row.sub != "经济效益" or row.is_na:
            continue
        if lex.any("not_economic_words").search(row.name_core) and not lex.any(
            "economic_row_words", "econ_project_words"
        ).search(row.name_core):
            yield row_hit(row, None, fix=fixes.recategorize(ctx, row, "社会效益"))


def own_work_rate(ctx: SubmissionContext, row: RowView) -> bool:
    """A benefit row that is a rate of the project's own work: 补贴发放率, 工程完工率, 验收合格率; or a
    rate with no ecological subject under 生态效益 of a project without one (科学保粮率, 食品安全达标率)."""
    lex = ctx.lex
    if row.level1 != "效益" or not (row.is_percent or (row.is_rate_name and not row.unit)):
        return False
    if lex.any("change_words").search(row.name_core):
        return False  # 较上年下降10%: a change, which is an effect
    if lex.pattern("own_work_rate").search(row.name_core):
        return True
    eco_text = lex.any("not_ecological_words").sub("", ctx.project_text)
    return (
        row.sub == "生态效益"
        and row.is_rate_name
        and not lex.any("eco_row_words").search(row.name)
        and not lex.any("eco_project_words").search(eco_text)
    )


def _irrelevant_hit(ctx: SubmissionContext, row: RowView, why: str, irrelevant: set[int]) -> Hit:
    kept = [r for r in ctx.rows if r.level1 == "效益" and r.sub != row.sub and r.value_num is not None]
    cases = {"why": why, "weight_text": "default" if row.ind.weight else "none"}
    cases["suggestion"] = "kept" if kept else "default"
    cases["example"] = ctx.lex.topic("benefit_activities", f"{ctx.project}\n{ctx.goal}") or "default"
    return row_hit(
        row,
        None,
        cases,
        fix=fixes.irrelevant_fix(ctx, row, irrelevant),
        sub=str(row.sub),
        weight=fmt_number(row.ind.weight) if row.ind.weight else "",
        kept=row_target(ctx, kept[0]) if kept else "",
        obj=ctx.project_object,
    )


@rule("R02")
def check_input_as_output(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        matched = input_rate(ctx, row) or ""
        if matched:
            why = "rate"
        elif (
            (row.money is not None or _unitless_money(ctx, row))
            and not row.is_cost
            and row.value_num is not None
            and (row.sub in ("数量", "质量", "时效") or _equals_budget(ctx, row))
        ):
            why = "money_budget" if _equals_budget(ctx, row) else "money"
        else:
            continue
        qty = next((r for r in ctx.rows if r.sub == "数量" and countable(r) and r.idx != row.idx), None)
        yield row_hit(
            row,
            None,
            {
                "why": why,
                "note": "rate" if "率" in row.name_core else "money",
                "instead": "default" if qty else "none",
            },
            fix=fixes.input_fix(ctx, row),
            matched=matched,
            qty=row_target(ctx, qty) if qty else "",
        )


def _unitless_money(ctx: SubmissionContext, row: RowView) -> bool:
    """A row named as an amount of money whose unit was left out (工程资金金额 = 43.2)."""
    return (
        not row.unit
        and row.value_num is not None
        and bool(ctx.lex.pattern("money_amount_name").search(row.name_core))
    )


def _equals_budget(ctx: SubmissionContext, row: RowView) -> bool:
    """The row's amount is the year's budget (read in 元 or 万元 when the unit is missing)."""
    if ctx.budget is None or row.value_num is None:
        return False
    scales = (row.money,) if row.money is not None else (1.0, 1e4) if _unitless_money(ctx, row) else ()
    return any(abs(row.value_num * scale - ctx.budget) <= 0.02 * ctx.budget for scale in scales)


@rule("R03b")
def check_own_work_rate_as_benefit(ctx: SubmissionContext) -> Iterator[Hit]:
    """A rate of the project's own work (补贴发放率 ≥ 75%, 工程完工率, a quality rate under 生态效益 of a
    project with no ecological subject) filed as a benefit."""
    if not ctx.has_levels:
        return
    for row in ctx.rows:
        if own_work_rate(ctx, row):
            benefit = ctx.lex.topic("benefit_activities", f"{row.name}\n{ctx.project}") or "default"
            yield row_hit(
                row,
                None,
                {"benefit": benefit},
                fix=fixes.own_work_fix(ctx, row),
                category=row.sub or "效益",
                target=row_target(ctx, row),
            )


@rule("R03")
def check_output_as_benefit(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.has_levels:
        return
    lex = ctx.lex
    for row in ctx.rows:
        if row.level1 != "效益" or not countable(row):
            continue
        output = restated_quantity(ctx, row)
        verb = lex.any("activity_verbs").search(row.name_core)
        unit = quantity_unit(row.unit)[1]
        if output is not None and output.level1 == "产出":
            why = "restated"
        elif (
            verb
            and unit
            and unit[0] in lex.words("activity_units")
            and not lex.any("change_words").search(row.name_core)
            and not lex.any("audience_words").search(row.name_core)  # 观看演出群众: who the work reached
        ):
            why = "activity"
        else:
            continue
        benefit = lex.topic("benefit_activities", f"{row.name}\n{ctx.project}") or "default"
        yield row_hit(
            row,
            None,
            {"why": why, "benefit": benefit},
            fix=fixes.benefit_fix(ctx, row, why == "restated"),
            category=row.sub or "效益",
            other_no=output.idx + 1 if output else "",
            other_name=output.name if output else "",
            target=row_target(ctx, row),
        )
