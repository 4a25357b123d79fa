"""相关性 rules about a row's value and unit: vague values, vague deadlines, missing or wrong units,
percentages on things that are not rates, values that contradict the name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks import fixes
from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.goaltext import goal_deadline
from assistant.checks.kinds import HOUSEHOLDS, PEOPLE, base_unit, declared_per, unit_misfit
from assistant.checks.registry import Hit, row_hit, rule
from assistant.checks.text import (
    CLAUSE_SPLIT,
    PAREN_TEXT,
    SCALED_NUMBER,
    SCALES,
    bigrams,
    strip_year,
    subject_of,
)
from assistant.checks.units import fmt_number


def object_of(ctx: SubmissionContext, row: RowView) -> str:
    """What a quality row is about: 养护质量 in 农村公路养护 -> 农村公路养护; 路面工程质量 -> 路面工程."""
    obj = ctx.lex.pattern("quality_tail").sub("", row.name_core)
    project = ctx.project_object
    if len(obj) <= 2 and (not obj or obj in project):
        return project
    return obj


def is_quality_row(ctx: SubmissionContext, row: RowView) -> bool:
    return row.sub == "质量" or bool(ctx.lex.pattern("quality_name").search(row.name_core))


def _target_value(row: RowView) -> str:
    return fmt_number(row.value_num) if row.value_num is not None else row.value


# ---------------------------------------------------------------- VAGUE_VALUE
def vague_reason(ctx: SubmissionContext, row: RowView) -> tuple[str, dict[str, str]] | None:
    """(V03 `why` case, its params) when a (non-cost, non-deadline) value is not measurable, else None."""
    lex, v = ctx.lex, row.value
    if not v:
        return ("empty", {}) if row.op != "定性" or row.name else None
    if row.value_num is not None or lex.pattern("date").search(v):
        return None
    if lex.pattern("scale").search(v):
        return "scale", {"raw": v}
    if lex.pattern("qualitative_standard").search(v):
        return None
    if lex.pattern("yes_no_name").search(row.name) and v in ("是", "否"):
        return None  # 工程是否通过竣工验收：是 — a decidable yes/no target
    if (v in lex.words("pass_words") and lex.pattern("named_standard").search(row.name)) or (
        v in lex.words("grade_words") and lex.pattern("grading_name").search(row.name)
    ):
        return None  # 工程质量等级：合格 / 考核等次：优秀 — judged against the named standard
    if v in lex.words("bare_values") or lex.pattern("slogan_value").search(v):
        return "bare", {}
    m = lex.any("vague_words").search(v)
    if m:
        return "vague", {"word": m.group(0)}
    if lex.pattern("absence").search(v):
        return None
    if len(v) >= 8:
        return "sentence", {}
    if row.sub == "数量" and not re.search(r"\d", v):
        return "no_count", {}  # 孤儿助学人数 = 应助尽助, 宣传 = 全覆盖: a count row with no number
    if row.level1 == "效益" and not re.search(r"\d", v) and v not in lex.words("absence_values"):
        # 整洁有序, 稳定运行, 正面支撑, 长期: a benefit stated in words with no number, standard or yes/no
        # question cannot be judged at year end (不发生 / 杜绝 an event can)
        return "qualitative", {}
    return None


def _goal_clause_for(ctx: SubmissionContext, row: RowView) -> str | None:
    """A goal clause with a number about the same subject (the goal often holds the measurable value)."""
    topic = bigrams(subject_of(row.name_core))
    money = ctx.lex.any("goal_money_words")
    for clause in CLAUSE_SPLIT.split(ctx.goal):
        if re.search(r"\d", clause) and topic & bigrams(clause) and not money.search(clause):
            return strip_year(clause).strip()
    return None


@rule("V03")
def check_vague_values(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        if row.is_cost or row.is_time or row.is_na:
            continue
        found = vague_reason(ctx, row)
        if found is None:
            continue
        why, why_params = found
        quality = is_quality_row(ctx, row) and "满意" not in row.name_core
        clause = _goal_clause_for(ctx, row)
        # a quality row needs a quality measure and a benefit row a change, never the project's output count
        fits = (
            lex.pattern("quality_clause")
            if quality
            else lex.pattern("change_clause")
            if row.level1 == "效益"
            else None
        )
        if clause and (fits is None or fits.search(clause)):
            suggestion = "goal_clause"
        elif quality:  # a quality row needs a quality measure of its object, never the project's quantity
            suggestion = lex.topic("quality", ctx.project + row.name_core) or "quality_default"
        else:
            suggestion = lex.topic("vague_value", row.name_core + ctx.project) or "default"
        yield row_hit(
            row,
            "value",
            {"why": why, "suggestion": suggestion},
            fix=fixes.vague_fix(ctx, row, clause, quality),
            core=row.name_core,
            clause=clause or "",
            subject=subject_of(row.name_core),
            object=object_of(ctx, row),
            **why_params,
        )


# ---------------------------------------------------------------- TIMELINESS_VAGUE (V07, V07b)
def _deadline_hit(ctx: SubmissionContext, row: RowView, cases: dict[str, str]) -> Hit:
    """A hit on a 时效 row whose suggestion is a concrete deadline: pay by the 10th of each month, a service
    time limit, the goal's own deadline, or the year's end with a date."""
    deadline = goal_deadline(ctx)
    if "发放" in row.name or (ctx.lex.any("wage_words").search(ctx.project) and "时间" in row.name):
        suggestion = "monthly_pay"
    elif ctx.lex.any("service_time_words").search(row.name):
        suggestion = "service"
    elif deadline:
        suggestion = "goal_deadline"
    else:
        suggestion = "default"
    return row_hit(
        row,
        "value",
        {**cases, "suggestion": suggestion},
        fix=fixes.time_fix(ctx, row),
        raw=row.value,
        core=row.name_core,
        deadline=deadline or "",
        year=ctx.sub.year or "本",
    )


@rule("V07")
def check_timeliness(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        if not row.is_time or row.is_na or row.value_num is not None or lex.pattern("date").search(row.value):
            continue
        if lex.pattern("time_concrete").search(row.value):
            continue
        yield _deadline_hit(ctx, row, {"written": "default" if row.value else "empty"})


@rule("V07b")
def check_budget_year_only(ctx: SubmissionContext) -> Iterator[Hit]:
    """A 时效 row that only restates the budget year (全年, 1-12月, 2023年度, 年底前): nothing to check."""
    year_only = ctx.lex.pattern("budget_year_only")
    for row in ctx.rows:
        if row.is_time and not row.is_na and year_only.match(row.value.replace(" ", "")):
            yield _deadline_hit(ctx, row, {})


@rule("V07c")
def check_rate_without_deadline(ctx: SubmissionContext) -> Iterator[Hit]:
    """A rate on a 时效 row (及时率, 按期完工率, 应急保障率) when no deadline or schedule is stated anywhere
    (the row's name and basis, the goal, the other 时效 rows): “及时” cannot be checked."""
    lex = ctx.lex
    stated = lex.pattern("deadline_stated")
    year_only = lex.pattern("budget_year_only")
    sources = [ctx.goal] + [
        r.value for r in ctx.rows if r.is_time and not year_only.match(r.value.replace(" ", ""))
    ]
    if any(stated.search(text) for text in sources):
        return
    for row in ctx.rows:
        if not row.is_time or row.is_na or row.value_num is None:
            continue
        if not (row.is_percent or (row.is_rate_name and not row.unit)):
            continue  # 响应时间 ≤ 24小时 is itself a time limit
        if stated.search(row.name) or stated.search(row.ind.basis or ""):
            continue
        yield row_hit(
            row,
            "value",
            {"suggestion": "monthly_pay" if "发放" in row.name else "default"},
            fix=fixes.time_fix(ctx, row),
            core=row.name_core,
            target=row.shown_value,
            year=ctx.sub.year or "本",
        )


# ---------------------------------------------------------------- NO_UNIT / WRONG_UNIT
@rule("V02")
def check_no_unit(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.unit or row.value_num is None or row.op == "定性" or row.is_percent:
            continue
        if row.value_num == 0:
            continue  # 0 is 0 in any unit (变质比例 0, 事故 0)
        if ctx.lex.pattern("dimensionless_name").search(row.name_core):
            continue  # 灌溉水有效利用系数 ≥ 0.55, 技术状况指数 ≥ 80: a pure number has no unit
        if ctx.lex.pattern("placeholder").search(row.name):
            continue  # 享受补贴农户（≥**户）: the template's unfilled bracket is TEMPLATE_PLACEHOLDER only
        people = ctx.lex.ends("people_name_endings", "role_name_endings").search(row.name_core)
        unit = "%" if row.is_rate_name else ("人" if people else "")
        yield row_hit(
            row,
            "unit",
            {"suggestion": "default" if unit else "unknown"},
            fix=fixes.unit_fix(ctx, row),
            core=row.name_core,
            target_op=row.op or "≥",
            raw_value=row.value,
            fixed_unit=unit,
        )


def _money_denominator(ctx: SubmissionContext, row: RowView) -> str:
    topic = bigrams(ctx.lex.any("price_words").sub("", row.name_core))
    for other in ctx.rows:
        if other.sub == "数量" and other.unit and topic & bigrams(other.name_core) and not other.is_percent:
            return other.unit
    return "人·月" if ctx.lex.any("wage_words").search(row.name_core) else "单位"


def wrong_unit_reason(ctx: SubmissionContext, row: RowView) -> tuple[str, str, str] | None:
    """(V12 `why` case, fitting unit, per-unit word) when the unit does not fit what the row measures."""
    lex, unit = ctx.lex, row.unit
    if not unit or row.is_percent or row.value_num is None:
        return None
    base = base_unit(unit)  # 万户 counts 户
    raw_level2 = row.ind.level2 or ""
    if (
        row.is_cost
        and "元" not in unit
        and not lex.any("benefit_category_words").search(raw_level2)
        and lex.any("money_amount_words").search(row.name_core)
    ):
        return "cost_money", f"元/{_money_denominator(ctx, row)}", ""
    if lex.pattern("rate_name_end").search(row.name_core) and (
        base in lex.words("people_units") or base in lex.words("count_units")
    ):
        return "rate", "%", ""
    people = lex.ends("people_name_endings", "role_name_endings").search(row.name_core) or lex.pattern(
        "staff_end"
    ).search(row.name_core)
    if people and base in lex.words("thing_units_for_people"):
        return "people", "人", ""
    per = declared_per(row.name_core)
    if row.per_unit is not None and per and row.per_unit.denominator:
        written = row.per_unit.denominator[0]
        other = HOUSEHOLDS if per == "人" else PEOPLE
        if written in other:
            return "per", unit.replace(f"/{written}", f"/{per}", 1), per
    kind = unit_misfit(row.name_core, unit)
    if kind is not None and not (kind.key == "money" and row.sub in ("社会效益", "生态效益")):
        return kind.key, ("" if kind.key == "time" else kind.fixed_unit), ""
    return None


@rule("V12")
def check_wrong_unit(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        found = wrong_unit_reason(ctx, row)
        if found:
            why, fixed, per = found
            yield row_hit(
                row,
                "unit",
                {"why": why, "suggestion": "time" if why == "time" else "default"},
                fix=fixes.wrong_unit_fix(ctx, row, why, fixed),
                core=row.name_core,
                target_op=row.op or "=",
                raw_value=row.value,
                fixed=fixed,
                per=per,
                year=ctx.sub.year or "本",
            )


# ---------------------------------------------------------------- PERCENT_WITHOUT_BASIS
@rule("V13")
def check_percent_without_basis(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        if row.is_cost or row.value_num is None:
            continue
        name = row.name_core
        # an abstract quality (学校发展能力, 长期使用性, 应急处突能力): a percentage on it has no numerator or
        # denominator whatever verb the name holds, and a bare 100 with no unit on it reads as 100%
        abstract = bool(lex.pattern("abstract_quality_end").search(name)) and not row.is_rate_name
        if not (row.is_percent or (abstract and not row.unit and row.value_num == 100)):
            continue
        strong = abstract and bool(lex.pattern("abstract_quality_strong_end").search(name))
        if (
            row.is_rate_name
            or (lex.any("change_words").search(name) and not abstract)
            or (lex.any("percent_ok_words").search(name) and not strong)  # 到课情况, 巩固水平 are shares
            or (name.endswith("性") and not abstract)
            or not name
        ):
            continue
        if (
            "完成" in row.value or "覆盖" in row.value
        ):  # 100%完成 / 100%覆盖 state a completion or coverage share
            continue
        if lex.pattern("formula").search(row.name):
            continue  # （防前数−防后数）/防前数×100%: the name gives its own basis
        yield row_hit(
            row,
            "value",
            {"suggestion": lex.topic("percent_basis", name) or "default"},
            fix=fixes.percent_fix(ctx, row),
            subject=subject_of(name),
            target_value=_target_value(row),
            project_name=ctx.project or "本项目",
        )


# ---------------------------------------------------------------- VALUE_NAME_CONFLICT (V11, V11a–d)
# A row gets at most one name conflict: the first of date, percentage, one-off, count, period that holds.
def _name_percent(ctx: SubmissionContext, row: RowView) -> tuple[str, str] | None:
    """(percentage the name promises, name without it): 竣工验收合格率100% -> ('100', '竣工验收合格率')."""
    in_brackets = ctx.lex.pattern("name_percent")
    m = in_brackets.search(row.name)
    if m:
        return m.group(1), in_brackets.sub("", row.name).strip()
    m = ctx.lex.pattern("name_tail_percent").search(row.name_core)
    if m:
        return m.group(3), row.name_core[: m.start()] + m.group(1)
    return None


def _name_count(ctx: SubmissionContext, row: RowView) -> str | None:
    """A count in the row's own unit that the name states at its end (覆盖全县18个乡镇 = 15 个,
    一月一场（每村全年12场） = 10 场/村·年), when the value says another number."""
    head = (row.unit or "").split("/")[0]
    if (
        row.value_num is None
        or row.is_percent
        or row.money is not None
        or row.per_unit is not None
        or not head
        or not re.fullmatch(r"[\u4e00-\u9fff]{1,2}", head)
        or head in ctx.lex.words("money_units")
    ):
        return None
    written = [(head, 1.0)] + [
        (other, float(factor)) for unit, other, factor in ctx.lex.table("convertible_units") if unit == head
    ]
    for text in [row.name_core, *PAREN_TEXT.findall(row.name)]:
        text = text.strip()
        if len(re.findall(r"\d+", text)) != 1:
            continue  # 大型1个、中型1个: a breakdown, not the target
        for unit, factor in written:
            m = re.search(rf"{SCALED_NUMBER}{re.escape(unit)}[\u4e00-\u9fff]{{0,4}}$", text)
            if m:
                stated = float(m.group(1)) * SCALES.get(m.group(2) or "", 1.0) * factor
                if abs(stated - row.value_num) > 1e-9:
                    return f"{m.group(1)}{m.group(2) or ''}{unit}"
    return None


def _period_conflict(ctx: SubmissionContext, row: RowView) -> tuple[int, str, str] | None:
    """(times a year the name implies, the period word, the payment verb) when a yearly count falls short."""
    disburse = ctx.lex.any("disburse_words").search(row.name)
    if row.value_num is None or not row.unit.startswith(("次", "批", "期")) or not disburse:
        return None  # 按月开展巡查 = 4次 may count per month: only payments are judged
    for word, per_year, shown in ctx.lex.table("period_words"):
        if word in row.name and row.value_num < per_year:
            return per_year, shown, disburse.group(0)
    return None


def _name_conflict(ctx: SubmissionContext, row: RowView) -> tuple[str, dict[str, object]] | None:
    """(rule id, params) of the value-name conflict a row shows, if any."""
    named_date = ctx.lex.pattern("name_deadline").search(row.name)
    value_date = ctx.lex.pattern("value_date").match(row.value or "")
    if named_date and value_date:
        month, day = int(named_date.group(1)), int(named_date.group(2))
        if (month, day) != (int(value_date.group(2)), int(value_date.group(3))):
            return "V11a", {
                "month": named_date.group(1),
                "day": named_date.group(2),
                "year": value_date.group(1),
                "mm": f"{month:02d}",
                "dd": f"{day:02d}",
            }
    if row.value_num is None:
        return None
    named = _name_percent(ctx, row)
    if named and row.is_percent and abs(float(named[0]) - row.value_num) > 1e-9:
        return "V11", {"target": named[0], "clean": named[1], "actual": fmt_number(row.value_num)}
    if "一次性" in row.name and row.unit.startswith("次") and row.value_num >= 2:
        return "V11b", {}
    stated = _name_count(ctx, row)
    if stated:
        return "V11c", {"stated": stated, "actual": fmt_number(row.value_num)}
    period = _period_conflict(ctx, row)
    if period:
        per_year, shown, act = period
        return "V11d", {"per_year": per_year, "period": shown, "act": act}
    return None


def _name_conflict_hits(ctx: SubmissionContext, rule_id: str) -> Iterator[Hit]:
    if "name_conflicts" not in ctx.memo:  # read once, shared by V11 and V11a–d
        ctx.memo["name_conflicts"] = [_name_conflict(ctx, row) for row in ctx.rows]
    for row, found in zip(ctx.rows, ctx.memo["name_conflicts"], strict=True):
        if found is None or found[0] != rule_id:
            continue
        params = found[1]
        cases = {}
        if rule_id == "V11d":
            monthly_pay = params["per_year"] == 12 and params["act"] == "发放"
            cases["deadline"] = "monthly_pay" if monthly_pay else "default"
        fix = _name_conflict_fix(ctx, row, rule_id, params)
        yield row_hit(row, "value", cases, fix=fix, core=row.name_core, **params)


def _name_conflict_fix(
    ctx: SubmissionContext, row: RowView, rule_id: str, params: dict
) -> fixes.Draft | None:
    """Name and value made to agree, in the way the conflict asks (fixes.py)."""
    if rule_id == "V11a":
        return fixes.name_date_fix(row, str(params["year"]), str(params["mm"]), str(params["dd"]))
    if rule_id == "V11":
        return fixes.name_percent_fix(row, str(params["clean"]), str(params["target"]), str(params["actual"]))
    if rule_id == "V11b":
        return fixes.one_off_fix(row)
    if rule_id == "V11c":
        return fixes.name_count_fix(ctx, row, str(params["stated"]))
    return fixes.period_fix(row, int(params["per_year"]), str(params["period"]), str(params["act"]))


@rule("V11")
def check_name_percent_conflict(ctx: SubmissionContext) -> Iterator[Hit]:
    """The name promises one percentage, the value another (竣工验收合格率100% = 98%)."""
    yield from _name_conflict_hits(ctx, "V11")


@rule("V11a")
def check_name_deadline_conflict(ctx: SubmissionContext) -> Iterator[Hit]:
    """The name sets a deadline (…6月30日前), the value another date."""
    yield from _name_conflict_hits(ctx, "V11a")


@rule("V11b")
def check_one_off_conflict(ctx: SubmissionContext) -> Iterator[Hit]:
    """The name says 一次性, the value counts several times."""
    yield from _name_conflict_hits(ctx, "V11b")


@rule("V11c")
def check_name_count_conflict(ctx: SubmissionContext) -> Iterator[Hit]:
    """The name states a count in the row's unit (覆盖全县18个乡镇), the value another number."""
    yield from _name_conflict_hits(ctx, "V11c")


@rule("V11d")
def check_period_conflict(ctx: SubmissionContext) -> Iterator[Hit]:
    """A payment 按月/按季… falls short of the times a year its period implies."""
    yield from _name_conflict_hits(ctx, "V11d")
