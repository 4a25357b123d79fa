"""Which projects of a round are 在审核范围: the bureau's amount threshold, project kinds and units.

常宁市 reviews the targets of every project of 50万元 or more (DESIGN.md §1); a round may also be limited
to some project kinds (新增项目, 政府购买服务 …) or some units. A project outside the scope is, by default,
still listed in the 汇总表, graded for reference and marked 不在审核范围 ("list"): a project split to stay
just under the threshold, or a budget typed in 元 where 万元 was meant, stays in sight. "skip" leaves such
projects out of the 汇总表 and the opinions (they are listed on a sheet of their own).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from core.models import Submission
from core.normalize import number_to_text

OutOfScope = Literal["list", "skip"]


def split_words(text: str | None) -> tuple[str, ...]:
    """'新增项目，政府购买服务、延续' -> ('新增项目', '政府购买服务', '延续')."""
    return tuple(w.strip() for w in re.split(r"[,，、;；\s]+", text or "") if w.strip())


@dataclass(frozen=True)
class ScopeRules:
    min_budget_wan: float = 50.0  # 0: no threshold
    kinds: tuple[str, ...] = ()  # words matched inside 项目属性 or the 事前评估 project kind; empty: all
    units: tuple[str, ...] = ()  # words matched inside 单位 or 主管部门; empty: all
    out_of_scope: OutOfScope = "list"

    def reason(self, sub: Submission) -> str | None:
        """Why the project is not in scope (Chinese), or None when it is."""
        budget = sub.budget_yuan
        if self.min_budget_wan > 0 and budget is not None and budget < self.min_budget_wan * 10000:
            return (
                f"预算{number_to_text(round(budget / 10000, 4))}万元，"
                f"低于审核起点{number_to_text(self.min_budget_wan)}万元"
            )
        if self.units:
            names = " ".join(x for x in (sub.unit, sub.department) if x)
            if not any(u in names for u in self.units):
                return f"单位不在本轮审核范围（{'、'.join(self.units)}）"
        if self.kinds:
            kinds = " ".join(x for x in (sub.project_type, _ex_ante_kind(sub)) if x)
            if kinds and not any(k in kinds for k in self.kinds):
                return f"项目类型“{kinds}”不在本轮审核范围（{'、'.join(self.kinds)}）"
        return None

    def note(self, sub: Submission) -> str | None:
        """What the scope rules could not decide (shown beside the row, the project stays in scope)."""
        if self.min_budget_wan > 0 and sub.budget_yuan is None:
            return "未填预算金额，无法判断是否达到审核起点"
        if self.kinds and not (sub.project_type or _ex_ante_kind(sub)):
            return "未填项目类型，按在审核范围内处理"
        return None

    def describe(self) -> dict[str, object]:
        return {
            "min_budget_wan": self.min_budget_wan,
            "kinds": list(self.kinds),
            "units": list(self.units),
            "out_of_scope": self.out_of_scope,
        }


def _ex_ante_kind(sub: Submission) -> str | None:
    ex_ante = getattr(sub, "ex_ante", None)
    if isinstance(ex_ante, dict):
        kind = ex_ante.get("project_kind")
        return str(kind) if kind else None
    return None
