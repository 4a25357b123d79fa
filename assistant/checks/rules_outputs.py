"""MISSING_CORE_OUTPUT: the main output the goal (or, when the goal gives no quantity, the project title)
promises has no quantity indicator. Which goal quantities the rows cover is read in coverage.py."""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks import fixes
from assistant.checks.context import SubmissionContext, countable
from assistant.checks.coverage import indicator_name, output_units, uncovered_goal_outputs
from assistant.checks.goaltext import goal_quantities
from assistant.checks.registry import Hit, field_hit, rule
from assistant.checks.text import PAREN, strip_year
from assistant.checks.units import fmt_number


def _counts_outputs(ctx: SubmissionContext) -> bool:
    """Whether any output (or level-less) row counts something other than money."""
    scope_row = ctx.lex.pattern("scope_row")
    return any(
        countable(r) and not scope_row.search(r.name_core)
        for r in ctx.rows
        if r.level1 in ("产出", None) and r.sub in ("数量", "质量", None)
    )


def _title_output(ctx: SubmissionContext) -> Hit | None:
    """Fallback when the goal states no quantity: the title's output noun, if no row counts any output."""
    title = strip_year(PAREN.sub("", ctx.project)).strip()
    if not ctx.rows or _counts_outputs(ctx):
        return None
    found = ctx.lex.topic_match("title_outputs", title)
    if found is None:
        return None
    case, m = found
    subject = title[: m.start()] + title[m.end() :] + m.group(1)
    money_rows = [r for r in ctx.rows if r.sub == "数量" and r.money is not None]
    return field_hit(
        "indicators",
        {
            "source": "title",
            "output": case,
            "suggestion": case,
            "note": "money_rows" if money_rows else "default",
        },
        fix=fixes.missing_output_fix(ctx, None),
        title=title,
        subject=subject,
        money_row=money_rows[0].name_core if money_rows else "",
    )


@rule("R01")
def check_missing_core_output(ctx: SubmissionContext) -> Iterator[Hit]:
    if ctx.unidentifiable or not ctx.goal:
        return
    if not goal_quantities(ctx, output_units(ctx)):
        hit = _title_output(ctx)
        if hit:
            yield hit
        return
    missing = uncovered_goal_outputs(ctx)
    if not missing:
        return
    yield field_hit(
        "indicators",
        fix=fixes.missing_output_fix(ctx, missing),
        listed="、".join(f"{q.subject}{fmt_number(q.number)}{q.unit}" for q in missing[:4]),
        rows="；".join(f"{indicator_name(ctx, q)} ≥ {fmt_number(q.number)}{q.unit}" for q in missing[:4]),
    )
