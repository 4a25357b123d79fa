"""完整性 rules: project name, goal, first-level categories, satisfaction, cost, placeholders, weights."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks import fixes
from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.coverage import uncovered_goal_outputs
from assistant.checks.goaltext import goal_targets, has_measurable_content, numbers_only
from assistant.checks.registry import Hit, field_hit, row_hit, rule
from assistant.checks.text import SCALES
from assistant.checks.units import fmt_number, fmt_yuan
from core.models import Submission

PLACEHOLDER_NAME = "（指标名称）"


@rule("C00")
def check_project_identifiable(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.project:
        fix = fixes.project_name_fix(empty=True)
        yield field_hit("project", {"why": "empty", "suggestion": "empty"}, fix=fix)
        return
    m = ctx.lex.pattern("catch_all").search(ctx.project)
    if m:
        yield field_hit("project", fix=fixes.project_name_fix(empty=False), fragment=m.group(0))


def _goal_draft(ctx: SubmissionContext) -> tuple[dict[str, str], dict[str, str]]:
    """(cases, params) of the measurable goal assembled from the submission's own rows."""
    cases = {"year_text": "default" if ctx.sub.year else "none"}
    targets = goal_targets(ctx)
    if not targets:
        cases["suggestion"] = "generic"
    return cases, {"year": str(ctx.sub.year or ""), "targets": "，".join(targets)}


@rule("C01a")
def check_goal_missing(ctx: SubmissionContext) -> Iterator[Hit]:
    if ctx.goal:
        return
    cases, params = _goal_draft(ctx)
    if ctx.overall:
        cases["why"] = "overall_only"
    yield field_hit("annual_goal", cases, fix=fixes.goal(), **params)


@rule("C01b")
def check_goal_vague(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.goal or has_measurable_content(ctx, ctx.goal):
        return
    same_as_name = (
        ctx.project
        and (ctx.goal.strip("。 ") in ctx.project or ctx.project in ctx.goal)
        and len(ctx.goal) < 20
    )
    cases, params = _goal_draft(ctx)
    if same_as_name:
        cases["why"] = "same_as_name"
    elif numbers_only(ctx, ctx.goal):
        cases["why"] = "number_only"
    yield field_hit("annual_goal", cases, fix=fixes.goal(), goal=ctx.goal, **params)


@rule("C02")
def check_missing_level1(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.has_levels or not ctx.rows:
        return
    present = [c for c in ("成本", "产出", "效益", "满意度") if any(r.level1 == c for r in ctx.rows)]
    missing = [c for c in ("产出", "效益") if c not in present]
    if not missing:
        return
    cases = {"present": "default" if present else "none"}
    outputs = ""
    if "产出" in missing:
        targets = [
            f"{q.subject} ≥ {fmt_number(q.number)}{q.unit}"
            for q in uncovered_goal_outputs(ctx, all_goal=True)
        ]
        outputs = "；".join(targets[:4])
        cases["output"] = "default" if targets else "generic"
        cases["suggestion"] = "output_only" if "效益" not in missing else "default"
    else:
        cases["output"] = "none"
        cases["suggestion"] = "benefit_only"
    if "效益" not in missing:
        cases["benefit"] = "none"
    yield field_hit(
        "indicators",
        cases,
        fix=fixes.missing_level1_fix(ctx, missing),
        categories="、".join(f"{c}指标" for c in present),
        missing="、".join(missing),
        outputs=outputs,
    )


def _serves_people(ctx: SubmissionContext) -> str | None:
    """Who the project serves, read from its name and goal (None if it names no one)."""
    lex, text = ctx.lex, ctx.project_text
    people, studied = lex.any("people_name_endings").pattern, lex.pattern("studied")
    function_chars = "".join(lex.word_list("function_chars"))
    for m in re.finditer(r"([\u4e00-\u9fff]{0,2})(" + people + ")", text):
        if studied.match(text, m.end()):
            continue  # 人口抽样调查, 居民收入统计: people counted or studied, not served
        lead = m.group(1)
        return (lead if lead and lead not in function_chars else "") + m.group(2)
    # people studied (人口抽样调查), pay and training for the project's own staff (劳务补助, 业务培训)
    # serve no one
    rest = re.sub(
        r"(" + people + r")(?=" + studied.pattern + ")|" + lex.pattern("own_staff").pattern, "", text
    )
    return "服务对象" if lex.any("beneficiary_words").search(rest) else None


@rule("C03")
def check_satisfaction_missing(ctx: SubmissionContext) -> Iterator[Hit]:
    satisfaction = ctx.lex.any("satisfaction_words")
    if not ctx.rows or any(r.level1 == "满意度" or satisfaction.search(r.name) for r in ctx.rows):
        return
    who = _serves_people(ctx)
    if who is None:
        return
    yield field_hit("indicators", fix=fixes.satisfaction_fix(ctx, who), who=who)


def _main_quantity(ctx: SubmissionContext) -> RowView | None:
    for row in ctx.rows:
        if row.sub == "数量" and row.value_num and row.unit and not row.is_percent and row.money is None:
            return row
    return None


@rule("C04")
def check_no_cost(ctx: SubmissionContext) -> Iterator[Hit]:
    # a per-unit amount among the results (群众自付费用 = 0 元/例) measures the beneficiary,
    # not the project's cost
    benefit_money = ctx.lex.any("benefit_money_words")
    if not ctx.rows or any(
        r.is_cost
        or (r.per_unit and r.level1 not in ("效益", "满意度") and not benefit_money.search(r.name_core))
        for r in ctx.rows
    ):
        return
    qty = _main_quantity(ctx)
    fix = fixes.no_cost_fix(ctx)
    if qty is None or qty.value_num is None or ctx.budget is None:
        yield field_hit("indicators", {"suggestion": "generic"}, fix=fix)
        return
    scaled = qty.unit.startswith("万") and len(qty.unit) > 1
    count = qty.value_num * (1e4 if scaled else 1)
    unit = qty.unit[1:] if scaled else qty.unit
    per = ctx.budget / count
    common = {"budget": fmt_yuan(ctx.budget), "count": fmt_number(count)}
    if qty.unit in ("人", "个", "名") and ctx.lex.any("wage_words").search(ctx.project) and per / 12 >= 50:
        yield field_hit(
            "indicators",
            {"suggestion": "monthly"},
            fix=fix,
            per_month=fmt_number(round(per / 12, 2)),
            **common,
        )
        return
    yield field_hit(
        "indicators", fix=fix, per=fmt_number(round(per, 2)), qty_unit=unit, qty_name=qty.name_core, **common
    )


@rule("C08")
def check_placeholders(ctx: SubmissionContext) -> Iterator[Hit]:
    ph = ctx.lex.pattern("placeholder")
    for field_name, text in (("annual_goal", ctx.goal), ("overall_goal", ctx.overall)):
        m = ph.search(text)
        if m:
            fix = fixes.field_placeholder_fix(field_name, text, m.group(0))
            yield field_hit(field_name, {"where": field_name}, fix=fix, fragment=m.group(0))
    for row in ctx.rows:
        for cell, text in (("name", row.name), ("value", row.value), ("unit", row.ind.unit or "")):
            m = ph.search(text)
            if m:
                yield _placeholder_hit(ctx, row, cell, m.group(0))
                break


def _template_unit(ctx: SubmissionContext, row: RowView, shown: str, fragment: str) -> str:
    """The unit a name's template bracket prescribes (享受补贴农户（≥**户） -> 户) when the unit column is
    empty, else the unit a bare number was meant in; '' when the row needs none. The bracket leaves the name
    with the fix, so its unit goes to the unit column (the row is judged as a placeholder, never NO_UNIT)."""
    if row.unit or row.value_num is None or row.value_num == 0 or row.op == "定性" or row.is_percent:
        return ""
    written = re.sub(r"[（()）≥≤=<>\s]", "", shown.replace(fragment, ""))
    known = ctx.lex.words("people_units", "count_units", "measure_units", "money_units", "percent_units")
    if written in known or (written[:1] in SCALES and written[1:] in known):
        return written  # 户, 万户
    drafted = fixes.unit_fix(ctx, row)
    return str(drafted.row.get("unit") or "") if drafted is not None else ""


def _placeholder_hit(ctx: SubmissionContext, row: RowView, cell: str, fragment: str) -> Hit:
    if cell == "name":
        bracket = re.search(r"[（(][^（）()]*" + re.escape(fragment) + r"[^（）()]*[）)]", row.name)
        shown = bracket.group(0) if bracket else fragment
        clean = row.name.replace(shown, "").strip() or PLACEHOLDER_NAME
        unit = _template_unit(ctx, row, shown, fragment)
        fix = fixes.placeholder_fix(row, cell, fragment)
        if unit and fix is not None:
            fix = fix.with_(row={**fix.row, "unit": unit})
        target = f"{row.op or ''} {row.value}{'' if row.unit == '日期' else row.unit or unit}".strip()
        return row_hit(
            row,
            cell,
            {"where": "row", "suggestion": "name"},
            fix=fix,
            fragment=fragment,
            shown=shown,
            clean=clean,
            new_row=f"{clean} {target}".rstrip(),
        )
    return row_hit(
        row,
        cell,
        {"where": "row", "suggestion": "value"},
        fix=fixes.placeholder_fix(row, cell, fragment),
        fragment=fragment,
        subject=row.name_core,
        target_op=row.op or "≥",
    )


@rule("W01")
def check_weights(ctx: SubmissionContext) -> Iterator[Hit]:
    weights = [r.ind.weight for r in ctx.rows]
    if not ctx.rows or all(w is None for w in weights):
        return
    execution_name = ctx.lex.any("execution_rate_names")
    missing = [r for r in ctx.rows if r.ind.weight is None]
    execution = [r for r in ctx.rows if execution_name.search(r.name)]
    total = sum(w for w in weights if w is not None)
    suggestion = "add_execution" if abs(total - 90) < 0.5 and not execution else "default"
    by_level: dict[str, float] = {}
    for r in ctx.rows:
        by_level[r.level1 or "其他"] = by_level.get(r.level1 or "其他", 0.0) + (r.ind.weight or 0.0)
    params = {
        "total": fmt_number(total),
        "by_level": "、".join(f"{k}{fmt_number(v)}分" for k, v in by_level.items()),
    }
    if missing and not (len(missing) == 1 and missing[0] in execution and abs(total - 90) < 0.5):
        yield field_hit(
            "weights",
            {"why": "missing", "suggestion": suggestion},
            fix=fixes.weights(),
            missing=len(missing),
            **params,
        )
        return
    if missing or _self_evaluation_layout(ctx, total, by_level):
        return  # 90 with the 10-point 预算执行率 scored outside the rows (财预〔2020〕10号 自评表)
    if abs(total - 100) < 0.5:
        if _is_self_evaluation(ctx) and not execution:  # 100 in the rows + 预算执行率 10 = 110
            cases = {"why": "self_evaluation", "suggestion": "self_evaluation"}
            fix = fixes.weights(rows_total=90)  # 产出50 + 效益30 + 满意度10; 预算执行率 10 outside
            yield field_hit("weights", cases, fix=fix, with_execution=fmt_number(total + 10), **params)
        return
    why = "no_execution" if abs(total - 90) < 0.5 and not execution else "default"
    yield field_hit("weights", {"why": why, "suggestion": suggestion}, fix=fixes.weights(), **params)


# Where a submission may carry its table's own title: a title field of the canonical JSON (a transcriber's
# table_type, an exporter's title or sheet name) and the file#sheet an importer read it from (`source`).
TITLE_FIELDS = ("table_type", "title", "table_title", "form_title", "sheet")


def table_titles(sub: Submission) -> list[str]:
    """The texts that name the table itself (not its rows), wherever the submission records them."""
    extra = sub.model_extra or {}
    found = [extra.get(key) for key in TITLE_FIELDS] + [sub.source]
    return [text for text in found if isinstance(text, str) and text.strip()]


def _is_self_evaluation(ctx: SubmissionContext) -> bool:
    """A 自评表 by its own title (项目支出绩效自评表, a file or sheet named …自评表): its 预算执行率 is scored
    outside the indicator rows."""
    words = ctx.lex.any("self_evaluation_table_words")
    return any(words.search(title) for title in table_titles(ctx.sub))


def _self_evaluation_layout(ctx: SubmissionContext, total: float, by_level: dict[str, float]) -> bool:
    """90 points in the rows is the 自评 layout when the table says it is a 自评表, or when the rows follow
    that layout's own split (产出50、效益30、满意度10) and the 10 points of 预算执行率 are outside."""
    if abs(total - 90) >= 0.5:
        return False
    split = {k: float(v) for k, v in ctx.lex.table("self_evaluation_split").items()}
    return _is_self_evaluation(ctx) or by_level == split
