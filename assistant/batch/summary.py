"""Counts of a round, the same numbers the 汇总表 shows: by grade, by defect code, by unit.

`total` is the number of rows of the 汇总表; `by_grade` counts the grades written there (projects listed as
不在审核范围 are graded for reference and counted, with their own `in_scope_by_grade` beside); `by_code`
counts projects (not findings) per defect code; `by_unit` lists units in first-seen order.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from assistant.batch.phrases import code_phrase
from assistant.batch.rows import BatchRow
from assistant.batch.scope import ScopeRules
from assistant.models import Grade, Severity

GRADES = [g.value for g in Grade]
FAIR_POOR = (Grade.fair, Grade.poor)


@dataclass
class UnitStats:
    unit: str
    total: int = 0
    in_scope: int = 0
    by_grade: dict[str, int] = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    errors: int = 0
    out_of_scope: int = 0
    budget_wan: float = 0.0
    fair_poor_budget_wan: float = 0.0

    @property
    def checked(self) -> int:
        return sum(self.by_grade.values())

    @property
    def fair_poor(self) -> int:
        return self.by_grade["中"] + self.by_grade["差"]

    @property
    def fair_poor_share(self) -> float:
        return round(self.fair_poor / self.checked, 4) if self.checked else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "total": self.total,
            "in_scope": self.in_scope,
            "by_grade": dict(self.by_grade),
            "errors": self.errors,
            "out_of_scope": self.out_of_scope,
            "budget_wan": round(self.budget_wan, 4),
            "fair_poor_share": self.fair_poor_share,
        }


@dataclass
class CodeStats:
    code: str
    phrase: str
    dimension: str
    projects: int = 0
    findings: int = 0


def unit_stats(rows: list[BatchRow]) -> list[UnitStats]:
    units: dict[str, UnitStats] = {}
    for row in rows:
        stats = units.setdefault(row.unit, UnitStats(row.unit))
        stats.total += 1
        stats.budget_wan += row.budget_wan or 0.0
        if row.out_of_scope:
            stats.out_of_scope += 1
        elif row.submission is not None:
            stats.in_scope += 1
        if row.grade is not None:
            stats.by_grade[row.grade.value] += 1
            if row.grade in FAIR_POOR:
                stats.fair_poor_budget_wan += row.budget_wan or 0.0
        else:
            stats.errors += 1
    return list(units.values())


def code_stats(rows: list[BatchRow], titles: dict[str, str] | None = None) -> list[CodeStats]:
    """Per defect code: projects having it and findings, most projects first (ties: catalog order)."""
    stats: dict[str, CodeStats] = {}
    for row in rows:
        graded = row.graded
        if graded is None:
            continue
        seen: set[str] = set()
        for f in graded.findings:
            item = stats.setdefault(
                f.code,
                CodeStats(f.code, code_phrase(f.code, (titles or {}).get(f.rule_id)), f.dimension.value),
            )
            item.findings += 1
            if f.code not in seen:
                item.projects += 1
                seen.add(f.code)
    order = {code: n for n, code in enumerate(stats)}
    return sorted(stats.values(), key=lambda s: (-s.projects, order[s.code]))


def summarize(
    rows: list[BatchRow],
    scope: ScopeRules,
    skipped: list[BatchRow] | None = None,
    titles: dict[str, str] | None = None,
) -> dict[str, Any]:
    """summary.json (DESIGN.md §7): {"total", "by_grade", "by_code", "by_unit", …}."""
    by_grade = dict.fromkeys(GRADES, 0)
    in_scope_by_grade = dict.fromkeys(GRADES, 0)
    budget_by_grade = dict.fromkeys(GRADES, 0.0)
    for row in rows:
        if row.grade is None:
            continue
        by_grade[row.grade.value] += 1
        budget_by_grade[row.grade.value] += row.budget_wan or 0.0
        if not row.out_of_scope:
            in_scope_by_grade[row.grade.value] += 1
    codes = code_stats(rows, titles)
    return {
        "total": len(rows),
        "checked": sum(by_grade.values()),
        "errors": sum(1 for r in rows if r.grade is None),
        "out_of_scope": sum(1 for r in rows if r.out_of_scope),
        "skipped": len(skipped or []),
        "by_grade": by_grade,
        "in_scope_by_grade": in_scope_by_grade,
        "by_code": {c.code: c.projects for c in codes},
        "by_unit": [u.as_dict() for u in unit_stats(rows)],
        "budget_wan": {
            "total": round(sum(r.budget_wan or 0.0 for r in rows), 4),
            "by_grade": {g: round(v, 4) for g, v in budget_by_grade.items()},
        },
        "findings": {
            "error": sum(r.count(Severity.error) for r in rows),
            "warning": sum(r.count(Severity.warning) for r in rows),
        },
        "scope": scope.describe(),
        "skipped_items": [
            {"file": r.file, "unit": r.unit, "project": r.project, "reason": r.out_of_scope}
            for r in skipped or []
        ],
    }
