"""The check engine: runs every catalog rule over a submission and returns typed, cited findings.

Rule functions live in rules_*.py, each marked `@rule("ID")` (registry.py), and yield `Hit`s (where, which
template cases, which data); the engine turns them into `Finding`s with the catalog's severity, dimension,
templates and citations, resolves the labelling conventions between competing codes, and grades the result.
A rule that raises on one submission costs only that submission: it gets an `error` naming the rule, the
others are still checked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping

from assistant.checks import (
    rules_budget,
    rules_completeness,
    rules_cost_standard,
    rules_exante,
    rules_outputs,
    rules_relevance,
    rules_targets,
    rules_values,
)
from assistant.checks.catalog import Catalog, Rule, load_catalog
from assistant.checks.context import SubmissionContext, build_context
from assistant.checks.cost_standard import compare_costs
from assistant.checks.fixes import NO_FIXES, Draft
from assistant.checks.fixplan import describe, plan_fixes, suggestion_case
from assistant.checks.grading import GradingConfig, grade_findings, load_grading
from assistant.checks.registry import Hit, RuleFunc, collect_rules
from assistant.models import CheckResult, Finding, Fix, Submission
from core.models import Standard

log = logging.getLogger(__name__)

RULE_MODULES = (
    rules_completeness,
    rules_relevance,
    rules_outputs,
    rules_values,
    rules_targets,
    rules_budget,
    rules_cost_standard,
    rules_exante,
)
# rule id -> its check function, built once from the @rule marks (read-only)
RULE_FUNCTIONS: Mapping[str, RuleFunc] = collect_rules(RULE_MODULES)


class RuleFailure(Exception):
    """A rule raised (or its hit could not be rendered) on one submission."""

    def __init__(self, rule_id: str | None, cause: BaseException) -> None:
        super().__init__(f"{rule_id or 'context'}: {type(cause).__name__}: {cause}")
        self.rule_id = rule_id
        self.cause = cause


def rule_functions() -> Mapping[str, RuleFunc]:
    return RULE_FUNCTIONS


def _finding(rule: Rule, hit: Hit, catalog: Catalog, ctx: SubmissionContext, fix: Fix | None) -> Finding:
    """The finding of a hit; with an agreed fix, its suggestion is the `fix_*` case that words that fix."""
    params = {"project": ctx.project or "（未填写）", "cite": catalog.cite_text(rule), **hit.params}
    texts = rule.render(hit.cases, params)
    if isinstance(fix, Draft):
        texts["suggestion"] = catalog.fix_text(suggestion_case(rule.code, fix), describe(ctx, fix))
    return Finding(
        rule_id=rule.id,
        code=rule.code,
        severity=rule.severity,
        dimension=rule.dimension,
        location=hit.location,
        message=texts["message"],
        suggestion=texts["suggestion"],
        citations=catalog.citations(rule),
        fix=fix.public(ctx) if isinstance(fix, Draft) else fix,
        saving_yuan=hit.saving_yuan,
    )


_CATEGORY_CODES = frozenset({"OUTPUT_AS_BENEFIT", "IRRELEVANT"})


def _resolve_conflicts(hits: list[tuple[Rule, Hit]]) -> list[tuple[Rule, Hit]]:
    """A template placeholder in a row says it all (formats.md labelling convention): drop the rest there.

    Also keep one hit per (rule, location).
    """
    placeholders = [
        h for r, h in hits if r.code == "TEMPLATE_PLACEHOLDER" and h.location.indicator is not None
    ]
    placeholder_rows = {h.location.indicator for h in placeholders if h.location.cell != "name"}
    # a placeholder in the name only ((≥**人)) marks a row the template prescribes, category and all: the
    # row is still judged (a duplicate count), but not for the category the template put it in
    template_rows = {h.location.indicator for h in placeholders if h.location.cell == "name"}
    seen: set[tuple[str, str | None, int | None]] = set()
    kept: list[tuple[Rule, Hit]] = []
    for r, h in hits:
        if h.location.indicator in placeholder_rows and r.code != "TEMPLATE_PLACEHOLDER":
            continue
        if h.location.indicator in template_rows and r.code in _CATEGORY_CODES:
            continue
        key = (r.id, h.location.field, h.location.indicator)
        if key in seen:
            continue
        seen.add(key)
        kept.append((r, h))
    return kept


def rule_hits(ctx: SubmissionContext, rule: Rule) -> list[Hit]:
    """One rule's hits on one submission; a rule the catalog names but no function implements is an error."""
    try:
        return list(RULE_FUNCTIONS[rule.id](ctx))
    except Exception as exc:  # noqa: BLE001 — one rule must not cost the whole batch
        raise RuleFailure(rule.id, exc) from exc


def _ordered_hits(ctx: SubmissionContext, cat: Catalog) -> list[tuple[Rule, Hit]]:
    """Every rule's hits, conflicts resolved, submission-level first, then by row, in catalog order."""
    hits: list[tuple[Rule, Hit]] = [(rule, h) for rule in cat.rules for h in rule_hits(ctx, rule)]
    rule_order = {r.id: n for n, r in enumerate(cat.rules)}

    def order(item: tuple[Rule, Hit]) -> tuple[int, int, int]:
        idx = item[1].location.indicator
        return (0 if idx is None else 1, idx or 0, rule_order[item[0].id])

    return sorted(_resolve_conflicts(hits), key=order)


def _agreed_fixes(ctx: SubmissionContext, cat: Catalog, hits: list[tuple[Rule, Hit]]) -> list[Fix | None]:
    """The hits' fixes made to agree and checked by running the rules again on the fixed submission
    (fixplan.py); a failure there costs only the fixes, never the findings."""

    def recheck(fixed_sub: Submission) -> list[tuple[str, str, int | None, str | None]]:
        fixed = build_context(fixed_sub, standards=ctx.standards, ex_ante_min_yuan=ctx.ex_ante_min_yuan)
        fixed.memo[NO_FIXES] = True
        hits = _ordered_hits(fixed, cat)
        return [(r.code, r.severity.value, h.location.indicator, h.location.field) for r, h in hits]

    plan = [
        (r.code, h.location.indicator, h.location.field, h.fix if isinstance(h.fix, Draft) else None)
        for r, h in hits
    ]
    try:
        planned: list[Fix | None] = list(plan_fixes(ctx, plan, recheck))
    except Exception:  # noqa: BLE001 — the findings stand without fixes
        log.warning("fixes could not be planned for submission %s", ctx.sub.id, exc_info=True)
        planned = [None] * len(hits)
    # a plain Fix a rule wrote itself (not a fixes.py draft) reaches its finding unchanged
    given = [h.fix if h.fix is not None and not isinstance(h.fix, Draft) else None for _, h in hits]
    return [g or p for g, p in zip(given, planned, strict=True)]


def find_issues(
    sub: Submission,
    catalog: Catalog | None = None,
    *,
    standards: tuple[Standard, ...] = (),
    ex_ante_min_yuan: float | None = None,
) -> list[Finding]:
    """All findings for one submission, submission-level first, then by row, in catalog order, each with
    its agreed structured fix when its remedy is an edit of the table.

    Raises RuleFailure naming the rule when a rule (or the rendering of its hit) fails.
    """
    cat = catalog or load_catalog()
    try:
        ctx = build_context(sub, standards=standards, ex_ante_min_yuan=ex_ante_min_yuan)
    except Exception as exc:  # noqa: BLE001
        raise RuleFailure(None, exc) from exc
    hits = _ordered_hits(ctx, cat)
    fixes = _agreed_fixes(ctx, cat, hits)
    findings: list[Finding] = []
    for (rule, hit), fix in zip(hits, fixes, strict=True):
        try:
            findings.append(_finding(rule, hit, cat, ctx, fix))
        except Exception as exc:  # noqa: BLE001
            raise RuleFailure(rule.id, exc) from exc
    return findings


def _failure_text(failure: RuleFailure, catalog: Catalog) -> str:
    if failure.rule_id is None:
        return "读取本项目的指标表时出错，本项目未能完成预审，请核对表中内容后重新预审。"
    rule = catalog.by_id().get(failure.rule_id)
    title = f"“{rule.title}”" if rule else ""
    return (
        f"规则 {failure.rule_id}{title}检查本项目时出错，本项目未能完成预审；"
        "其余项目不受影响，请将本项目转人工审核并报告此错误。"
    )


def check_submission(
    sub: Submission,
    *,
    grading: GradingConfig | None = None,
    catalog: Catalog | None = None,
    standards: Iterable[Standard] | None = None,
    ex_ante_min_yuan: float | None = None,
) -> CheckResult:
    """Precheck one submission: findings decided by the rules, and the grade they imply.

    `grading` and `catalog` default to the packaged ones; callers with their own settings pass them in.
    `standards` (the bureau's 支出标准, formats.md §5) turn on the unit-cost comparison (COST_OVER_STANDARD
    and `cost_checks`); `ex_ante_min_yuan` is the 事前绩效评估 threshold of EX_ANTE_MISSING. Nothing is read
    from settings or a global library: without standards no cost is compared.
    A rule that fails gives a result with `error` (Chinese, naming the rule), no grade and no findings.
    """
    cat = catalog or load_catalog()
    library = tuple(standards or ())
    try:
        findings = find_issues(sub, cat, standards=library, ex_ante_min_yuan=ex_ante_min_yuan)
        cost_checks = compare_costs(build_context(sub, standards=library)) if library else []
    except RuleFailure as failure:
        log.error(
            "precheck rule %s failed on submission %s: %s",
            failure.rule_id or "(context)",
            sub.id,
            failure,
            exc_info=failure.cause,
        )
        return CheckResult(
            id=sub.id, project=sub.project, source=sub.source, error=_failure_text(failure, cat)
        )
    grade, consequence = grade_findings(findings, grading or load_grading())
    return CheckResult(
        id=sub.id,
        project=sub.project,
        grade=grade,
        grade_consequence=consequence,
        findings=findings,
        source=sub.source,
        cost_checks=cost_checks,
    )


def check_submissions(
    subs: Iterable[Submission],
    *,
    grading: GradingConfig | None = None,
    catalog: Catalog | None = None,
    standards: Iterable[Standard] | None = None,
    ex_ante_min_yuan: float | None = None,
) -> list[CheckResult]:
    """Precheck many submissions, in input order; one failing submission never stops the others."""
    library = tuple(standards or ())
    return [
        check_submission(
            s, grading=grading, catalog=catalog, standards=library, ex_ante_min_yuan=ex_ante_min_yuan
        )
        for s in subs
    ]
