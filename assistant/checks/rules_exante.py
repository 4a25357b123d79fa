"""可行性 rule EX_ANTE_MISSING: a new project at or above the 事前绩效评估 threshold with no assessment on
file (formats.md §6; 中发〔2018〕34号 第（四）项).

"On file" is what the submission's `ex_ante` block says (`assessed`); the service records assessments
itself (assistant/exante.py). The threshold is the caller's (settings `exante_min_budget_wan`), passed as
`ex_ante_min_yuan`; without one the product default applies. A submission with no `ex_ante` block, or a
continuing (延续) project, is never flagged: the rule does not guess which projects are new.
"""

from __future__ import annotations

from collections.abc import Iterator

from assistant.checks.context import SubmissionContext
from assistant.checks.cost_standard import fmt
from assistant.checks.registry import Hit, field_hit, rule
from core.models import ex_ante_of

DEFAULT_MIN_YUAN = 1_000_000.0  # 100万元: settings.exante_min_budget_wan's default


@rule("F01")
def check_ex_ante_missing(ctx: SubmissionContext) -> Iterator[Hit]:
    block = ex_ante_of(ctx.sub)
    if block is None or not block.is_new or block.assessed or ctx.budget is None:
        return
    threshold = DEFAULT_MIN_YUAN if ctx.ex_ante_min_yuan is None else ctx.ex_ante_min_yuan
    if ctx.budget < threshold:
        return
    missing = [
        key
        for key, text in (("basis", block.basis), ("plan", block.plan), ("funding", block.funding))
        if not text
    ]
    yield field_hit(
        "ex_ante",
        {
            "state": "not_assessed" if block.assessed is False else "unknown",
            "missing": "some" if missing else "default",
        },
        budget=f"{fmt(ctx.budget / 1e4)}万元",
        threshold=f"{fmt(threshold / 1e4)}万元",
        items="、".join({"basis": "立项依据", "plan": "实施方案", "funding": "筹资方式"}[k] for k in missing),
    )
