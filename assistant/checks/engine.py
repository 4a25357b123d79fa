"""The check engine: runs every catalog rule over a submission and returns typed, cited findings.

Rule functions live in rules_*.py and yield `Hit`s (where and with which words); the engine turns
them into `Finding`s with the catalog's severity, dimension, templates and citations, resolves the
labelling conventions between competing codes, and grades the result.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from assistant.checks.catalog import Catalog, load_catalog
from assistant.checks.context import RowView, SubmissionContext, build_context
from assistant.models import CheckResult, Finding, Location, Submission


@dataclass(frozen=True)
class Hit:
    """One rule firing: where, and the words its templates need."""

    rule_id: str
    location: Location
    params: dict[str, str] = field(default_factory=dict)


RuleFunc = Callable[[SubmissionContext], Iterable[Hit]]


def row_hit(rule_id: str, row: RowView, cell: str | None = None, **params: str) -> Hit:
    """A hit on an indicator row; the row's own words are always available to the templates."""
    base = {
        "row": row.label,
        "name": row.name,
        "value": row.shown_value,
        "unit": row.unit,
        "op": row.op or "",
    }
    base.update(params)
    return Hit(rule_id, Location(indicator=row.idx, cell=cell), base)


def field_hit(rule_id: str, field_name: str, **params: str) -> Hit:
    return Hit(rule_id, Location(field=field_name), dict(params))


@lru_cache(maxsize=1)
def rule_functions() -> dict[str, RuleFunc]:
    """Every rule id -> its check function; each rules module contributes a RULES table."""
    from assistant.checks import (
        rules_budget,
        rules_completeness,
        rules_outputs,
        rules_relevance,
        rules_targets,
        rules_values,
    )

    table: dict[str, RuleFunc] = {}
    for module in (
        rules_completeness,
        rules_relevance,
        rules_outputs,
        rules_values,
        rules_targets,
        rules_budget,
    ):
        table.update(module.RULES)
    return table


def _finding(hit: Hit, catalog: Catalog, ctx: SubmissionContext) -> Finding:
    rule = catalog.rule(hit.rule_id)
    params = {"project": ctx.project or "（未填写）", "cite": catalog.cite_text(rule), **hit.params}
    return Finding(
        rule_id=rule.id,
        code=rule.code,
        severity=rule.severity,
        dimension=rule.dimension,
        location=hit.location,
        message=rule.message.format_map(params),
        suggestion=rule.suggestion.format_map(params),
        citations=catalog.citations(rule),
    )


def _resolve_conflicts(hits: list[Hit], catalog: Catalog) -> list[Hit]:
    """A template placeholder in a row says it all (formats.md labelling convention): drop the rest there.

    Also keep one hit per (rule, location).
    """
    placeholder_rows = {
        h.location.indicator
        for h in hits
        if catalog.rule(h.rule_id).code == "TEMPLATE_PLACEHOLDER" and h.location.indicator is not None
    }
    seen: set[tuple[str, str | None, int | None]] = set()
    kept: list[Hit] = []
    for h in hits:
        code = catalog.rule(h.rule_id).code
        if h.location.indicator in placeholder_rows and code != "TEMPLATE_PLACEHOLDER":
            continue
        key = (h.rule_id, h.location.field, h.location.indicator)
        if key in seen:
            continue
        seen.add(key)
        kept.append(h)
    return kept


def _order_key(hit: Hit, rule_order: dict[str, int]) -> tuple[int, int, int]:
    idx = hit.location.indicator
    return (0 if idx is None else 1, idx or 0, rule_order[hit.rule_id])


def find_issues(sub: Submission, catalog: Catalog | None = None) -> list[Finding]:
    """All findings for one submission, submission-level first, then by row, in catalog order."""
    cat = catalog or load_catalog()
    ctx = build_context(sub)
    functions = rule_functions()
    hits: list[Hit] = []
    for rule in cat.rules:
        hits.extend(functions[rule.id](ctx))
    rule_order = {r.id: n for n, r in enumerate(cat.rules)}
    hits = sorted(_resolve_conflicts(hits, cat), key=lambda h: _order_key(h, rule_order))
    return [_finding(h, cat, ctx) for h in hits]


def check_submission(sub: Submission) -> CheckResult:
    """Precheck one submission: findings decided by the rules, and the grade they imply."""
    from assistant.checks.grading import grade_findings

    findings = find_issues(sub)
    grade, consequence = grade_findings(findings)
    return CheckResult(
        id=sub.id,
        project=sub.project,
        grade=grade,
        grade_consequence=consequence,
        findings=findings,
        source=sub.source,
    )


def check_submissions(subs: Iterable[Submission]) -> list[CheckResult]:
    """Precheck many submissions, in input order."""
    return [check_submission(s) for s in subs]
