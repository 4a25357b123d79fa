"""相关性 rules about a row's value and unit: vague values, vague deadlines, missing or wrong units,
percentages on things that are not rates, values that contradict the name."""

from __future__ import annotations

import re
from collections.abc import Iterator

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.engine import Hit, row_hit
from assistant.checks.goaltext import goal_deadline, row_target
from assistant.checks.kinds import HOUSEHOLDS, PEOPLE, base_unit, declared_per, unit_misfit
from assistant.checks.lexicon import pick_rewrite
from assistant.checks.units import fmt_number

_DATE_RE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
_GENERIC_TAIL = re.compile(r"(情况|状况|程度|水平|效果|效益|影响|指标)$")
_NAME_PERCENT = re.compile(
    r"[（(]\s*(?:应|须|需|要)?(?:达到|不低于|达|为)?\s*[≥≤=]?\s*(\d+(?:\.\d+)?)\s*%\s*(?:以上|及以上)?\s*[)）]"
)
# A rate whose name ends with its own target: 竣工验收合格率100%, 就业率达到80%以上.
_NAME_TAIL_PERCENT = re.compile(
    r"(率|比例|占比|覆盖面|密度)\s*(达到|不低于|达|为|≥|=)?\s*(\d+(?:\.\d+)?)\s*%\s*(以上|及以上)?$"
)
# How often a period word makes a payment happen in a year (only payments: 每月巡查4次 counts per month).
_PERIOD_WORDS = (
    ("按月", 12, "按月"),
    ("每月", 12, "按月"),
    ("按季", 4, "按季度"),
    ("每季", 4, "按季度"),
    ("按半年", 2, "每半年"),
    ("每半年", 2, "每半年"),
    ("按学期", 2, "按学期"),
    ("每学期", 2, "按学期"),
    ("春秋两季", 2, "春秋两季"),
    ("春秋季", 2, "春秋两季"),
    ("按周", 52, "按周"),
    ("按旬", 36, "按旬"),
    ("每半月", 24, "每半月"),
    ("按半月", 24, "每半月"),
)
_DISBURSE = re.compile(r"发放|拨付|支付|兑付|划拨|拨款|结算|发到|到账|兑现")
_YES_NO_NAME = re.compile(r"是否")
_PASS_WORDS = frozenset({"合格", "达标", "通过", "符合"})
# 平稳运行，不出现赤字 / 全年未发生安全责任事故: a stated absence of a countable event is decidable at year end
_ABSENCE = re.compile(
    r"(不出现|不发生|未发生|未出现|无|零)[^，,。；;]{0,12}(事故|赤字|事件|投诉|案件|欠薪|断供|停运|停水|停电|"
    r"违纪|违规|违法|上访|信访)"
)
_NAMED_STANDARD = re.compile(r"标准|规范|规程|等级|评定|评级|考核|验收|检测|检验|鉴定|审计|定级")
_GRADE_WORDS = frozenset({"优", "良", "优良", "优秀", "甲等", "一等"})
_GRADING = re.compile(r"等级|等次|评定|评级|定级")
_WAGE_RE = re.compile(r"报酬|工资|补贴|补助|津贴|生活费")


def subject_of(row: RowView) -> str:
    return _GENERIC_TAIL.sub("", row.name_core) or row.name_core


_QUALITY_TAIL = re.compile(r"(质量|水平|情况|效果|状况|标准)$")


def object_of(ctx: SubmissionContext, row: RowView) -> str:
    """What a quality row is about: 养护质量 in 农村公路养护 -> 农村公路养护; 路面工程质量 -> 路面工程."""
    obj = _QUALITY_TAIL.sub("", row.name_core)
    project = ctx.project_object
    if len(obj) <= 2 and (not obj or obj in project):
        return project
    return obj


def is_quality_row(row: RowView) -> bool:
    return row.sub == "质量" or bool(re.search(r"质量|品质", row.name_core))


def _fill(template: str, ctx: SubmissionContext, row: RowView) -> str:
    return template.format(
        name=row.name_core,
        subject=subject_of(row),
        object=object_of(ctx, row),
        project=ctx.project or "本项目",
        value=fmt_number(row.value_num) if row.value_num is not None else row.value,
        year=ctx.sub.year or "本",
    )


# ---------------------------------------------------------------- VAGUE_VALUE
def vague_reason(ctx: SubmissionContext, row: RowView) -> str | None:
    """Why a (non-cost, non-deadline) value is not measurable, or None when it is."""
    lex, v = ctx.lex, row.value
    if not v:
        return "为空，没有填写目标值" if row.op != "定性" or row.name else None
    if row.value_num is not None or _DATE_RE.search(v):
        return None
    if lex.scale.search(v):
        return f"只列出了分档（{v}），没有选定目标档次，也没有各档的判定标准"
    if lex.qualitative_standard.search(v):
        return None
    if _YES_NO_NAME.search(row.name) and v in ("是", "否"):
        return None  # 工程是否通过竣工验收：是 — a decidable yes/no target
    if (v in _PASS_WORDS and _NAMED_STANDARD.search(row.name)) or (
        v in _GRADE_WORDS and _GRADING.search(row.name)
    ):
        return None  # 工程质量等级：合格 / 考核等次：优秀 — judged against the named standard
    if v in lex.bare_values:
        return "只有一个评价词，没有数值或可判断的标准"
    m = lex.vague.search(v)
    if m:
        return f"只有“{m.group(0)}”这类程度描述，没有数值、基准或可判断的分档标准"
    if _ABSENCE.search(v):
        return None
    if len(v) >= 8:
        return "是一句描述，没有数值或可判断的分档标准"
    return None


def _goal_clause_for(ctx: SubmissionContext, row: RowView) -> str | None:
    """A goal clause with a number about the same subject (the goal often holds the measurable value)."""
    from assistant.checks.rules_relevance import bigrams

    topic = bigrams(subject_of(row))
    for clause in re.split(r"[，。；;,]", ctx.goal):
        if re.search(r"\d", clause) and topic & bigrams(clause) and not re.search(r"元|每", clause):
            return re.sub(r"^\s*\d{4}\s*年", "", clause).strip()
    return None


def check_vague_values(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.is_cost or row.is_time or row.is_na:
            continue
        why = vague_reason(ctx, row)
        if why is None:
            continue
        quality = is_quality_row(row) and "满意" not in row.name_core
        clause = _goal_clause_for(ctx, row)
        # a quality row needs a quality measure and a benefit row a change, never the project's output count
        fits = (
            r"%|合格|达标|优良|等级"
            if quality
            else r"%|率|提高|降低|下降|增加|减少|增收|缩短"
            if row.level1 == "效益"
            else r"."
        )
        if clause and re.search(fits, clause):
            rewrite = f"{row.name_core}改为年度目标中的可考核值：“{clause}”"
        elif quality:  # a quality row needs a quality measure of its object, never the project's quantity
            rewrite = _fill(pick_rewrite(ctx.lex, "quality", ctx.project + row.name_core), ctx, row)
        else:
            rewrite = _fill(pick_rewrite(ctx.lex, "vague_value", row.name_core + ctx.project), ctx, row)
        yield row_hit("V03", row, "value", why=why, rewrite=rewrite)


# ---------------------------------------------------------------- TIMELINESS_VAGUE
def check_timeliness(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        if not row.is_time or row.is_na or row.value_num is not None or _DATE_RE.search(row.value):
            continue
        if ctx.lex.time_concrete.search(row.value):
            continue
        yield row_hit("V07", row, "value", value=row.value or "（空）", rewrite=_deadline_rewrite(ctx, row))


def _deadline_rewrite(ctx: SubmissionContext, row: RowView) -> str:
    if "发放" in row.name or (_WAGE_RE.search(ctx.project) and "时间" in row.name):
        return f"{row.name_core}：每月10日前发放到位（全年12次）"
    if re.search(r"办理|办结|响应|受理|入住", row.name):
        return f"{row.name_core} ≤ 15个工作日（自受理之日起算，依据办事指南承诺时限）"
    deadline = goal_deadline(ctx)
    if deadline:
        return f"{row.name_core} ≤ {deadline}（依据年度目标）"
    year = ctx.sub.year or "本"
    return f"{row.name_core} ≤ {year}年12月31日（按实施计划写明具体日期）"


# ---------------------------------------------------------------- NO_UNIT / WRONG_UNIT
def check_no_unit(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        if row.unit or row.value_num is None or row.op == "定性" or row.is_percent:
            continue
        unit = (
            "%"
            if row.is_rate_name
            else ("人" if ctx.lex.counted_as_people_end.search(row.name_core) else "（计量单位）")
        )
        rewrite = f"{row.name_core} {row.op or '≥'} {row.value}{unit}"
        yield row_hit("V02", row, "unit", rewrite=rewrite)


def _money_denominator(ctx: SubmissionContext, row: RowView) -> str:
    from assistant.checks.rules_relevance import bigrams

    topic = bigrams(re.sub(r"单价|价格|标准|费用", "", row.name_core))
    for other in ctx.rows:
        if other.sub == "数量" and other.unit and topic & bigrams(other.name_core) and not other.is_percent:
            return other.unit
    return "人·月" if _WAGE_RE.search(row.name_core) else "单位"


def wrong_unit_reason(ctx: SubmissionContext, row: RowView) -> tuple[str, str] | None:
    """(why, rewritten target) when the unit does not fit what the row measures."""
    lex, unit, op = ctx.lex, row.unit, row.op or "="
    if not unit or row.is_percent or row.value_num is None:
        return None
    base = base_unit(unit)  # 万户 counts 户
    raw_level2 = row.ind.level2 or ""
    if (
        row.is_cost
        and "元" not in unit
        and not re.search(r"社会|生态|环境", raw_level2)
        and re.search(r"标准|单价|价格|费|金额|资金|报酬|工资|补助|补贴|造价|成本|投入|投资", row.name_core)
    ):
        return "是金额", f"{row.name_core} {op} {row.value}元/{_money_denominator(ctx, row)}"
    if re.search(r"(率|满意度|比例|占比)$", row.name_core) and (
        base in lex.people_units or base in lex.count_units
    ):
        return "是比率，应以%计", f"{row.name_core} {op} {row.value}%"
    people = lex.counted_as_people_end.search(row.name_core) or _STAFF_END.search(row.name_core)
    if people and base in {"个", "户", "家", "所", "只", "台", "套", "辆", "艘"}:
        return "统计的是人数，应以“人”计", f"{row.name_core} {op} {row.value}人"
    per = declared_per(row.name_core)
    if row.per_unit is not None and per and row.per_unit.denominator:
        written = row.per_unit.denominator[0]
        other = HOUSEHOLDS if per == "人" else PEOPLE
        if written in other:
            fixed = unit.replace(f"/{written}", f"/{per}", 1)
            return f"按{per}计，单位应为“{fixed}”", f"{row.name_core} {op} {row.value}{fixed}"
    kind = unit_misfit(row.name_core, unit)
    if kind is not None and not (kind.key == "money" and row.sub in ("社会效益", "生态效益")):
        fixed = "" if kind.key == "time" else kind.fixed_unit
        target = (
            f"{row.name_core} ≤ {ctx.sub.year or '本'}年12月31日（写明具体日期）"
            if kind.key == "time"
            else f"{row.name_core} {op} {row.value}{fixed}"
        )
        return kind.why, target
    return None


def check_wrong_unit(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        found = wrong_unit_reason(ctx, row)
        if found:
            why, target = found
            yield row_hit("V12", row, "unit", why=why, rewrite=target)


# ---------------------------------------------------------------- PERCENT_WITHOUT_BASIS
def check_percent_without_basis(ctx: SubmissionContext) -> Iterator[Hit]:
    lex = ctx.lex
    for row in ctx.rows:
        if not row.is_percent or row.is_cost or row.value_num is None:
            continue
        name = row.name_core
        if (
            row.is_rate_name
            or lex.change.search(name)
            or lex.percent_ok.search(name)
            or name.endswith("性")
            or not name
        ):
            continue
        if (
            "完成" in row.value or "覆盖" in row.value
        ):  # 100%完成 / 100%覆盖 state a completion or coverage share
            continue
        if _FORMULA.search(row.name):
            continue  # （防前数−防后数）/防前数×100%: the name gives its own basis
        rewrite = _fill(pick_rewrite(lex, "percent_basis", name), ctx, row)
        yield row_hit("V13", row, "value", rewrite=rewrite)


# ---------------------------------------------------------------- VALUE_NAME_CONFLICT
def _name_percent(row: RowView) -> tuple[str, str] | None:
    """(the percentage the name promises, the name without it): 竣工验收合格率100% -> ('100', '竣工验收合格率')."""
    m = _NAME_PERCENT.search(row.name)
    if m:
        return m.group(1), _NAME_PERCENT.sub("", row.name).strip()
    m = _NAME_TAIL_PERCENT.search(row.name_core)
    if m:
        return m.group(3), row.name_core[: m.start()] + m.group(1)
    return None


_FORMULA = re.compile(r"[×x*]\s*100\s*[%％]|[/÷][^）)]{1,30}[）)]?\s*[×x*]\s*100")
_STAFF_END = re.compile(r"(?<!动)员$")  # 照管员, 网格员: a person, whatever the role
_NAME_DATE = re.compile(r"(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(?:前|之前|以前)")  # a deadline, not a start
_VALUE_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_PAREN_TEXT = re.compile(r"[（(]([^）)]*)[）)]")
# (row unit, unit a name may use instead, how many row units one of it is)
_CONVERTIBLE = (("分钟", "小时", 60.0), ("小时", "天", 24.0), ("天", "周", 7.0))


def _name_count(row: RowView) -> str | None:
    """A count in the row's own unit that the name states at its end (覆盖全县18个乡镇 = 15 个,
    一月一场（每村全年12场） = 10 场/村·年), when the value says another number."""
    head = (row.unit or "").split("/")[0]
    if (
        row.value_num is None
        or row.is_percent
        or row.money is not None
        or row.per_unit is not None
        or not head
        or not re.fullmatch(r"[\u4e00-\u9fff]{1,2}", head)
        or head in ("元", "万元")
    ):
        return None
    written = [(head, 1.0)] + [(other, factor) for unit, other, factor in _CONVERTIBLE if unit == head]
    for text in [row.name_core, *_PAREN_TEXT.findall(row.name)]:
        text = text.strip()
        if len(re.findall(r"\d+", text)) != 1:
            continue  # 大型1个、中型1个: a breakdown, not the target
        for unit, factor in written:
            m = re.search(rf"(\d+(?:\.\d+)?)\s*(万)?\s*{re.escape(unit)}[\u4e00-\u9fff]{{0,4}}$", text)
            if m:
                stated = float(m.group(1)) * (1e4 if m.group(2) else 1) * factor
                if abs(stated - row.value_num) > 1e-9:
                    return f"{m.group(1)}{m.group(2) or ''}{unit}"
    return None


def _period_conflict(row: RowView) -> tuple[int, str] | None:
    """(times a year the name implies, the period word) when a yearly count falls short of it."""
    if row.value_num is None or not row.unit.startswith(("次", "批", "期")) or not _DISBURSE.search(row.name):
        return None  # 按月开展巡查 = 4次 may count per month: only payments are judged
    for word, per_year, shown in _PERIOD_WORDS:
        if word in row.name and row.value_num < per_year:
            return per_year, shown
    return None


def check_value_name_conflict(ctx: SubmissionContext) -> Iterator[Hit]:
    for row in ctx.rows:
        named_date = _NAME_DATE.search(row.name)
        value_date = _VALUE_DATE.match(row.value or "")
        if (
            named_date
            and value_date
            and (int(named_date.group(1)), int(named_date.group(2)))
            != (int(value_date.group(2)), int(value_date.group(3)))
        ):
            shown = f"{named_date.group(1)}月{named_date.group(2)}日"
            year = value_date.group(1)
            yield row_hit(
                "V11",
                row,
                "value",
                why=f"的名称写明{shown}前",
                rewrite=f"{row.name_core} ≤ {year}-{int(named_date.group(1)):02d}-{int(named_date.group(2)):02d}"
                f"（与名称和年度目标一致）",
            )
            continue
        if row.value_num is None:
            continue
        named = _name_percent(row)
        if named and row.is_percent and abs(float(named[0]) - row.value_num) > 1e-9:
            target, clean = named
            yield row_hit(
                "V11",
                row,
                "value",
                why=f"的名称写明目标为{target}%",
                rewrite=f"名称改为“{clean}”，指标值与名称统一为“{clean} = {target}%”"
                f"（如{fmt_number(row.value_num)}%才是可实现的目标，则名称中删去“{target}%”，"
                f"写成“{clean} ≥ {fmt_number(row.value_num)}%”）",
            )
            continue
        if "一次性" in row.name and row.unit.startswith("次") and row.value_num >= 2:
            yield row_hit(
                "V11",
                row,
                "value",
                why="的名称写明一次性完成",
                rewrite=f"{row.name_core}：次数 = 1次（确需分次的，名称中删去“一次性”，写明每次的时点）",
            )
            continue
        stated = _name_count(row)
        if stated:
            yield row_hit(
                "V11",
                row,
                "value",
                why=f"的名称写明{stated}",
                rewrite=f"指标值与名称统一：如名称中的{stated}是目标，指标值改为“{stated}”；"
                f"如{fmt_number(row.value_num)}{row.unit}才是目标，改正名称中的数字",
            )
            continue
        period = _period_conflict(row)
        if period:
            per_year, shown = period
            act = _DISBURSE.search(row.name).group(0)
            deadline = (
                "（每月10日前发放到位）"
                if per_year == 12 and act == "发放"
                else f"（{shown}{act}，逐次写明时点）"
            )
            yield row_hit(
                "V11",
                row,
                "value",
                why=f"的名称要求{shown}{act}（全年应为{per_year}次）",
                rewrite=f"{row.name_core}：全年{act}次数 = {per_year}次{deadline}",
            )


RULES = {
    "V11": check_value_name_conflict,
    "V03": check_vague_values,
    "V13": check_percent_without_basis,
    "V02": check_no_unit,
    "V12": check_wrong_unit,
    "V07": check_timeliness,
}

__all__ = ["RULES", "row_target", "subject_of", "vague_reason"]
