"""A read-only view of one submission that every rule shares: each row's category, kind and units.

Categories are taken from the level columns when present and read from the indicator name when a
table has none (Chongqing-style tables list only 三级指标).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from assistant.checks.lexicon import Lexicon, get_lexicon
from assistant.checks.text import PAREN, strip_year
from assistant.checks.units import PerUnitMoney, money_scale, normalize_unit, per_unit_money, quantity_unit
from core.models import Indicator, Standard, Submission
from core.normalize import normalize_op, parse_number, to_halfwidth

_OPERATOR = re.compile(r"[≥≤=<>]+")


@dataclass
class RowView:
    """One indicator row with what the rules need to know about it."""

    idx: int
    ind: Indicator
    name: str
    name_core: str  # name without bracketed notes, e.g. 满意度(问卷调查) -> 满意度
    value: str
    value_num: float | None
    op: str | None
    unit: str  # normalised unit ('' when missing)
    level1: str | None  # 产出 / 效益 / 满意度 / 成本 / None (read from name when no levels)
    sub: str | None  # 数量 / 质量 / 时效 / 成本 / 经济效益 / 社会效益 / 生态效益 / 可持续影响 / 满意度
    is_percent: bool
    is_rate_name: bool
    is_cost: bool
    is_time: bool
    is_na: bool  # the row says it does not apply (生态效益：无)
    money: float | None  # yuan per unit of a plain money unit (万元 -> 10000), None otherwise
    per_unit: PerUnitMoney | None
    unit_in_value: bool = False  # the unit was read from the value cell (≥60场, ≤5000元/场)
    op_in_value: bool = False  # the operator was read from the value cell's words (不低于95%, 300人以上)

    @property
    def label(self) -> str:
        """How a reviewer points at the row: 第3行指标“补贴发放时效”."""
        return f"第{self.idx + 1}行指标“{self.name or '（未填写名称）'}”"

    @property
    def shown_value(self) -> str:
        written = self.op_in_value or not self.op or self.op == "定性" or self.value.startswith(self.op)
        op = "" if written else self.op
        unit = "" if self.unit_in_value or self.unit in ("日期",) else self.unit
        return f"{op}{self.value}{unit}".strip() or "（空）"

    @property
    def is_quantitative(self) -> bool:
        return self.op in ("≥", "≤", "=", ">", "<") or (self.op is None and self.value_num is not None)


@dataclass
class SubmissionContext:
    sub: Submission
    rows: list[RowView]
    has_levels: bool
    project: str
    goal: str
    overall: str
    budget: float | None
    lex: Lexicon = field(repr=False)
    # per-submission memo of readings several rules share (e.g. a row's value-name conflict)
    memo: dict[str, Any] = field(default_factory=dict, repr=False)
    # the bureau's 支出标准 (formats.md §5), passed in by the caller; none: no cost comparison
    standards: tuple[Standard, ...] = ()
    # 事前绩效评估 threshold in 元 for new projects (EX_ANTE_MISSING); None: the rule's default
    ex_ante_min_yuan: float | None = None

    @property
    def project_object(self) -> str:
        """What the project works on, from its title: 2024年农村公路养护工程（一期） -> 农村公路养护."""
        core = strip_year(PAREN.sub("", self.project)).strip()
        tails = self.lex.any("project_title_tails").pattern
        return re.sub(f"(?:{tails})+$", "", core) or core or "本项目"

    @property
    def unidentifiable(self) -> bool:
        """No project name, or a catch-all (汇总, 其他经费 …) whose content cannot be identified."""
        return not self.project or bool(self.lex.pattern("catch_all").search(self.project))

    @property
    def project_text(self) -> str:
        """What the project says it does: its name and goals (not the indicator rows)."""
        return f"{self.project}。{self.goal}。{self.overall}"


def _sub_category(ind: Indicator, lex: Lexicon) -> str | None:
    text = " ".join(x for x in (ind.level2_norm, ind.level1) if x)
    for key, sub in lex.table("level2_categories"):
        if key in text:
            return sub
    return None


def _infer_sub_from_name(name: str, unit: str, lex: Lexicon) -> str | None:
    if lex.any("satisfaction_words").search(name):
        return "满意度"
    rate = lex.any("rate_words")
    if lex.any("timeliness_name_words").search(name) and not rate.search(
        lex.any("timeliness_not_rate").sub("", name)
    ):
        return "时效"
    if (
        (per_unit_money(unit) or money_scale(unit))
        and lex.any("unit_cost_words").search(name)
        and not lex.any("benefit_money_words").search(name)
    ):
        return "成本"
    return None


def _loose_number(value: str, op: str | None, lex: Lexicon) -> tuple[float | None, str | None, bool]:
    """(number, operator, is percent) read from a wordy cell such as '≥90%以上'; else (None, op, False)."""
    m = lex.pattern("loose_value").match(value)
    if not m:
        return None, op, False
    return float(m.group(1)), op or lex.table("loose_ops").get(m.group(3)), bool(m.group(2))


def _verbal_operator(value: str, op: str | None, lex: Lexicon) -> tuple[str, str | None]:
    """(the cell without a leading operator in words, the operator): 不低于95% -> ('95%', '≥'),
    ≧300人 -> ('300人', '≥'); 达到95% -> ('95%', op) (达到 says no direction of its own)."""
    text = value.replace("≧", "≥").replace("≦", "≤")
    m = lex.pattern("verbal_op").match(text)
    if m is None:
        return text, op or (normalize_op(text[:1]) if text[:1] in "≥≤" else None)
    return text[m.end() :].strip(), op or lex.table("verbal_ops").get(m.group(1)) or None


def _value_with_unit(value: str, lex: Lexicon) -> tuple[float, str, str | None] | None:
    """(number, unit, operator of a bound word) from a cell that writes its unit inside the value:
    ≥60场, ≤5000元/场, ≥3.5万头, 300人以上; None when the word after the number is not a unit."""
    m = lex.pattern("value_with_unit").match(value.replace(" ", ""))
    if not m:
        return None
    unit = m.group(2)
    base = unit[1:] if unit[:1] in ("万", "亿") and len(unit) > 1 else unit
    known = lex.words(
        "people_units",
        "count_units",
        "measure_units",
        "time_units",
        "money_units",
        "percent_units",
        "value_unit_words",
    )
    if (base not in known and per_unit_money(unit) is None) or unit in lex.words("calendar_words"):
        return None  # 12月, 15日: a point in the calendar, not an amount of time
    return float(m.group(1)), unit, lex.table("loose_ops").get(m.group(3)) if m.group(3) else None


def _unit_in_name(name: str, lex: Lexicon) -> str:
    """The unit a name states in its closing bracket (受益人口数（人）, 人均成本（元/人）), or ''."""
    m = lex.pattern("name_unit").search(name)
    if not m:
        return ""
    unit = normalize_unit(m.group(1))
    base = unit[1:] if unit[:1] in ("万", "亿") and len(unit) > 1 else unit
    known = lex.words("people_units", "count_units", "measure_units", "money_units", "percent_units")
    return unit if base in known or base in lex.words("value_unit_words") or per_unit_money(unit) else ""


def build_row(idx: int, ind: Indicator, has_levels: bool, lex: Lexicon) -> RowView:
    name = to_halfwidth(ind.name or "").strip()
    value = to_halfwidth(ind.value or "").strip()
    op = ind.op
    written_op = _OPERATOR.match(value)
    if op is None and written_op:  # operator written into the value cell (≥95%)
        op = normalize_op(written_op.group(0))
    value_num, loose_percent = ind.value_num, False
    target = value  # the cell as read for its number: 不低于95% -> 95% (operator ≥)
    if value_num is None and op != "定性" and value:
        target, op = _verbal_operator(value, op, lex)
        value_num = parse_number(target)
    if value_num is None and op != "定性" and target:
        value_num, op, loose_percent = _loose_number(target, op, lex)
    unit = normalize_unit(ind.unit)
    unit_in_value = False
    if value_num is None and op != "定性" and target and not unit:
        split = _value_with_unit(target, lex)
        if split is not None:
            value_num, unit, bound_op = split
            op, unit_in_value = op or bound_op, True
    if not unit and value_num is not None:
        unit = _unit_in_name(name, lex)
    sub = _sub_category(ind, lex)
    if sub is None and not ind.level1_norm:
        sub = _infer_sub_from_name(name, unit, lex)
    level1 = ind.level1_norm or (lex.table("level1_of").get(sub) if sub else None)
    if level1 is None and sub == "成本":
        level1 = "成本"
    name_core = PAREN.sub("", name).strip() or name
    is_percent = unit in lex.words("percent_units") or value.endswith("%") or loose_percent
    rate = lex.any("rate_words")
    time_name = bool(lex.any("timeliness_name_words").search(name_core)) and not rate.search(name_core)
    return RowView(
        idx=idx,
        ind=ind,
        name=name,
        name_core=name_core,
        value=value,
        value_num=value_num,
        op=op,
        unit=unit,
        level1=level1,
        sub=sub,
        is_percent=is_percent,
        is_rate_name=bool(rate.search(name_core)),
        is_cost=sub == "成本" or level1 == "成本",
        is_time=sub == "时效" or (sub is None and time_name),
        is_na=value in lex.words("not_applicable_values") or name in lex.words("not_applicable_values"),
        money=money_scale(unit) if "/" not in unit else None,
        per_unit=per_unit_money(unit),
        unit_in_value=unit_in_value,
        op_in_value=ind.op is None and op is not None,
    )


def build_context(
    sub: Submission, *, standards: tuple[Standard, ...] = (), ex_ante_min_yuan: float | None = None
) -> SubmissionContext:
    lex = get_lexicon()
    has_levels = any(ind.level1 or ind.level2 for ind in sub.indicators)
    rows = [build_row(i, ind, has_levels, lex) for i, ind in enumerate(sub.indicators)]
    return SubmissionContext(
        sub=sub,
        rows=rows,
        has_levels=has_levels,
        project=to_halfwidth(sub.project or "").strip(),
        goal=to_halfwidth(sub.annual_goal or "").strip(),
        overall=to_halfwidth(sub.overall_goal or "").strip(),
        budget=sub.budget_yuan if sub.budget_yuan and sub.budget_yuan > 0 else None,
        lex=lex,
        standards=tuple(standards),
        ex_ante_min_yuan=ex_ante_min_yuan,
    )


def row_count(row: RowView) -> float | None:
    """The row's number with 万/亿 of its unit applied (3.2 万人 -> 32000)."""
    if row.value_num is None:
        return None
    scale, _ = quantity_unit(row.unit) if row.unit else (1.0, ())
    return row.value_num * scale


def countable(row: RowView) -> bool:
    """A positive count of something in a unit: not a rate, a cost, money or a time."""
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


def input_rate(ctx: SubmissionContext, row: RowView) -> str | None:
    """The input-rate word a row is named by (资金到位率, 预算执行率, 经费保障率), or None.

    到位率 is about money only when the name names money (人员到位率 is not); 执行率 / 保障率 only right
    after a money word (资金执行率, 经费保障率; not 管理制度执行率, 应急保障率); the 预算执行率 item
    scored under its own first level is the 自评 item, not a row.
    """
    lex = ctx.lex
    m = lex.any("input_rate_words").search(row.name_core)
    if m is None:
        return None
    if m.group(0) in lex.words("money_only_rate_words") and not lex.any("money_words").search(row.name_core):
        return None
    if m.group(0) in lex.words("money_named_rate_words") and not lex.ends("money_words").search(
        row.name_core[: m.start()]
    ):
        return None  # 资金执行率 / 经费保障率 spend money; 补助标准执行率 applies a standard
    raw_level1 = row.ind.level1 or ""
    if "执行" in raw_level1:
        return None
    if row.level1 in ("产出", "效益", "成本") or "到位" in m.group(0):
        return m.group(0)
    return None
