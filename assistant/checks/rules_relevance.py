"""相关性 rules about what rows measure: duplicates, off-topic rows, inputs and outputs in the wrong place,
and goal outputs with no indicator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.engine import Hit, field_hit, row_hit
from assistant.checks.goaltext import GoalQuantity, goal_quantities, row_target
from assistant.checks.units import fmt_number, quantity_unit, same_quantity_unit

_GENERIC_BIGRAMS = {"人数", "数量", "指标", "完成", "项目", "任务", "计划", "工作", "全年", "年度", "情况", "开展"}
_SCOPE_WORDS = re.compile(r"^(乡镇|镇|村|行政村|社区|县|市|区|街道|单位|部门|学校|镇街)")
_SATISFACTION_SUFFIX = re.compile(r"(的)?(满意度|满意率|满意程度)$")
_HOUSEHOLD_PEOPLE = {"户", "人", "名", "人数"}


@lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a name, generic ones (人数, 项目 …) left out; cached (names repeat across files)."""
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" or c.isalnum()]
    return frozenset("".join(chars[i:i + 2]) for i in range(len(chars) - 1)) - _GENERIC_BIGRAMS


def _row_count(row: RowView) -> float | None:
    if row.value_num is None:
        return None
    scale, _ = quantity_unit(row.unit) if row.unit else (1.0, ())
    return row.value_num * scale


def _countable(row: RowView) -> bool:
    return (row.value_num is not None and row.value_num > 0 and not row.is_percent and not row.is_cost
            and row.money is None and row.per_unit is None and not row.is_time and bool(row.unit))


def _units_compatible(a: RowView, b: RowView) -> bool:
    ua, ub = quantity_unit(a.unit)[1], quantity_unit(b.unit)[1]
    if not ua or not ub:
        return False
    if same_quantity_unit(ua[0], ub[0]):
        return True
    return ua[0] in _HOUSEHOLD_PEOPLE and ub[0] in _HOUSEHOLD_PEOPLE


def restated_quantity(ctx: SubmissionContext, row: RowView) -> RowView | None:
    """An earlier row counting the same thing: equal number, compatible unit, overlapping name."""
    if not _countable(row):
        return None
    for other in ctx.rows[: row.idx]:
        if (_countable(other) and abs(_row_count(other) - _row_count(row)) < 1e-6 and _units_compatible(other, row)
                and len(bigrams(other.name_core) & bigrams(row.name_core)) >= 2):
            return other
    return None


def _respondent(ctx: SubmissionContext, name: str) -> str:
    core = _SATISFACTION_SUFFIX.sub("", name)
    return ctx.lex.respondent_modifiers.sub("", core).strip() or core


def _same_respondents(ctx: SubmissionContext, a: RowView, b: RowView) -> bool:
    ra, rb = _respondent(ctx, a.name_core), _respondent(ctx, b.name_core)
    if not ra or not rb:
        return ra == rb
    if ra == rb or (len(ra) >= 2 and len(rb) >= 2 and (ra in rb or rb in ra)):
        return True
    if ra in ctx.lex.lay_public and rb in ctx.lex.lay_public:
        return True
    return a.name_core.startswith("受益") and b.name_core.startswith("受益")


def _completion_restates(ctx: SubmissionContext, row: RowView) -> RowView | None:
    if "完成率" not in row.name_core or not row.is_percent or (row.value_num or 0) < 100:
        return None
    quantities = [r for r in ctx.rows if r.sub == "数量" and _countable(r) and r.idx != row.idx]
    topic = bigrams(row.name_core.replace("完成率", ""))
    for q in quantities:
        if not topic or topic & bigrams(q.name_core):
            return q
    return None


def check_duplicates(ctx: SubmissionContext) -> Iterator[Hit]:
    satisfaction = [r for r in ctx.rows if "满意" in r.name_core]
    for row in ctx.rows:
        same_name = next((o for o in ctx.rows[: row.idx] if o.name_core and o.name_core == row.name_core), None)
        restated = restated_quantity(ctx, row)
        completion = _completion_restates(ctx, row)
        twin = next((o for o in satisfaction if o.idx < row.idx and row in satisfaction
                     and _same_respondents(ctx, o, row)), None)
        if same_name or restated:
            other = same_name or restated
            yield _dup_hit(row, other, "名称相同" if same_name else f"数值、单位相同（{other.shown_value}），统计的是同一对象")
        elif completion:
            yield _dup_hit(row, completion, f"只是把“{row_target(completion)}”换成完成率重复表述")
        elif twin:
            yield _dup_hit(row, twin, "调查对象实为同一群体")


def _dup_hit(row: RowView, other: RowView, why: str) -> Hit:
    weight = f"，本行{fmt_number(row.ind.weight)}分权重并入该行或用于新增的效果指标" if row.ind.weight else ""
    return row_hit("C07", row, other=f"第{other.idx + 1}行“{other.name}”", why=why,
                   rewrite=f"删除本行，保留“{row_target(other)}”{weight}")


def check_irrelevant(ctx: SubmissionContext) -> Iterator[Hit]:
    from assistant.checks.rules_completeness import is_unidentifiable

    if is_unidentifiable(ctx):
        return
    lex, text = ctx.lex, ctx.project_text
    for row in ctx.rows:
        if row.is_na:
            continue
        if row.sub == "生态效益" and not lex.eco_project.search(text):
            why = "的名称和目标中没有任何生态环境内容"
        elif row.sub == "经济效益" and lex.macro_econ_row.search(row.name) and not lex.econ_project.search(text):
            why = "的名称和目标中没有经济或产业内容，资金也不投向生产经营"
        else:
            continue
        yield row_hit("R05", row, category=f"{row.sub}指标", why=why, rewrite=_irrelevant_rewrite(ctx, row))


def _irrelevant_rewrite(ctx: SubmissionContext, row: RowView) -> str:
    kept = [r for r in ctx.rows if r.level1 == "效益" and r.sub != row.sub and r.value_num is not None]
    weight = f"{fmt_number(row.ind.weight)}分" if row.ind.weight else "权重"
    if kept:
        return (f"删除“{row.name}”（不必为凑齐{row.sub}而设），{weight}并入与本项目直接相关的效益指标"
                f"“{row_target(kept[0])}”")
    return f"删除“{row.name}”，改设本项目资金直接带来的变化，如“{ctx.project}受益对象数量较上年增加 ≥ 上年实际值”"


def check_input_as_output(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        raw_level1 = row.ind.level1 or ""
        m = ctx.lex.input_rate.search(row.name_core)
        if m and "执行" not in raw_level1 and (row.level1 in ("产出", "效益") or "到位" in m.group(0)):
            why = f"是“{m.group(0)}”"
        elif (row.money is not None and not row.is_cost and row.value_num is not None
              and (row.sub in ("数量", "质量", "时效") or _equals_budget(ctx, row))):
            why = "是资金金额" + ("，等于年度预算总额" if _equals_budget(ctx, row) else "")
        else:
            continue
        yield row_hit("R02", row, why=why, rewrite=_input_rewrite(ctx, row))


def _equals_budget(ctx: SubmissionContext, row: RowView) -> bool:
    if ctx.budget is None or row.value_num is None or row.money is None:
        return False
    return abs(row.value_num * row.money - ctx.budget) <= 0.02 * ctx.budget


def _input_rewrite(ctx: SubmissionContext, row: RowView) -> str:
    qty = next((r for r in ctx.rows if r.sub == "数量" and _countable(r) and r.idx != row.idx), None)
    instead = f"，改用资金买到的实物量或服务量，如“{row_target(qty)}”" if qty else "，改用资金买到的实物量或服务量"
    note = "预算执行情况在自评中按“预算执行率”单列10分" if "率" in row.name_core else "金额应写成成本指标中的单位标准"
    return f"删除“{row.name}”（{note}）{instead}"


_BENEFIT_BY_ACTIVITY = (
    ("培训", "参训人员培训后6个月内就业率 ≥ 上年实际值（就业跟踪调查）"),
    ("巡检", "系统故障导致业务中断时长 ≤ 上年实际值（运维日志）"),
    ("运维", "系统故障导致业务中断时长 ≤ 上年实际值（运维日志）"),
    ("入住", "服务对象安全事故发生起数 = 0起"),
    ("救助", "受助对象返贫致贫户数 = 0户"),
    ("资助", "受助对象因经济困难辍学人数 = 0人"),
    ("建设", "项目建成后受益对象收入较上年增长 ≥ 上年增幅"),
)


def check_output_as_benefit(ctx: SubmissionContext) -> Iterator[Hit]:
    if not ctx.has_levels:
        return
    lex = ctx.lex
    for row in ctx.rows:
        if row.level1 != "效益" or not _countable(row):
            continue
        output = restated_quantity(ctx, row)
        verb = lex.activity_verbs.search(row.name_core)
        unit = quantity_unit(row.unit)[1]
        if output is not None and output.level1 == "产出":
            why = f"它与产出指标第{output.idx + 1}行“{output.name}”是同一数量"
        elif verb and unit and unit[0] in lex.activity_units and not lex.change.search(row.name_core):
            why = f"“{row.name}”统计的是完成的工作量（{row.shown_value}）"
        else:
            continue
        benefit = next((b for key, b in _BENEFIT_BY_ACTIVITY if key in row.name or key in ctx.project),
                       "受益对象的变化（如收入、就业、安全或环境指标）较上年的改善幅度 ≥ 上年实际值")
        yield row_hit("R03", row, category=f"{row.sub or '效益'}指标", why=why,
                      rewrite=f"将“{row_target(row)}”移到产出数量指标下（已有同一数量的则删除），效益指标改写为“{benefit}”")


def uncovered_goal_outputs(ctx: SubmissionContext, all_goal: bool = False) -> list[GoalQuantity]:
    """Output quantities promised by the goal that no indicator counts (by number or by subject)."""
    lex = ctx.lex
    units = lex.count_units | lex.measure_units | lex.people_units
    counts = [c for c in (_row_count(r) for r in ctx.rows) if c is not None]
    name_bigrams = bigrams(" ".join(r.name for r in ctx.rows))
    out: list[GoalQuantity] = []
    for q in goal_quantities(ctx, units):
        if _SCOPE_WORDS.match(q.subject) and len(q.subject) <= 4:
            continue
        by_number = any(abs(c - q.number) <= 0.005 * q.number for c in counts)
        by_subject = bool(bigrams(q.subject[-4:]) & name_bigrams)
        if all_goal or not (by_number or by_subject):
            out.append(q)
    return out


def check_missing_core_output(ctx: SubmissionContext) -> Iterator[Hit]:
    from assistant.checks.rules_completeness import is_unidentifiable

    if is_unidentifiable(ctx) or not ctx.goal:
        return
    missing = uncovered_goal_outputs(ctx)
    if not missing:
        return
    listed = "、".join(f"{q.subject}{fmt_number(q.number)}{q.unit}" for q in missing[:4])
    rows = "；".join(f"{q.subject.removeprefix('完成')} ≥ {fmt_number(q.number)}{q.unit}" for q in missing[:4])
    yield field_hit("R01", "indicators", source="年度目标", output=listed,
                    rewrite=f"在产出数量指标中增设：{rows}（与年度目标一致）")


RULES = {
    "C07": check_duplicates,
    "R05": check_irrelevant,
    "R02": check_input_as_output,
    "R03": check_output_as_benefit,
    "R01": check_missing_core_output,
}
