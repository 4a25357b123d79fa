"""A read-only view of one submission that every rule shares: each row's category, kind and units.

Categories are taken from the level columns when present and read from the indicator name when a
table has none (Chongqing-style tables list only 三级指标).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from assistant.checks.lexicon import Lexicon, get_lexicon
from assistant.checks.units import PerUnitMoney, money_scale, normalize_unit, per_unit_money
from core.models import Indicator, Submission
from core.normalize import normalize_op, to_halfwidth

_PAREN_RE = re.compile(r"[（(][^）)]*[）)]")
# Real cells write the target with words around it: ≥90%以上, 95%及以上, 100%完成, ≤15天以内.
_LOOSE_VALUE = re.compile(r"^[≥≤=<>]*\s*(\d+(?:\.\d+)?)\s*(%?)\s*(及以上|以上|及以下|以下|以内|完成)$")
_LOOSE_OP = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤"}
BENEFIT_MONEY = re.compile(r"增收|收入|增长|效益|节约|节省|带动")
_SUBS = (
    ("数量", "数量"),
    ("质量", "质量"),
    ("时效", "时效"),
    ("成本", "成本"),
    ("经济", "经济效益"),
    ("社会", "社会效益"),
    ("生态", "生态效益"),
    ("环境", "生态效益"),
    ("可持续", "可持续影响"),
    ("满意", "满意度"),
)
_SUB_TO_LEVEL1 = {
    "数量": "产出",
    "质量": "产出",
    "时效": "产出",
    "经济效益": "效益",
    "社会效益": "效益",
    "生态效益": "效益",
    "可持续影响": "效益",
    "满意度": "满意度",
}


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

    @property
    def label(self) -> str:
        """How a reviewer points at the row: 第3行指标“补贴发放时效”."""
        return f"第{self.idx + 1}行指标“{self.name or '（未填写名称）'}”"

    @property
    def shown_value(self) -> str:
        op = self.op if self.op and self.op != "定性" and not self.value.startswith(self.op) else ""
        return f"{op}{self.value}{self.unit if self.unit not in ('日期',) else ''}".strip() or "（空）"

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

    @property
    def project_object(self) -> str:
        """What the project works on, from its title: 2024年农村公路养护工程（一期） -> 农村公路养护."""
        core = re.sub(r"^\d{4}\s*年(度)?", "", _PAREN_RE.sub("", self.project)).strip()
        return re.sub(r"(项目|工程|资金|经费|专项)+$", "", core) or core or "本项目"

    @property
    def project_text(self) -> str:
        """What the project says it does: its name and goals (not the indicator rows)."""
        return f"{self.project}。{self.goal}。{self.overall}"


def _sub_category(ind: Indicator) -> str | None:
    text = " ".join(x for x in (ind.level2_norm, ind.level1) if x)
    for key, sub in _SUBS:
        if key in text:
            return sub
    return None


# a survey of the served public by another name (认可度, 获得感): a satisfaction row
SATISFACTION_NAME = re.compile(r"满意|认可度|获得感|幸福感|认同度")


def _infer_sub_from_name(name: str, unit: str, lex: Lexicon) -> str | None:
    if SATISFACTION_NAME.search(name):
        return "满意度"
    if lex.timeliness_name.search(name) and not lex.rate.search(name.replace("及时", "")):
        return "时效"
    if (
        (per_unit_money(unit) or money_scale(unit))
        and lex.unit_cost.search(name)
        and not BENEFIT_MONEY.search(name)
    ):
        return "成本"
    return None


def _loose_number(value: str, op: str | None) -> tuple[float | None, str | None, bool]:
    """(number, operator, is percent) read from a wordy cell such as '≥90%以上'; (None, op, False) otherwise."""
    m = _LOOSE_VALUE.match(value)
    if not m:
        return None, op, False
    return float(m.group(1)), op or _LOOSE_OP.get(m.group(3)), bool(m.group(2))


def build_row(idx: int, ind: Indicator, has_levels: bool, lex: Lexicon) -> RowView:
    name = to_halfwidth(ind.name or "").strip()
    value = to_halfwidth(ind.value or "").strip()
    op = ind.op
    if op is None and value[:1] in "≥≤=<>":  # operator written into the value cell (≥95%)
        op = normalize_op(re.match(r"[≥≤=<>]+", value).group(0))
    value_num, loose_percent = ind.value_num, False
    if value_num is None and op != "定性" and value:
        value_num, op, loose_percent = _loose_number(value, op)
    unit = normalize_unit(ind.unit)
    sub = _sub_category(ind)
    if sub is None and not ind.level1_norm:
        sub = _infer_sub_from_name(name, unit, lex)
    level1 = ind.level1_norm or (_SUB_TO_LEVEL1.get(sub) if sub else None)
    if level1 is None and sub == "成本":
        level1 = "成本"
    name_core = _PAREN_RE.sub("", name).strip() or name
    is_percent = unit in lex.percent_units or value.endswith("%") or loose_percent
    time_name = bool(lex.timeliness_name.search(name_core)) and not lex.rate.search(name_core)
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
        is_rate_name=bool(lex.rate.search(name_core)),
        is_cost=sub == "成本" or level1 == "成本",
        is_time=sub == "时效" or (sub is None and time_name),
        is_na=value in lex.not_applicable or name in lex.not_applicable,
        money=money_scale(unit) if "/" not in unit else None,
        per_unit=per_unit_money(unit),
    )


def build_context(sub: Submission) -> SubmissionContext:
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
    )
