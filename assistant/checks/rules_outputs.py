"""MISSING_CORE_OUTPUT: the main output the goal (or, when the goal gives no quantity, the project title)
promises has no quantity indicator.

A row covers a promised quantity only when it counts in a compatible unit (亩 for 亩/公顷, 人 for 人/户 …):
a 合格率 row, a 元/亩 standard or a count of villages never covers 5000亩.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.engine import Hit, field_hit
from assistant.checks.goaltext import GoalQuantity, goal_quantities
from assistant.checks.kinds import AREA, HOUSEHOLDS, LENGTH, PEOPLE, base_unit, counting_unit
from assistant.checks.rules_relevance import bigrams, countable, row_count
from assistant.checks.units import fmt_number

_SCOPE_WORDS = re.compile(r"^(乡镇|镇|村|行政村|社区|县|市|区|街道|单位|部门|学校|镇街)")
_UNIT_CLASSES = (
    ("people", PEOPLE | HOUSEHOLDS),
    ("area", AREA),
    ("length", LENGTH),
    ("weight", frozenset({"吨", "公斤", "千克"})),
    ("volume", frozenset({"立方米", "方"})),
)
# The main output a project title names when its goal gives no number: (title ending, output, rewrite).
_TITLE_OUTPUTS = (
    (
        re.compile(r"(补贴|补助|奖补|津贴|资助|救助|救济|慰问)(资金|经费|项目)?$"),
        "补贴（补助）对象数量或补贴面积",
        "{subject}对象数量 = 核定人数（人）或户数（户）；按面积补贴的写“补贴面积 = 核定面积（亩）”（以补贴清册为准）",
    ),
    (
        re.compile(r"(改造|维修|修缮|整治)(工程|资金|经费|项目)?$"),
        "改造（维修）数量",
        "{subject}数量 ≥ 计划数（处、户、公里或平方米，按实施方案）",
    ),
    (
        re.compile(r"(培训|培育)(资金|经费|项目)?$"),
        "培训人次",
        "{subject}人次 ≥ 计划人次（人次，按培训计划）",
    ),
    (
        re.compile(r"(建设|新建|扩建)(工程|资金|经费|项目)?$"),
        "建设规模",
        "{subject}规模 = 设计规模（平方米、公里或座，按批复的初步设计）",
    ),
    (re.compile(r"(购置|采购|配备)(资金|经费|项目)?$"), "购置数量", "{subject}数量 = 采购计划数（台、套）"),
)
_YEAR = re.compile(r"^\d{4}\s*年(度)?")
_PAREN = re.compile(r"[（(][^）)]*[）)]")
_SUPPORT = re.compile(r"扶持|支持|带动|指导|发展")  # 10个乡镇扶持种植户…: where, not what
_PER_LEVEL = re.compile(r"亩产|单产|人均|户均|生均|平均")
# 通过率不低于… (a condition inside a rate), 使用量控制在… (a limit): not a promised output
_NOT_OUTPUT = re.compile(r"率|比例|控制在|不超过|不高于|以内|以下")
# a row counting the places the work reaches (改造涉及行政村 = 25个) measures scope, not output
_SCOPE_ROW = re.compile(
    r"(涉及|覆盖|惠及|辐射|服务|受益)[\u4e00-\u9fff]{0,4}(乡镇|镇|村|行政村|社区|街道|镇街|县|区)$"
)


def _unit_class(unit: str) -> str:
    base = base_unit(unit)
    return next((key for key, members in _UNIT_CLASSES if base in members), "count")


def _measures(row: RowView) -> bool:
    """A row with a number in a unit that counts something (not a rate, not money)."""
    return (
        row.value_num is not None
        and bool(row.unit)
        and not row.is_percent
        and row.money is None
        and row.per_unit is None
    )


def _same_number(value: float, q: GoalQuantity) -> bool:
    """The goal's number, also as written before 万/亿 was applied (1.2万名 read off a row as 1.2)."""
    written = [q.number] + [q.number / scale for scale in (1e4, 1e8) if q.number >= scale]
    return any(abs(value - n) <= 0.005 * n for n in written)


def _covers(row: RowView, q: GoalQuantity) -> bool:
    if (
        not row.unit
        and row.value_num is not None
        and _same_number(row.value_num, q)
        and bigrams(q.subject) & bigrams(row.name_core)
    ):
        return True  # 运维信息系统 = 12 (unit missing, flagged as NO_UNIT) still counts the goal's 12个
    if not _measures(row):
        return False
    count = row_count(row)
    if count is not None and abs(count - q.number) <= 0.005 * q.number and countable(row):
        return True  # 420个岗位 = 420人: the same number is the same output whatever the unit
    same_class = _unit_class(counting_unit(row.name_core, row.unit)) == _unit_class(q.unit)
    return same_class and bool(bigrams(q.subject[-4:]) & bigrams(row.name_core))


def _covered_as_sum(ctx: SubmissionContext, quantities: list[GoalQuantity], q: GoalQuantity) -> bool:
    """召开全体会议1次、常委会议4次、专题协商会6次 is covered by 召开各类会议 = 11次."""
    total = sum(g.number for g in quantities if g.unit == q.unit)
    return total != q.number and any(
        countable(r)
        and _unit_class(r.unit) == _unit_class(q.unit)
        and abs((row_count(r) or 0) - total) < 1e-6
        for r in ctx.rows
    )


def _single_facility(ctx: SubmissionContext, q: GoalQuantity) -> bool:
    """建设污水处理厂1座: the project itself, measured by its scale rows (any unit) that name it."""
    return (
        q.number == 1
        and _unit_class(q.unit) == "count"
        and any(bigrams(q.subject[-4:]) & bigrams(r.name_core) for r in ctx.rows if r.value_num is not None)
    )


def uncovered_goal_outputs(ctx: SubmissionContext, all_goal: bool = False) -> list[GoalQuantity]:
    """Output quantities promised by the goal that no indicator counts in a compatible unit."""
    lex = ctx.lex
    quantities = goal_quantities(ctx, lex.count_units | lex.measure_units | lex.people_units)
    out: list[GoalQuantity] = []
    for q in quantities:
        if (
            q.bracketed
            or lex.change.search(q.subject)
            or _PER_LEVEL.search(q.subject)
            or _NOT_OUTPUT.search(q.subject)
        ):
            continue  # 流失人数比上年减少10人, 水稻亩产450公斤: a result or a level, not an output
        subject = _PAREN.sub("", q.subject)  # 24个镇（街道）: the bracket only glosses the scope
        scope = _SCOPE_WORDS.match(subject)
        after_scope = subject[scope.end() : scope.end() + 4] if scope else ""
        if scope and (
            len(subject) <= 4 or lex.activity_verbs.search(after_scope) or _SUPPORT.search(after_scope)
        ):
            continue  # 12个乡镇 / 在12个乡镇培训…: where the work is done, not what it produces
        covered = (
            any(_covers(r, q) for r in ctx.rows)
            or _covered_as_sum(ctx, quantities, q)
            or _single_facility(ctx, q)
        )
        if all_goal or not covered:
            out.append(q)
    return out


_NAME_BY_CLASS = {"area": "面积", "length": "长度", "weight": "数量", "volume": "数量", "count": "数量"}
_LEAD = re.compile(r"^(完成|对|为|向|在|给)?(全县|全市|全区|全镇|全乡|辖区|全省)?(范围内)?(的)?")


def _indicator_name(q: GoalQuantity) -> str:
    """A goal phrase as an indicator name: 对全县脐橙低效果园实施品种改良和标准化改造 (亩) -> …改造面积."""
    name = _LEAD.sub("", q.subject).replace("实施", "")
    cls = _unit_class(q.unit)
    if cls == "people":
        return (
            name
            if re.search(r"(人|户|员|生|者)(数)?$", name)
            else name + ("户数" if q.unit == "户" else "人数")
        )
    return name if re.search(r"(面积|长度|里程|数量|数)$", name) else name + _NAME_BY_CLASS[cls]


def _counts_outputs(ctx: SubmissionContext) -> bool:
    """Whether any output (or level-less) row counts something other than money."""
    return any(
        countable(r) and not _SCOPE_ROW.search(r.name_core)
        for r in ctx.rows
        if r.level1 in ("产出", None) and r.sub in ("数量", "质量", None)
    )


def _title_output(ctx: SubmissionContext) -> Hit | None:
    """Fallback when the goal states no quantity: the title's output noun, if no row counts any output."""
    title = _YEAR.sub("", _PAREN.sub("", ctx.project)).strip()
    if not ctx.rows or _counts_outputs(ctx):
        return None
    for pattern, output, template in _TITLE_OUTPUTS:
        if pattern.search(title):
            subject = pattern.sub("", title) + pattern.search(title).group(1)
            money_rows = [r for r in ctx.rows if r.sub == "数量" and r.money is not None]
            note = f"现有数量指标“{money_rows[0].name_core}”只反映资金金额；" if money_rows else ""
            return field_hit(
                "R01",
                "indicators",
                source="项目名称（年度目标未写数量）",
                output=f"{title}：{output}",
                rewrite=f"{note}在产出数量指标中增设：{template.format(subject=subject)}，并写入年度目标",
            )
    return None


def check_missing_core_output(ctx: SubmissionContext) -> Iterator[Hit]:
    from assistant.checks.rules_completeness import is_unidentifiable

    if is_unidentifiable(ctx) or not ctx.goal:
        return
    units = ctx.lex.count_units | ctx.lex.measure_units | ctx.lex.people_units
    if not goal_quantities(ctx, units):
        hit = _title_output(ctx)
        if hit:
            yield hit
        return
    missing = uncovered_goal_outputs(ctx)
    if not missing:
        return
    listed = "、".join(f"{q.subject}{fmt_number(q.number)}{q.unit}" for q in missing[:4])
    rows = "；".join(f"{_indicator_name(q)} ≥ {fmt_number(q.number)}{q.unit}" for q in missing[:4])
    yield field_hit(
        "R01",
        "indicators",
        source="年度目标",
        output=listed,
        rewrite=f"在产出数量指标中增设：{rows}（与年度目标一致）",
    )


RULES = {
    "R01": check_missing_core_output,
}
