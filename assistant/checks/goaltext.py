"""Reading the annual goal: the quantities it promises, its deadlines, and a draft goal built from rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.text import CLAUSE_SPLIT, PAREN, is_cjk


@dataclass(frozen=True)
class GoalQuantity:
    phrase: str  # the clause as written, year prefix removed: 新建标准化茶园1500亩
    subject: str  # the object counted: 新建标准化茶园
    number: float  # with 万 applied
    unit: str
    bracketed: bool = False  # inside （…）: a gloss or breakdown of the clause (10万亩×3遍), not a promise


def has_measurable_content(ctx: SubmissionContext, text: str) -> bool:
    """A number (Arabic or a Chinese numeral with a measure word) that says what the money achieves.

    Years, eligibility ages, document numbers and the budget amount itself (年度目标：43.2) say nothing
    measurable about the result and are read past."""
    lex = ctx.lex
    text = lex.pattern("goal_number_not_content").sub("", text)
    # 残疾人两项补贴, 五保户, 一户一策, 八项规定: a numeral inside a policy's name counts nothing
    text = lex.any("numeral_names").sub("", lex.pattern("numeral_slogan").sub("", text))
    if ctx.budget:
        text = lex.pattern("goal_amount").sub(
            lambda m: "" if _is_budget(m, ctx.budget or 0.0) else m.group(0), text
        )
    return bool(lex.pattern("measurable").search(text))


def numbers_only(ctx: SubmissionContext, text: str) -> bool:
    """A goal written as a bare number (43.2): not a sentence at all."""
    return not any(is_cjk(c) for c in text)


def _is_budget(m: re.Match[str], budget: float) -> bool:
    """Whether an amount in the goal is the budget (a bare number is read in 元 and in 万元)."""
    number, unit = float(m.group(1)), m.group(2) or ""
    scales = {"亿元": (1e8,), "亿": (1e8,), "万元": (1e4,), "万": (1e4,), "元": (1.0,)}.get(unit, (1.0, 1e4))
    return any(abs(number * scale - budget) <= 0.01 * budget for scale in scales)


def goal_quantities(ctx: SubmissionContext, units: frozenset[str]) -> list[GoalQuantity]:
    """Output quantities the annual goal promises (cost statements such as 每人每月… are left out)."""
    lex = ctx.lex
    lead, cost_clause = lex.pattern("goal_clause_lead"), lex.pattern("cost_clause")
    bounds, connectors = tuple(lex.word_list("bound_words")), tuple(lex.word_list("subject_connectors"))
    # a time span (6个月 is not 6个) or percentage points are not a count of anything
    not_counts = tuple(p + t for t in lex.word_list("time_units") for p in ("", "个")) + lex.word_list(
        "point_units"
    )
    out: list[GoalQuantity] = []
    clauses = [
        part
        for c in CLAUSE_SPLIT.split(ctx.goal)
        if not c.strip().startswith(tuple(lex.word_list("breakdown_leads")))
        for part in c.split("、")
    ]
    for clause in clauses:
        clause = clause.strip()
        clause = lead.sub("", clause)
        if not clause or cost_clause.search(PAREN.sub("", clause)):
            continue  # a cost statement (每人每月…); a bracketed standard (每具补助…) only glosses an output
        for m in lex.pattern("goal_quantity").finditer(clause):
            unit = _match_unit(clause[m.start(3) : m.start(3) + 6], units, not_counts)
            if unit is None:
                continue
            before = lead.sub("", clause[: m.start()]).strip()
            after = clause[m.start() + len(m.group(1)) + len(m.group(2) or "") + len(unit) :].strip()
            after = re.split(r"\d", after)[0]
            if after.startswith("/"):
                continue  # 6000吨/日: a capacity or a rate, not a count of output
            if after.startswith(bounds):
                after = ""  # 亩产450公斤以上, 减少10人以上: the bound, not the thing counted
            subject = after if len(after) >= 2 and not after.startswith(connectors) else before
            if len(subject) < 2:
                continue
            number = float(m.group(1)) * (1e4 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1.0)
            depth = (
                clause[: m.start()].count("（")
                + clause[: m.start()].count("(")
                - clause[: m.start()].count("）")
                - clause[: m.start()].count(")")
            )
            out.append(
                GoalQuantity(phrase=clause, subject=subject, number=number, unit=unit, bracketed=depth > 0)
            )
    return out


def _match_unit(word: str, units: frozenset[str], not_counts: tuple[str, ...]) -> str | None:
    """The longest unit the word starts with; None for a time span or percentage points (`not_counts`)."""
    if word.startswith(not_counts):
        return None
    for n in range(len(word), 0, -1):
        if word[:n] in units:
            return word[:n]
    return None


def goal_deadline(ctx: SubmissionContext) -> str | None:
    """The first deadline written in the goal, as 2024年8月25日 (year from the submission when omitted)."""
    m = ctx.lex.pattern("deadline").search(ctx.goal)
    if not m:
        return None
    year = (
        m.group(1).strip().rstrip("年").strip() if m.group(1) else (str(ctx.sub.year) if ctx.sub.year else "")
    )
    return f"{year}年{m.group(2)}月{m.group(3)}日" if year else f"{m.group(2)}月{m.group(3)}日"


def _sound_for_goal(ctx: SubmissionContext, row: RowView) -> bool:
    """Rows fit to restate in a goal: counts, unit costs, dates, proper rates (not ≤100% or % on a slogan)."""
    if row.sub == "时效":
        return bool(ctx.lex.pattern("date").search(row.value)) or (
            row.value_num is not None and bool(row.unit)
        )
    if row.value_num is None or not row.unit:
        return False
    if row.sub == "成本":
        return row.per_unit is not None and row.op in ("≤", "=")
    if row.is_percent:
        return row.is_rate_name and row.op in ("≥", "=") and 0 < row.value_num <= 100
    return row.op in ("≥", "=", None) and row.value_num > 0


def row_target(ctx: SubmissionContext, row: RowView) -> str:
    """A row as a reviewer quotes it: 救助残疾儿童人数 ≥ 420人."""
    op = row.op if row.op in ("≥", "≤", "=", ">", "<") else ""
    unit = ctx.lex.table("shown_units").get(row.unit, row.unit)
    return f"{row.name_core} {op} {row.value}{unit}".replace("  ", " ").strip()


def goal_targets(ctx: SubmissionContext) -> list[str]:
    """The submission's own quantitative rows (one each of 数量, 成本, 时效, 质量) to restate in a goal."""
    picked: list[str] = []
    for wanted in ("数量", "成本", "时效", "质量"):
        row = next((r for r in ctx.rows if r.sub == wanted and _sound_for_goal(ctx, r)), None)
        if row is not None:
            picked.append(row_target(ctx, row))
    return picked
