"""适当性 rule COST_OVER_STANDARD: a unit cost above the bureau's 支出标准 (formats.md §5).

The comparison itself (which standard, units like for like, the implied unit cost, the 核减 arithmetic) is
cost_standard.py's; this rule reports each ceiling (上限) exceeded, with `saving_yuan` on the finding. A 参考
standard, or a cost within its standard, is no finding: the engine reports it beside the row
(CheckResult.cost_checks).
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks.context import SubmissionContext
from assistant.checks.cost_standard import compare_costs, fmt
from assistant.checks.registry import Hit, field_hit, row_hit, rule


@rule("A06")
def check_cost_over_standard(ctx: SubmissionContext) -> Iterator[Hit]:
    rows = {r.idx: r for r in ctx.rows}
    for check in compare_costs(ctx):
        if check.verdict != "over":
            continue
        if check.saving_yuan is None:
            cut = "no_quantity"
        else:
            cut = "saving" if check.adjusted_budget_yuan is not None else "saving_only"
        params: dict[str, object] = {
            "cost": f"{fmt(check.unit_cost)}{check.standard_unit}",
            "item": check.item,
            "standard": fmt(check.standard_value),
            "unit": check.standard_unit,
            "basis": check.basis or "—",
            "excess_share": f"{check.unit_cost / check.standard_value - 1:.1%}",
            "steps": "；".join(f"{'①②③④⑤'[n]}{step}" for n, step in enumerate(check.steps)),
            "saving": fmt(check.saving_yuan or 0.0, 0),
            "adjusted": fmt(check.adjusted_budget_yuan or 0.0, 0),
            "qty_unit": check.standard_unit.partition("/")[2].split("·")[0],
        }
        if check.saving_yuan is not None:
            params["saving_yuan"] = round(check.saving_yuan, 2)
        row = rows.get(check.indicator) if check.indicator is not None else None
        if row is not None:
            yield row_hit(
                row,
                "value",
                {"subject": "row", "cut": cut, "suggestion": "row"},
                core=row.name_core,
                **params,
            )
        else:
            yield field_hit(
                "budget_yuan", {"subject": "implied", "cut": cut, "suggestion": "implied"}, **params
            )
