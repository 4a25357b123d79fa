"""Reading the annual goal: the quantities it promises, its deadlines, and a draft goal built from rows."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.units import fmt_number

_CLAUSE_SPLIT = re.compile(r"[，。；;,]")
_YEAR_PREFIX = re.compile(r"^\s*(\d{4}\s*年(度)?|全年|年内|其中)\s*")
_QTY_RE = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*([\u4e00-\u9fff]{1,3}|平方米)")
_MEASURABLE_RE = re.compile(r"\d|[一二三四五六七八九十百千两]+(个|项|次|所|户|人|名|座|处|条|台|套|场|期|批|亩|公里|万)")
_DEADLINE_RE = re.compile(r"(\d{4}\s*年\s*)?(\d{1,2})\s*月\s*(\d{1,2})\s*日\s*(前|之前|以前)?")
_DATE_VALUE = re.compile(r"\d{4}\s*[-/.年]\s*\d{1,2}")
_COST_CLAUSE = re.compile(r"每|人均|户均|亩均|生均|不超过|标准|单价|补助|元")


@dataclass(frozen=True)
class GoalQuantity:
    phrase: str        # the clause as written, year prefix removed: 新建标准化茶园1500亩
    subject: str       # the object counted: 新建标准化茶园
    number: float      # with 万 applied
    unit: str


def has_measurable_content(text: str) -> bool:
    """A number (Arabic or a Chinese numeral with a measure word) anywhere in the text."""
    return bool(_MEASURABLE_RE.search(text))


def goal_quantities(ctx: SubmissionContext, units: frozenset[str]) -> list[GoalQuantity]:
    """Output quantities the annual goal promises (cost statements such as 每人每月… are left out)."""
    out: list[GoalQuantity] = []
    for clause in _CLAUSE_SPLIT.split(ctx.goal):
        clause = _YEAR_PREFIX.sub("", clause.strip())
        if not clause or _COST_CLAUSE.search(clause):
            continue
        for m in _QTY_RE.finditer(clause):
            unit = _match_unit(m.group(3), units)
            if unit is None:
                continue
            before = _YEAR_PREFIX.sub("", clause[: m.start()]).strip()
            after = clause[m.start() + len(m.group(1)) + len(m.group(2) or "") + len(unit):].strip()
            after = re.split(r"\d", after)[0]
            subject = after if len(after) >= 2 else before
            if len(subject) < 2:
                continue
            number = float(m.group(1)) * (1e4 if m.group(2) == "万" else 1e8 if m.group(2) == "亿" else 1.0)
            out.append(GoalQuantity(phrase=clause, subject=subject, number=number, unit=unit))
    return out


def _match_unit(word: str, units: frozenset[str]) -> str | None:
    for n in range(len(word), 0, -1):
        if word[:n] in units:
            return word[:n]
    return None


def goal_deadline(ctx: SubmissionContext) -> str | None:
    """The first deadline written in the goal, as 2024年8月25日 (year from the submission when omitted)."""
    m = _DEADLINE_RE.search(ctx.goal)
    if not m:
        return None
    year = m.group(1).strip().rstrip("年").strip() if m.group(1) else (str(ctx.sub.year) if ctx.sub.year else "")
    return f"{year}年{m.group(2)}月{m.group(3)}日" if year else f"{m.group(2)}月{m.group(3)}日"


def row_target(row: RowView) -> str:
    """A row as a reviewer quotes it: 救助残疾儿童人数 ≥ 420人."""
    op = row.op if row.op in ("≥", "≤", "=", ">", "<") else ""
    unit = "" if row.unit == "日期" else row.unit
    return f"{row.name_core} {op} {row.value}{unit}".replace("  ", " ").strip()


def draft_goal(ctx: SubmissionContext) -> str:
    """A measurable annual goal assembled from the submission's own quantitative rows."""
    year = f"{ctx.sub.year}年" if ctx.sub.year else "本年度"
    picked: list[str] = []
    for wanted in ("数量", "成本", "时效", "质量", "社会效益", "经济效益"):
        for row in ctx.rows:
            if row.sub == wanted and (row.value_num is not None or _DATE_VALUE.search(row.value)):
                picked.append(row_target(row))
                break
    if not picked:
        picked = [row_target(r) for r in ctx.rows if r.value_num is not None][:4]
    if not picked:
        return (f"按“{year}+对象+数量+标准+时限”写明年度目标，例如“{year}完成（事项）（数量）（单位），"
                f"（日期）前完成，（质量标准）”，并与各项指标一一对应")
    return f"年度目标改写为：{year}" + "，".join(picked) + "（与指标表逐项对应）"


def budget_text(ctx: SubmissionContext) -> str:
    return "" if ctx.budget is None else f"{fmt_number(round(ctx.budget / 1e4, 2))}万元"
