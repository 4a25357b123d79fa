"""相关性 rules about what rows measure: duplicates, off-topic rows, inputs and outputs in the wrong place,
and goal outputs with no indicator."""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.engine import Hit, row_hit
from assistant.checks.goaltext import row_target
from assistant.checks.kinds import PEOPLE, base_unit
from assistant.checks.units import fmt_number, quantity_unit, same_quantity_unit

_GENERIC_BIGRAMS = {
    "人数",
    "数量",
    "指标",
    "完成",
    "项目",
    "任务",
    "计划",
    "工作",
    "全年",
    "年度",
    "情况",
    "开展",
}
_SATISFACTION_SUFFIX = re.compile(r"(的)?(满意度|满意率|满意程度)$")
_HOUSEHOLD_PEOPLE = {"户", "人", "名", "人数"}
# Words that say how a count is taken, not what is counted (removed before comparing two rows' subjects).
_MONEY_WORDS = re.compile(r"资金|经费|预算|配套|补助|补贴|拨款|款项|奖补")
_COUNT_TAIL = re.compile(
    r"(人数|数量|人次|次数|场次|总数|规模|长度|里程|面积|完成率|完成|情况|[个条座处项台套件场期批]?数)$"
)
_COUNT_HEAD = re.compile(r"^(完成|全年|年度|本年|新增|累计|开展|实施|项目)")
# Verbs and qualifiers: two names that differ only in these count the same thing (入住/集中供养特困人员).
_QUALIFIERS = re.compile(
    r"享受|资助|救助|补助|补贴|供养|集中|入住|受益|服务|保障|覆盖|惠及|参加|参与|参训|培训|"
    r"培育|安置|发放|改造|建设|新建|实施|开展|完成|实际|全年|年度|累计|新增|项目|全县|全市|全区|全镇|全乡|日常|"
    r"辖区|运转|组织|村级|行政|维修|安装|购置|配备|开发|家庭经济困难|困难|特殊|高素质|符合条件|相关|各类"
)


@lru_cache(maxsize=8192)
def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of a name, generic ones (人数, 项目 …) left out; cached (names repeat across files)."""
    chars = [c for c in text if "\u4e00" <= c <= "\u9fff" or c.isalnum()]
    return frozenset("".join(chars[i : i + 2]) for i in range(len(chars) - 1)) - _GENERIC_BIGRAMS


def row_count(row: RowView) -> float | None:
    if row.value_num is None:
        return None
    scale, _ = quantity_unit(row.unit) if row.unit else (1.0, ())
    return row.value_num * scale


def countable(row: RowView) -> bool:
    return (
        row.value_num is not None
        and row.value_num > 0
        and not row.is_percent
        and not row.is_cost
        and row.money is None
        and row.per_unit is None
        and not row.is_time
        and bool(row.unit)
    )


def _units_compatible(a: RowView, b: RowView) -> bool:
    ua, ub = quantity_unit(a.unit)[1], quantity_unit(b.unit)[1]
    if not ua or not ub:
        return False
    if same_quantity_unit(ua[0], ub[0]):
        return True
    return ua[0] in _HOUSEHOLD_PEOPLE and ub[0] in _HOUSEHOLD_PEOPLE


def _count_core(name: str) -> str:
    core = _COUNT_HEAD.sub("", _COUNT_TAIL.sub("", name))
    return "".join(c for c in core if "\u4e00" <= c <= "\u9fff" or c.isalnum())


def _common_suffix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[-1 - n] == b[-1 - n]:
        n += 1
    return a[len(a) - n :]


def same_subject(a: str, b: str) -> bool:
    """Whether two indicator names count the same thing (宫颈癌筛查人数 and 乳腺癌筛查人数 do not).

    After removing how-counted words: one name contains the other; or they end alike and what precedes the
    shared ending differs only in verbs and qualifiers (入住/集中供养 特困人员); or most wording is shared.
    Two different objects in front of one shared ending (气代煤/电代煤 改造户) are never the same.
    """
    ca, cb = _count_core(a), _count_core(b)
    if not ca or not cb:
        return False
    qa, qb = _QUALIFIERS.sub("", ca), _QUALIFIERS.sub("", cb)
    if ca in cb or cb in ca or sorted(ca) == sorted(cb) or (qa and qb and (qa in qb or qb in qa)):
        return True  # 维修校舍/校舍维修, 参训/培训 农村实用人才
    tail = _common_suffix(ca, cb)
    if tail:
        head_a, head_b = _QUALIFIERS.sub("", ca[: -len(tail)]), _QUALIFIERS.sub("", cb[: -len(tail)])
        if head_a and head_b and head_a not in head_b and head_b not in head_a:
            return False
        if _QUALIFIERS.sub("", tail):
            return True
    ba, bb = bigrams(ca), bigrams(cb)
    return bool(ba and bb) and len(ba & bb) / len(ba | bb) >= 0.5


def restated_quantity(ctx: SubmissionContext, row: RowView) -> RowView | None:
    """An earlier row counting the same thing: equal number, compatible unit, the same subject; or a benefit
    that says it reaches (惠及, 受益…) exactly the people an output row counts."""
    if not countable(row):
        return None
    reach = row.level1 == "效益" and _REACH.match(row.name_core) and _people_unit(row)
    for other in ctx.rows[: row.idx]:
        if not countable(other) or abs(row_count(other) - row_count(row)) >= 1e-6:
            continue
        if _units_compatible(other, row) and same_subject(other.name_core, row.name_core):
            return other
        if reach and other.level1 == "产出" and _people_unit(other):
            return other
    return None


_REACH = re.compile(r"(惠及|受益|覆盖|服务)")


def _people_unit(row: RowView) -> bool:
    return base_unit(row.unit) in PEOPLE


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
    quantities = [r for r in ctx.rows if r.sub == "数量" and countable(r) and r.idx != row.idx]
    topic = bigrams(row.name_core.replace("完成率", ""))
    for q in quantities:
        if not topic or topic & bigrams(q.name_core):
            return q
    return None


def check_duplicates(ctx: SubmissionContext) -> Iterator[Hit]:
    satisfaction = [r for r in ctx.rows if "满意" in r.name_core]
    for row in ctx.rows:
        same_name = next(
            (o for o in ctx.rows[: row.idx] if o.name_core and o.name_core == row.name_core), None
        )
        restated = restated_quantity(ctx, row)
        completion = _completion_restates(ctx, row)
        twin = next(
            (
                o
                for o in satisfaction
                if o.idx < row.idx and row in satisfaction and _same_respondents(ctx, o, row)
            ),
            None,
        )
        if same_name or restated:
            other = same_name or restated
            yield _dup_hit(
                row,
                other,
                "名称相同" if same_name else f"数值、单位相同（{other.shown_value}），统计的是同一对象",
            )
        elif completion:
            yield _dup_hit(row, completion, f"只是把“{row_target(completion)}”换成完成率重复表述")
        elif twin:
            yield _dup_hit(row, twin, "调查对象实为同一群体")


def _dup_hit(row: RowView, other: RowView, why: str) -> Hit:
    weight = f"，本行{fmt_number(row.ind.weight)}分权重并入该行或用于新增的效果指标" if row.ind.weight else ""
    return row_hit(
        "C07",
        row,
        other=f"第{other.idx + 1}行“{other.name}”",
        why=why,
        rewrite=f"删除本行，保留“{row_target(other)}”{weight}",
    )


def check_irrelevant(ctx: SubmissionContext) -> Iterator[Hit]:
    from assistant.checks.rules_completeness import is_unidentifiable

    if is_unidentifiable(ctx):
        return
    lex, text = ctx.lex, ctx.project_text
    eco_text = lex.not_ecological.sub("", text)
    for row in ctx.rows:
        if row.is_na:
            continue
        if row.sub == "生态效益" and not lex.eco_project.search(eco_text):
            why = "的名称和目标中没有任何生态环境内容"
        elif (
            row.sub == "经济效益"
            and lex.macro_econ_row.search(row.name)
            and not lex.econ_project.search(text)
        ):
            why = "的名称和目标中没有经济或产业内容，资金也不投向生产经营"
        elif (
            row.level1 == "效益"
            and lex.grand_slogan.search(row.name)
            and lex.back_office_project.search(ctx.project or "")
        ):
            why = "是保障机关日常运行的经费，不会带来这种宏观效果"
        else:
            continue
        yield row_hit("R05", row, category=f"{row.sub}指标", why=why, rewrite=_irrelevant_rewrite(ctx, row))


def _irrelevant_rewrite(ctx: SubmissionContext, row: RowView) -> str:
    kept = [r for r in ctx.rows if r.level1 == "效益" and r.sub != row.sub and r.value_num is not None]
    weight = f"{fmt_number(row.ind.weight)}分" if row.ind.weight else "权重"
    if kept:
        return (
            f"删除“{row.name}”（不必为凑齐{row.sub}而设），{weight}并入与本项目直接相关的效益指标"
            f"“{row_target(kept[0])}”"
        )
    obj = ctx.project_object
    benefit = next((b for key, b in _BENEFIT_BY_ACTIVITY if key in ctx.project or key in ctx.goal), None)
    example = benefit or f"{obj}服务对象覆盖率 ≥ 95%（实际受益对象数/应受益对象数）"
    return (
        f"删除“{row.name}”（本项目资金不产生{row.sub}，不必为凑齐类别而设）；确需设置效益指标的，"
        f"改设“{obj}”直接带来的变化，如“{example}”，{weight}移至该指标"
    )


def check_input_as_output(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        raw_level1 = row.ind.level1 or ""
        m = ctx.lex.input_rate.search(row.name_core)
        if m and m.group(0) in ("到位率", "到位比例") and not _MONEY_WORDS.search(row.name_core):
            m = None  # 主推技术到位率, 人员到位率: things reaching their place, not money
        if m and "执行" not in raw_level1 and (row.level1 in ("产出", "效益") or "到位" in m.group(0)):
            why = f"是“{m.group(0)}”"
        elif (
            row.money is not None
            and not row.is_cost
            and row.value_num is not None
            and (row.sub in ("数量", "质量", "时效") or _equals_budget(ctx, row))
        ):
            why = "是资金金额" + ("，等于年度预算总额" if _equals_budget(ctx, row) else "")
        else:
            continue
        yield row_hit("R02", row, why=why, rewrite=_input_rewrite(ctx, row))


def _equals_budget(ctx: SubmissionContext, row: RowView) -> bool:
    if ctx.budget is None or row.value_num is None or row.money is None:
        return False
    return abs(row.value_num * row.money - ctx.budget) <= 0.02 * ctx.budget


def _input_rewrite(ctx: SubmissionContext, row: RowView) -> str:
    qty = next((r for r in ctx.rows if r.sub == "数量" and countable(r) and r.idx != row.idx), None)
    instead = (
        f"，改用资金买到的实物量或服务量，如“{row_target(qty)}”" if qty else "，改用资金买到的实物量或服务量"
    )
    note = (
        "预算执行情况在自评中按“预算执行率”单列10分"
        if "率" in row.name_core
        else "金额应写成成本指标中的单位标准"
    )
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
        if row.level1 != "效益" or not countable(row):
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
        benefit = next(
            (b for key, b in _BENEFIT_BY_ACTIVITY if key in row.name or key in ctx.project),
            "受益对象的变化（如收入、就业、安全或环境指标）较上年的改善幅度 ≥ 上年实际值",
        )
        yield row_hit(
            "R03",
            row,
            category=f"{row.sub or '效益'}指标",
            why=why,
            rewrite=f"将“{row_target(row)}”移到产出数量指标下（已有同一数量的则删除），效益指标改写为“{benefit}”",
        )


RULES = {
    "C07": check_duplicates,
    "R05": check_irrelevant,
    "R02": check_input_as_output,
    "R03": check_output_as_benefit,
}
