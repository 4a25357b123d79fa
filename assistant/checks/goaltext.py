"""Reading the annual goal: the quantities it promises, its deadlines, and a draft goal built from rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.units import fmt_number

_CLAUSE_SPLIT = re.compile(r"[，。；;,]")
_YEAR_PREFIX = re.compile(r"^\s*(\d{4}\s*年(度)?|全年|年内|其中)\s*")
_QTY_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*([\u4e00-\u9fff]{1,3}|平方米)")
_MEASURABLE_RE = re.compile(
    r"\d|[一二三四五六七八九十百千两]+(个|项|次|所|户|人|名|座|处|条|台|套|场|期|批|亩|公里|万)"
)
_DEADLINE_RE = re.compile(r"(\d{4}\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(前|之前|以前)?")
_DATE_VALUE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
_CONNECTORS = ("及", "和", "与", "并", "以及", "（", "(")  # 污水处理厂1座及配套管网: the subject is before
_BOUND_WORDS = ("以上", "以下", "以内", "及以上", "左右", "上下", "之内")
_COST_CLAUSE = re.compile(r"每|人均|户均|亩均|生均|不超过|标准(?!化)|单价|补助|元")


@dataclass(frozen=True)
class GoalQuantity:
    phrase: str  # the clause as written, year prefix removed: 新建标准化茶园1500亩
    subject: str  # the object counted: 新建标准化茶园
    number: float  # with 万 applied
    unit: str
    bracketed: bool = False  # inside （…）: a gloss or breakdown of the clause (10万亩×3遍), not a promise


def has_measurable_content(text: str) -> bool:
    """A number (Arabic or a Chinese numeral with a measure word) anywhere in the text."""
    return bool(_MEASURABLE_RE.search(text))


def goal_quantities(ctx: SubmissionContext, units: frozenset[str]) -> list[GoalQuantity]:
    time_units = ctx.lex.time_units
    """Output quantities the annual goal promises (cost statements such as 每人每月… are left out)."""
    out: list[GoalQuantity] = []
    clauses = [
        part
        for c in _CLAUSE_SPLIT.split(ctx.goal)
        if not c.strip().startswith("其中")  # a breakdown
        for part in c.split("、")
    ]
    for clause in clauses:
        clause = clause.strip()
        clause = _YEAR_PREFIX.sub("", clause)
        if not clause or _COST_CLAUSE.search(clause):
            continue
        for m in _QTY_RE.finditer(clause):
            unit = _match_unit(clause[m.start(3) : m.start(3) + 6], units, time_units)
            if unit is None:
                continue
            before = _YEAR_PREFIX.sub("", clause[: m.start()]).strip()
            after = clause[m.start() + len(m.group(1)) + len(m.group(2) or "") + len(unit) :].strip()
            after = re.split(r"\d", after)[0]
            if after.startswith("/"):
                continue  # 6000吨/日: a capacity or a rate, not a count of output
            if after.startswith(_BOUND_WORDS):
                after = ""  # 亩产450公斤以上, 减少10人以上: the bound, not the thing counted
            subject = after if len(after) >= 2 and not after.startswith(_CONNECTORS) else before
            if len(subject) < 2:
                continue
            number = float(m.group(1)) * (1e4 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1.0)
            depth = (
                clause[: m.start()].count("（")
                + clause[: m.start()].count("(")
                - clause[: m.start()].count("）")
                - clause[: m.start()].count(")")
            )
            out.append(
                GoalQuantity(phrase=clause, subject=subject, number=number, unit=unit, bracketed=depth > 0)
            )
    return out


def _match_unit(word: str, units: frozenset[str], time_units: frozenset[str]) -> str | None:
    """The longest unit the word starts with; None for a time span (6个月 is not 6个) or percentage points."""
    if any(word.startswith((t, "个" + t)) for t in time_units) or word.startswith(("百分点", "个百分点")):
        return None
    for n in range(len(word), 0, -1):
        if word[:n] in units:
            return word[:n]
    return None


def goal_deadline(ctx: SubmissionContext) -> str | None:
    """The first deadline written in the goal, as 2024年8月25日 (year from the submission when omitted)."""
    m = _DEADLINE_RE.search(ctx.goal)
    if not m:
        return None
    year = (
        m.group(1).strip().rstrip("年").strip() if m.group(1) else (str(ctx.sub.year) if ctx.sub.year else "")
    )
    return f"{year}年{m.group(2)}月{m.group(3)}日" if year else f"{m.group(2)}月{m.group(3)}日"


def _sound_for_goal(row: RowView) -> bool:
    """Rows fit to restate in a goal: counts, unit costs, dates, proper rates (not ≤100% or % on a slogan)."""
    if row.sub == "时效":
        return bool(_DATE_VALUE.search(row.value)) or (row.value_num is not None and bool(row.unit))
    if row.value_num is None or not row.unit:
        return False
    if row.sub == "成本":
        return row.per_unit is not None and row.op in ("≤", "=")
    if row.is_percent:
        return row.is_rate_name and row.op in ("≥", "=") and 0 < row.value_num <= 100
    return row.op in ("≥", "=", None) and row.value_num > 0


def row_target(row: RowView) -> str:
    """A row as a reviewer quotes it: 救助残疾儿童人数 ≥ 420人."""
    op = row.op if row.op in ("≥", "≤", "=", ">", "<") else ""
    unit = {"日期": "", "人数": "人", "百分比": "%"}.get(row.unit, row.unit)
    return f"{row.name_core} {op} {row.value}{unit}".replace("  ", " ").strip()


def draft_goal(ctx: SubmissionContext) -> str:
    """A measurable annual goal assembled from the submission's own quantitative rows."""
    year = f"{ctx.sub.year}年" if ctx.sub.year else "本年度"
    picked: list[str] = []
    for wanted in ("数量", "成本", "时效", "质量"):
        row = next((r for r in ctx.rows if r.sub == wanted and _sound_for_goal(r)), None)
        if row is not None:
            picked.append(row_target(row))
    if not picked:
        return (
            f"按“{year}+对象+数量+标准+时限”写明年度目标，例如“{year}完成（事项）（数量）（单位），"
            f"（日期）前完成，（质量标准）”，并与各项指标一一对应"
        )
    return f"年度目标改写为：{year}" + "，".join(picked) + "（与指标表逐项对应）"


def budget_text(ctx: SubmissionContext) -> str:
    return "" if ctx.budget is None else f"{fmt_number(round(ctx.budget / 1e4, 2))}万元"
