"""完整性 rules: project name, goal, first-level categories, satisfaction, cost, placeholders, weights."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks.context import BENEFIT_MONEY, SATISFACTION_NAME, RowView, SubmissionContext
from assistant.checks.engine import Hit, field_hit, row_hit
from assistant.checks.goaltext import draft_goal, has_measurable_content, row_target
from assistant.checks.units import fmt_number, fmt_yuan

_WAGE_WORDS = re.compile(r"补贴|补助|报酬|工资|津贴|生活费|护理费|供养")


def is_unidentifiable(ctx: SubmissionContext) -> bool:
    return not ctx.project or bool(ctx.lex.catch_all.search(ctx.project))


def check_project_identifiable(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.project:
        yield field_hit(
            "C00",
            "project",
            why="未填写",
            rewrite="填写项目名称，写明“支出对象＋具体事项”（如“农村户厕改造补助”），与预算项目库名称一致",
        )
        return
    m = ctx.lex.catch_all.search(ctx.project)
    if m:
        yield field_hit(
            "C00",
            "project",
            why=f"含“{m.group(0)}”，属于汇总或兜底口径",
            rewrite=(
                f"将“{ctx.project}”按实际支出事项拆分为独立项目分别申报，每个项目名称写明“支出对象＋具体事项”，"
                "并分别设定年度目标和指标；无法拆分的，在年度目标中逐项列明支出内容、数量和金额"
            ),
        )


def check_goal_missing(ctx: SubmissionContext) -> Iterator[Hit]:
    if ctx.goal:
        return
    why = "（只填写了总体目标）" if ctx.overall else ""
    yield field_hit("C01a", "annual_goal", why=why, rewrite=draft_goal(ctx))


def check_goal_vague(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.goal or has_measurable_content(ctx.goal):
        return
    same_as_name = (
        ctx.project
        and (ctx.goal.strip("。 ") in ctx.project or ctx.project in ctx.goal)
        and len(ctx.goal) < 20
    )
    why = "与项目名称基本相同" if same_as_name else "只是口号式表述"
    yield field_hit("C01b", "annual_goal", goal=ctx.goal, why=why, rewrite=draft_goal(ctx))


def check_missing_level1(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.has_levels or not ctx.rows:
        return
    present = [c for c in ("成本", "产出", "效益", "满意度") if any(r.level1 == c for r in ctx.rows)]
    missing = [c for c in ("产出", "效益") if c not in present]
    if not missing:
        return
    shown = "、".join(f"{c}指标" for c in present) or "无法识别类别的指标"
    yield field_hit(
        "C02", "indicators", present=shown, missing="、".join(missing), rewrite=_level1_rewrite(ctx, missing)
    )


def _level1_rewrite(ctx: SubmissionContext, missing: list[str]) -> str:
    from assistant.checks.rules_outputs import uncovered_goal_outputs

    parts: list[str] = []
    if "产出" in missing:
        outputs = [
            f"{q.subject} ≥ {fmt_number(q.number)}{q.unit}"
            for q in uncovered_goal_outputs(ctx, all_goal=True)
        ]
        parts.append(
            "增设产出指标（数量、质量、时效）"
            + (
                f"，按年度目标写明：{'；'.join(outputs[:4])}"
                if outputs
                else "，写明完成的工程量或服务量、验收合格率和完成日期"
            )
        )
    if "效益" in missing:
        parts.append(
            "增设效益指标，写成“受益对象＋变化口径＋数值（基准）”，如“服务区域相关投诉量较上年下降 ≥ 10%"
            "（以上年投诉量为基准）”"
        )
    return "；".join(parts)


_STUDIED = re.compile(r"(抽样|普查|调查|统计|监测|变动|信息|数据|台账|漏登|漏报|(?!满意)[^，。；]{0,2}率)")


def _serves_people(ctx: SubmissionContext) -> str | None:
    """Who the project serves, read from its name and goal (None if it names no one)."""
    text = ctx.project_text
    for m in re.finditer(r"([\u4e00-\u9fff]{0,2})(" + ctx.lex.people_noun.pattern + ")", text):
        if _STUDIED.match(text, m.end()):
            continue  # 人口抽样调查, 居民收入统计: people counted or studied, not served
        return (m.group(1) if m.group(1) and m.group(1) not in "为对向给的和与及" else "") + m.group(2)
    # people studied (人口抽样调查), pay and training for the project's own staff (劳务补助, 业务培训) serve no one
    rest = re.sub(
        r"(" + ctx.lex.people_noun.pattern + r")(?=" + _STUDIED.pattern + ")|劳务(补助|报酬|费)|业务培训",
        "",
        text,
    )
    return "服务对象" if ctx.lex.beneficiary.search(rest) else None


def check_satisfaction_missing(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.rows or any(r.level1 == "满意度" or SATISFACTION_NAME.search(r.name) for r in ctx.rows):
        return
    who = _serves_people(ctx)
    if who is None:
        return
    yield field_hit(
        "C03",
        "indicators",
        who=who,
        rewrite=f"增设满意度一级指标：{who}满意度 ≥ 90%（问卷调查；阈值按上年调查结果确定）",
    )


def _main_quantity(ctx: SubmissionContext) -> RowView | None:
    for row in ctx.rows:
        if row.sub == "数量" and row.value_num and row.unit and not row.is_percent and row.money is None:
            return row
    return None


def check_no_cost(ctx: SubmissionContext) -> Iterator[Hit]:
    # a per-unit amount among the results (群众自付费用 = 0 元/例) measures the beneficiary, not the project's cost
    if not ctx.rows or any(
        r.is_cost
        or (r.per_unit and r.level1 not in ("效益", "满意度") and not BENEFIT_MONEY.search(r.name_core))
        for r in ctx.rows
    ):
        return
    yield field_hit("C04", "indicators", rewrite=_cost_rewrite(ctx))


def _cost_rewrite(ctx: SubmissionContext) -> str:
    qty = _main_quantity(ctx)
    if qty is None or ctx.budget is None:
        return "增设成本指标：单位成本 ≤ 测算值（元/单位），取值依据支出标准或预算定额，并写明测算过程"
    count = qty.value_num * (1e4 if qty.unit.startswith("万") and len(qty.unit) > 1 else 1)
    unit = qty.unit[1:] if qty.unit.startswith("万") and len(qty.unit) > 1 else qty.unit
    per = ctx.budget / count
    if qty.unit in ("人", "个", "名") and _WAGE_WORDS.search(ctx.project) and per / 12 >= 50:
        return (
            f"增设成本指标：每人每月标准 = {fmt_number(round(per / 12, 2))}元/人·月"
            f"（按预算{fmt_yuan(ctx.budget)}÷{fmt_number(count)}人÷12个月测算，以文件标准为准）"
        )
    return (
        f"增设成本指标：单位成本 ≤ {fmt_number(round(per, 2))}元/{unit}"
        f"（按预算{fmt_yuan(ctx.budget)}÷“{qty.name_core}”{fmt_number(count)}{unit}测算，依据支出标准或定额核定）"
    )


def check_placeholders(ctx: SubmissionContext) -> Iterator[Hit]:
    ph = ctx.lex.placeholder
    for field_name, label, text in (
        ("annual_goal", "年度目标", ctx.goal),
        ("overall_goal", "总体目标", ctx.overall),
    ):
        m = ph.search(text)
        if m:
            yield field_hit(
                "C08",
                field_name,
                where=label,
                fragment=m.group(0),
                rewrite=f"删除{label}中的模板文字“{m.group(0)}”，按本项目的实际数量、标准和时限填写",
            )
    for row in ctx.rows:
        for cell, text in (("name", row.name), ("value", row.value), ("unit", row.ind.unit or "")):
            m = ph.search(text)
            if m:
                yield row_hit(
                    "C08",
                    row,
                    cell,
                    where=row.label,
                    fragment=m.group(0),
                    rewrite=_placeholder_rewrite(row, cell, m.group(0)),
                )
                break


def _placeholder_rewrite(row: RowView, cell: str, fragment: str) -> str:
    if cell == "name":
        bracket = re.search(r"[（(][^（）()]*" + re.escape(fragment) + r"[^（）()]*[）)]", row.name)
        if bracket:
            fragment = bracket.group(0)
        clean = row.name.replace(fragment, "").strip() or "（指标名称）"
        target = f"{row.op or ''} {row.value}{'' if row.unit == '日期' else row.unit}".strip()
        return f"删除名称中的“{fragment}”，名称改为“{clean}”，数值只填在指标值栏：{clean} {target}".rstrip()
    return (
        f"“{row.name_core}”的指标值按本项目测算填写具体数字（{row.op or '≥'} 测算值{row.unit}），"
        "并在“指标值设定依据”中写明来源（历史数据、行业标准或合同约定）"
    )


def check_weights(ctx: SubmissionContext) -> Iterator[Hit]:
    weights = [r.ind.weight for r in ctx.rows]
    if not ctx.rows or all(w is None for w in weights):
        return
    missing = [r for r in ctx.rows if r.ind.weight is None]
    execution = [r for r in ctx.rows if "预算执行率" in r.name]
    total = sum(w for w in weights if w is not None)
    if missing and not (len(missing) == 1 and missing[0] in execution and abs(total - 90) < 0.5):
        yield field_hit(
            "W01",
            "weights",
            detail=f"有{len(missing)}项指标未填写权重，已填权重合计{fmt_number(total)}分",
            rewrite=_weights_rewrite(ctx, total),
        )
        return
    if missing or abs(total - 100) < 0.5:
        return
    detail = f"各指标权重合计{fmt_number(total)}分"
    if abs(total - 90) < 0.5 and not execution:
        detail += "，且没有单列“预算执行率”（10分）"
    yield field_hit("W01", "weights", detail=detail, rewrite=_weights_rewrite(ctx, total))


def _weights_rewrite(ctx: SubmissionContext, total: float) -> str:
    if abs(total - 90) < 0.5 and not any("预算执行率" in r.name for r in ctx.rows):
        return "单列一级指标“预算执行率 ≥ 95%”，权重10分，使全部权重合计为100分"
    by_level: dict[str, float] = {}
    for r in ctx.rows:
        by_level[r.level1 or "其他"] = by_level.get(r.level1 or "其他", 0.0) + (r.ind.weight or 0.0)
    now = "、".join(f"{k}{fmt_number(v)}分" for k, v in by_level.items())
    return (
        f"调整权重使合计为100分：现为{now}；可参照“预算执行率10分、产出50分、效益30分、满意度10分”的基线"
        "（原则性要求，可按项目特点调整），同一一级指标内按重要程度分配"
    )


RULES = {
    "C00": check_project_identifiable,
    "C01a": check_goal_missing,
    "C01b": check_goal_vague,
    "C02": check_missing_level1,
    "C03": check_satisfaction_missing,
    "C04": check_no_cost,
    "C08": check_placeholders,
    "W01": check_weights,
}

__all__ = ["RULES", "is_unidentifiable", "row_target"]
