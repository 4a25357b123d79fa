"""Structured fixes (DESIGN.md §7), built from the submission: what a rule function attaches to its hit.

A rule says what kind of edit its finding needs by calling one builder here (`vague_fix`, `time_fix`,
`cost_fix`, `effect`, `delete` …) and passing the result as the hit's `fix`. A builder reads only the row,
the submission and remedies.yaml, and keeps the row's subject and meaning: a cost row becomes a unit cost of
the same thing (budget ÷ quantity when both are in the submission), a satisfaction row stays a satisfaction
rate, a rate is never "≥ 100%", a rate of bad things never becomes a target that cannot fail, a payment row
keeps its period. Numbers the submission does not give are written `〔待填：说明〕`.

What one fix cannot know alone — which effect the other rows already use, where a deleted row's weight goes,
what the goal should say once the rows are fixed — is settled by `fixplan.plan_fixes` over all the findings
of a submission. A `Draft` is a `Fix` with that planning data beside it; only the `Fix` fields are public.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import Field

from assistant.checks.context import RowView, SubmissionContext
from assistant.checks.coverage import indicator_name, uncovered_goal_outputs
from assistant.checks.goaltext import goal_deadline, goal_quantities
from assistant.checks.text import bigrams
from assistant.checks.units import fmt_number, fmt_yuan, quantity_unit
from assistant.models import Fix

log = logging.getLogger(__name__)
NO_FIXES = "fixes.off"  # set in a context's memo to run the rules without building fixes

REMEDIES_FILE = Path(__file__).with_name("remedies.yaml")
PLACEHOLDER = re.compile(r"〔待填[:：][^〕]*〕")
ROW_FIELDS = ("level1", "level2", "name", "op", "value", "unit", "weight", "basis")
TARGET_FIELDS = ("name", "op", "value", "unit")
BENEFIT_SUBS = ("社会效益", "经济效益", "生态效益", "可持续影响")
_MEASURE_UNITS = ("平方米", "亩", "公里", "吨", "米", "立方米", "延米", "公顷", "千米")


# ----------------------------------------------------------------------------------------- remedies
@dataclass(frozen=True)
class EffectRow:
    """One effect a kind of project can cause (remedies.yaml `effects`)."""

    kind: str
    sub: str
    name: str
    op: str
    value: str
    unit: str
    basis: str
    words: re.Pattern[str] | None = None
    eco: bool = False
    econ: bool = False
    when: re.Pattern[str] | None = None


class Remedies:
    """remedies.yaml, compiled once: patterns, texts, schedules, beneficiaries, effects by kind, quality."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.priority: tuple[str, ...] = tuple(raw["priority"])
        self._patterns = {k: re.compile(v) for k, v in raw["patterns"].items()}
        self._texts: dict[str, Any] = dict(raw["texts"])
        self.schedules = tuple((re.compile(s["when"]), s["text"], int(s["times"])) for s in raw["schedules"])
        self.semester_schedule: str = raw["semester_schedule"]
        self.monthly_schedule: str = raw["monthly_schedule"]
        self.beneficiaries = tuple((re.compile(b["when"]), b["who"]) for b in raw["beneficiaries"])
        self.kinds = tuple((k["kind"], re.compile(k["when"])) for k in raw["effects"])
        self.effects = {
            k["kind"]: tuple(_effect_row(k["kind"], r) for r in k["rows"]) for k in raw["effects"]
        }
        self.fallback = _effect_row("fallback", raw["fallback_effects"][0])
        self.quality = tuple((re.compile(q["when"]), q) for q in raw["quality"])
        self.quality_default: dict[str, Any] = raw["quality_default"]

    def pattern(self, key: str) -> re.Pattern[str]:
        return self._patterns[key]

    def text(self, key: str, **params: object) -> str:
        return str(self._texts[key]).format(**params)

    def table(self, key: str) -> Mapping[str, str]:
        return self._texts[key]


def _effect_row(kind: str, raw: Mapping[str, Any]) -> EffectRow:
    return EffectRow(
        kind=kind,
        sub=raw["sub"],
        name=raw["name"],
        op=raw["op"],
        value=str(raw["value"]),
        unit=raw.get("unit", ""),
        basis=raw.get("basis", ""),
        words=re.compile(raw["words"]) if raw.get("words") else None,
        eco=bool(raw.get("eco")),
        econ=bool(raw.get("econ")),
        when=re.compile(raw["when"]) if raw.get("when") else None,
    )


@lru_cache(maxsize=1)
def remedies() -> Remedies:
    return Remedies(yaml.safe_load(REMEDIES_FILE.read_text(encoding="utf-8")))


def _p(key: str) -> re.Pattern[str]:
    return remedies().pattern(key)


def _t(key: str, **params: object) -> str:
    return remedies().text(key, **params)


def todo(what: str) -> str:
    """A value the reviewer cannot know: 〔待填：实际保洁面积〕."""
    return f"〔待填：{what}〕"


def _todo(key: str, **params: object) -> str:
    return todo(_t(key, **params))


def safe(builder: Callable[..., Draft | None]) -> Callable[..., Draft | None]:
    """A builder that fails gives no fix (logged with its name); it never costs the rule its finding."""

    @functools.wraps(builder)
    def run(*args: Any, **kwargs: Any) -> Draft | None:
        if args and isinstance(args[0], SubmissionContext) and args[0].memo.get(NO_FIXES):
            return None  # the rules run again to check fixes: nothing to build
        try:
            return builder(*args, **kwargs)
        except Exception:  # noqa: BLE001 — a fix is a help, the finding stands without it
            log.warning("fix builder %s failed", builder.__name__, exc_info=True)
            return None

    return run


# -------------------------------------------------------------------------------------------- drafts
class Draft(Fix):
    """A fix while the planner still works on it. `full` marks a replace that rewrites the whole target
    (a new name), which wins over partial edits of the row; `need` asks the planner to fill the draft from
    the whole submission ("effect", "goal", "weights", "weigh", "per_budget"); `keep` is the row a deleted
    row's weight goes to; `note` says how a value was obtained; `data` is what the planner needs."""

    row: dict[str, Any] = Field(default_factory=dict)
    also: list[Fix] | None = None
    full: bool = Field(default=False, exclude=True)
    need: str | None = Field(default=None, exclude=True)
    keep: int | None = Field(default=None, exclude=True)
    note: str = Field(default="", exclude=True)
    data: dict[str, Any] = Field(default_factory=dict, exclude=True)

    @property
    def companions(self) -> list[Draft]:
        return [a for a in self.also or [] if isinstance(a, Draft)]

    def with_(self, **update: Any) -> Draft:
        return self.model_copy(update=update)

    def public(self, ctx: SubmissionContext | None = None) -> Fix:
        """The DESIGN.md §7 fix: changed fields only (given the submission, a cell left as it was is
        dropped; a changed target keeps op, value and unit together), companions in `also`."""
        row = {k: v for k, v in self.row.items() if k in ROW_FIELDS}
        i = self.indicator
        if ctx is not None and self.action == "replace_row" and i is not None and 0 <= i < len(ctx.rows):
            row = _changed_only(ctx.rows[i], row)
        return Fix(
            action=self.action,
            indicator=self.indicator if self.action in ("replace_row", "delete_row") else None,
            row=row if self.action in ("replace_row", "add_row") else None,
            field=self.field if self.action == "set_field" else None,
            value=self.value if self.action == "set_field" else None,
            also=[a.public(ctx) for a in self.companions] or None,
        )


def _same(a: Any, b: Any) -> bool:
    if a in (None, "") or b in (None, ""):
        return a in (None, "") and b in (None, "")
    try:
        return float(a) == float(b)
    except (TypeError, ValueError):
        return str(a).strip() == str(b).strip()


def _changed_only(before: RowView, row: dict[str, Any]) -> dict[str, Any]:
    target = [k for k in TARGET_FIELDS[1:] if k in row]
    same = {k for k in row if _same(row[k], getattr(before.ind, k, None))}
    if target and not set(target) <= same:
        same -= set(target)  # the target is stated whole when any part of it changes
    out = {k: v for k, v in row.items() if k not in same}
    return out or row


def edit(row: RowView, note: str = "", **fields: Any) -> Draft:
    """Change some cells of a row (unit, operator, value …) and keep its subject."""
    return Draft.model_construct(
        action="replace_row", indicator=row.idx, row=_with_target(row, fields), note=note
    )


def rewrite(row: RowView, note: str = "", **fields: Any) -> Draft:
    """Replace the row's target with a new one (a new name)."""
    return Draft.model_construct(
        action="replace_row", indicator=row.idx, row=_with_target(row, fields), full=True, note=note
    )


def delete(row: RowView, keep: int | None = None, note: str = "") -> Draft:
    return Draft.model_construct(action="delete_row", indicator=row.idx, keep=keep, note=note)


def effect(row: RowView) -> Draft:
    """Rewrite this benefit row into an effect the project can cause (chosen by the planner)."""
    return Draft.model_construct(action="replace_row", indicator=row.idx, full=True, need="effect")


def add(note: str = "", **fields: Any) -> Draft:
    return Draft.model_construct(
        action="add_row", row={k: v for k, v in fields.items() if v is not None}, note=note
    )


def set_field(name: str, value: str, note: str = "") -> Draft:
    return Draft.model_construct(action="set_field", field=name, value=value, note=note)


def goal() -> Draft:
    """The annual goal, drafted by the planner from the table as it will be after the other fixes."""
    return Draft.model_construct(action="set_field", field="annual_goal", need="goal")


def weights(rows_total: float = 100) -> Draft:
    """Weights of the rows summing to `rows_total` (100; 90 in a 自评表 whose 预算执行率 10 is scored outside
    the rows) on the table as it will be after the other fixes (planner)."""
    return Draft.model_construct(action="replace_row", need="weights", data={"rows_total": rows_total})


def weighted_add(draft: Draft, extra: Iterable[Draft] = ()) -> Draft:
    """An addition and further rows it carries; in a weighted table the planner gives them weight."""
    return draft.with_(also=list(extra) or None, need="weigh")


def _with_target(row: RowView, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The changed fields; a changed target always states op, value and unit together."""
    out = {k: v for k, v in fields.items() if k in ROW_FIELDS}
    if any(k in out for k in ("op", "value")):
        if (row.op_in_value or row.unit_in_value) and row.value_num is not None:
            # the cell wrote operator and unit into the value (≤600人, 不低于95%): the fix splits them
            out.setdefault("op", row.op)
            out.setdefault("value", fmt_number(row.value_num))
            out.setdefault("unit", row.unit or ("%" if row.is_percent else row.ind.unit))
        out.setdefault("op", row.ind.op)
        out.setdefault("value", row.ind.value)
        out.setdefault("unit", row.ind.unit)
    return out


# -------------------------------------------------------------------------------------- text helpers
def _memo(func: Callable[[SubmissionContext], Any]) -> Callable[[SubmissionContext], Any]:
    """A value derived from the whole submission, computed once per submission (kept in ctx.memo)."""
    key = f"fixes.{func.__name__}"

    @functools.wraps(func)
    def cached(ctx: SubmissionContext) -> Any:
        if key not in ctx.memo:
            ctx.memo[key] = func(ctx)
        return ctx.memo[key]

    return cached


def subject_of(name: str) -> str:
    return _p("subject_tail").sub("", _p("paren").sub("", name)).strip() or name


@_memo
def title_core(ctx: SubmissionContext) -> str:
    """The title without region, years, brackets and 项目/资金 words: 中江县农业水价…项目小型水库水标尺
    制作安装项目 -> 小型水库水标尺制作安装."""
    title = _p("year_span").sub("", _p("paren").sub("", ctx.project or ""))
    m = _p("region").match(title)
    if m and m.end() and not _p("not_after_region").match(title[m.end() :]):
        stripped = title[m.end() :].strip()
        title = stripped if len(stripped) >= 4 else title
    inner = [m.end() for m in _p("inner_project").finditer(title) if m.end() < len(title) - 3]
    if inner:
        title = title[inner[-1] :]
    title = _p("purchased_service").sub("", title)
    for _ in range(3):
        title = _p("core_tail").sub("", title).strip()
    return title or _t("name_default_subject")


@_memo
def project_object(ctx: SubmissionContext) -> str:
    """What the project works on, short enough for a row name: 雪亮工程…机房租赁… -> 雪亮工程市本级机房."""
    title = title_core(ctx)
    for _ in range(3):
        title = _p("title_tail").sub("", _p("activity_tail").sub("", title)).strip()
    return title if len(title) >= 3 else title_core(ctx)


@_memo
def who(ctx: SubmissionContext) -> str:
    """The people the project serves: 高龄老人, 受助学生, 村（社区）干部 … (服务对象 when none is named)."""
    for text in (ctx.project, ctx.goal, " ".join(r.name for r in ctx.rows)):
        for pattern, name in remedies().beneficiaries:
            if text and pattern.search(text):
                return name
    return "服务对象"


@_memo
def trainee(ctx: SubmissionContext) -> str:
    """The people a training trains: 参训农民, 参训学生, 参训人员."""
    name = who(ctx)
    if name.startswith("参训"):
        return name
    base = _p("beneficiary_prefix").sub("", name)
    return f"参训{base}" if base and len(base) <= 4 and base != "服务对象" else "参训人员"


@_memo
def project_kinds(ctx: SubmissionContext) -> list[str]:
    """The kinds of remedies.yaml whose words the project name has (else its goal's), in file order; none for
    a catch-all project (其他…经费（汇总）), whose effects no one can name."""
    if ctx.unidentifiable:
        return []
    for text in (ctx.project, ctx.goal, ctx.overall):
        kinds = [kind for kind, pattern in remedies().kinds if text and pattern.search(text)]
        if kinds:
            return kinds
    return []


def target_text(row: Mapping[str, Any]) -> str:
    """How a reviewer writes a target: 受助学生因家庭经济困难辍学人数 = 0人; 助学金发放时间：每季度末…"""
    name = (row.get("name") or "").strip()
    op = row.get("op") or ""
    op = "" if op == "定性" else op
    value = str(row.get("value") or "").strip()
    unit = row.get("unit") or ""
    unit = {"日期": "", "百分比": "%"}.get(unit, unit)
    if op and value.startswith(op):
        op = ""
    shown = f"{op} {value}{unit}".strip()
    if name and not op and value and not re.match(r"[\d〔]", value):
        return f"{name}：{shown}"
    return f"{name} {shown}".strip() if name else shown


def _num(x: float) -> str:
    return fmt_number(round(x)) if x >= 100 else fmt_number(round(x, 2))


def level_cells(ctx: SubmissionContext, level1: str, level2: str) -> dict[str, str]:
    """The level cells of a row of (level1, level2), written the way this table writes its own."""
    if not ctx.has_levels:
        return {}
    l1 = next((r.ind.level1 for r in ctx.rows if r.ind.level1 and r.ind.level1_norm == level1), None)
    l2 = next((r.ind.level2 for r in ctx.rows if r.ind.level2 and r.ind.level2_norm == level2), None)
    suffix1 = any((r.ind.level1 or "").endswith("指标") for r in ctx.rows)
    suffix2 = any((r.ind.level2 or "").endswith("指标") for r in ctx.rows)
    return {
        "level1": l1 or (level1 + ("指标" if suffix1 else "")),
        "level2": l2 or (level2 + ("指标" if suffix2 else "")),
    }


# ---------------------------------------------------------------------------------------- deadlines
def _date(y: int | str, m: int | str, d: int | str) -> str:
    return _t("date", y=y, m=int(m), d=int(d))


def deadline(ctx: SubmissionContext, row: RowView | None = None) -> tuple[str, str]:
    """(a date, where it came from) for a completion deadline: the row's name, the goal, another time row,
    the project's period, the budget year's end; else a 〔待填〕."""
    dated = _p("date_in_text")
    if row is not None:
        m = dated.search(row.name)
        if m:
            return _date(*m.groups()), _t("note_deadline_name")
    found = goal_deadline(ctx)
    if found and re.match(r"\d{4}年", found):
        return found, _t("note_deadline_goal")
    for other in ctx.rows:
        m = dated.search(other.value) if other.is_time and other is not row else None
        if m:
            return _date(*m.groups()), _t("note_deadline_row", n=other.idx + 1)
    m = _p("period_end").search(ctx.sub.period or "")
    if m:
        year, month = int(m.group(1)), int(m.group(2))
        last = 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30 if month != 2 else 28
        return _date(year, month, last), _t("note_deadline_period")
    if ctx.sub.year:  # the year's end only restates the budget year: the date itself is left to fill
        return f"{ctx.sub.year}年{_todo('todo_month_day')}", _t("note_deadline_year")
    return _todo("todo_date"), _t("note_deadline_todo")


def payment_schedule(ctx: SubmissionContext, row: RowView) -> str | None:
    """When money paid to people is paid: the row's own period (按季 stays quarterly), else the project's."""
    rem = remedies()
    for pattern, text, _times in rem.schedules:
        if pattern.search(row.name + row.value):
            return text
    if _p("semester_project").search(ctx.project) and not _p("wage_project").search(ctx.project):
        return rem.semester_schedule
    if _p("wage_project").search(ctx.project) or _p("wage_project").search(row.name):
        for pattern, text, _times in rem.schedules:
            if pattern.search(ctx.project_text):
                return text
        return rem.monthly_schedule
    return None


@safe
def time_fix(ctx: SubmissionContext, row: RowView) -> Draft:
    """A 时效 row with nothing to check: a payment schedule in its own period, a handling limit, or a
    completion date (the goal's, another row's, the period's end, the budget year's end)."""
    name = row.name_core
    if _p("emergency").search(name):
        base = _p("time_tail").sub("", name) or name
        return rewrite(
            row,
            name=_t("name_emergency", base=base),
            op="≤",
            value=_todo("todo_emergency"),
            unit="小时",
            note=_t("note_emergency"),
        )
    if _p("interest").search(name):
        base = _p("time_tail").sub("", name) or name
        return rewrite(
            row,
            name=_t("name_time_pay", base=base),
            op="定性",
            value=_t("interest_schedule"),
            unit="",
            note=_t("note_interest"),
        )
    pays = _p("pay_words").search(name) or (
        _p("pay_words").search(row.value) and _p("wage_project").search(ctx.project)
    )
    schedule = payment_schedule(ctx, row) if pays or _p("wage_project").search(ctx.project) else None
    if schedule and (pays or "时间" in name or "及时" in name):
        base = _p("time_tail").sub("", name) or name
        base = _p("schedule_lead").sub("", _p("paren").sub("", base)) or base
        verb = _p("pay_verb").search(base)
        if verb and verb.start() == 0 and len(base) == verb.end():
            paid = _p("aid_word").search(ctx.project or "")
            base = (paid.group(0) if paid else who(ctx)) + base  # 发放 -> 助学金发放
        elif verb and verb.start() == 0:
            base = base[verb.end() :] + verb.group(0)  # 发放助学金 -> 助学金发放
        elif not verb:
            base = (base or who(ctx)) + _t("name_pay_verb")
        return rewrite(
            row,
            name=_t("name_time_pay", base=base),
            op="定性",
            value=schedule,
            unit="",
            note=_t("note_pay_schedule"),
        )
    if _p("handle_words").search(name):
        fast = _p("fast_handle_words").search(name)
        base = _p("handle_tail").sub("", name) or name
        return rewrite(
            row,
            name=_t("name_time_limit", base=base),
            op="≤",
            value="24" if fast else "15",
            unit="小时" if fast else "个工作日",
            note=_t("note_service_limit"),
        )
    base = _p("time_tail").sub("", name) or name
    base = _p("time_softeners").sub("", _p("paren").sub("", base)).strip() or project_object(ctx)
    if _p("recurring_service").search(base) and not _p("completion_end").search(base):
        return rewrite(
            row,
            name=_t("name_time_limit", base=base),
            op="≤",
            value=_todo("todo_service_time"),
            unit="",
            note=_t("note_service_time"),
        )
    if _p("start_work").search(base):
        base = _p("start_work_end").sub("", base) or _t("name_default_subject")
        return rewrite(
            row,
            name=_t("name_start", base=base),
            op="≤",
            value=_todo("todo_start"),
            unit="",
            note=_t("note_start_plan"),
        )
    date, source = deadline(ctx, row)
    base = _p("completion_end").sub("", base) or _t("name_default_subject")
    name_key = "name_done_verb" if _p("time_verb_end").search(base) else "name_done"
    return rewrite(row, name=_t(name_key, base=base), op="≤", value=date, unit="", note=source)


# -------------------------------------------------------------------------------------- unit costs
def quantity_rows(ctx: SubmissionContext) -> list[RowView]:
    """Output quantities a budget buys: counted, not money, not a rate, not a specification (宽度) or time."""
    return [
        r
        for r in ctx.rows
        if r.value_num is not None
        and r.value_num > 0
        and r.unit
        and not (r.is_percent or r.is_cost or r.is_time)
        and r.money is None
        and r.per_unit is None
        and r.level1 in ("产出", None)
        and r.sub in ("数量", None)
        and not _p("spec").search(r.name_core)
        and not _p("not_count_unit").search(r.unit)
    ]


def _head_unit(row: RowView) -> str:
    tokens = quantity_unit(row.unit)[1]
    return tokens[0] if tokens else row.unit


def main_quantity(ctx: SubmissionContext, hint: str = "") -> RowView | None:
    """The one output quantity the whole budget pays for, or None when several outputs share it (`hint`: a
    cost row's name, which may name the output it prices)."""
    rows = quantity_rows(ctx)
    if not rows:
        return None
    measured = [r for r in rows if _head_unit(r) in _MEASURE_UNITS]
    if measured:
        return measured[0] if len({_head_unit(r) for r in measured}) == 1 else None
    outputs = [
        r
        for r in rows
        if not _p("scope_end").search(_p("quantity_tail").sub("", r.name_core)) and r.unit not in ("所", "家")
    ]
    if len(outputs) == 1:
        return outputs[0]
    if not outputs and len(rows) == 1:
        return rows[0]
    units = {_head_unit(r) for r in outputs}
    if outputs and units <= {"人", "名", "人次"} and "人次" in units:
        return next(r for r in outputs if "人次" in r.unit)  # services to people: priced per service
    people = [r for r in outputs if _head_unit(r) in ("人", "名")]
    if len(people) == 1 and not units & {"户", "人次"}:
        return people[0]  # 8000 children and 24000 teeth: priced per person served
    near = [r for r in outputs if hint and bigrams(hint) & bigrams(r.name_core)]
    return near[0] if len(near) == 1 else None


def short_subject(name: str) -> str:
    """An output's subject short enough for a new indicator name: 购置DR、彩超…等医疗设备 -> 医疗设备."""
    core = _p("quantity_tail").sub("", _p("paren").sub("", name)).strip().rstrip("等") or name
    if "等" in core and len(core.rsplit("等", 1)[1]) >= 2:
        core = core.rsplit("等", 1)[1]
    for _ in range(2):
        core = _p("lead_conjunction").sub("", _p("lead_verb").sub("", core)) or core
    return core if len(core) <= 12 and not re.search(r"\d", core) else ""


@dataclass(frozen=True)
class Priced:
    """What the budget buys, counted."""

    subject: str
    count: float
    unit: str
    source: str  # how the count was read, for the note


def priced_quantity(ctx: SubmissionContext, hint: str = "") -> Priced | None:
    """The main output row; else a count written in words in an output row's value (至少全年完成2次宣传);
    else the goal's or the title's output."""
    qty = main_quantity(ctx, hint)
    if qty is not None:
        scale = quantity_unit(qty.unit)[0]
        subject = short_subject(qty.name_core) or project_object(ctx)
        return Priced(
            subject, (qty.value_num or 0) * scale, _head_unit(qty), _t("source_row", name=qty.name_core)
        )
    for r in ctx.rows:
        if r.sub == "数量" and r.value_num is None:
            found = _p("text_quantity").findall(r.value or "")
            if len(found) == 1:
                number, wan, unit = found[0]
                subject = short_subject(r.name_core) or project_object(ctx)
                count = float(number) * (1e4 if wan else 1)
                return Priced(subject, count, unit, _t("source_row", name=r.name_core))
    core = core_output(ctx)
    try:
        count = float(core["value"])
    except ValueError:
        return None
    subject = short_subject(core["name"]) or project_object(ctx)
    source = _t("source_goal" if core.get("from") == "goal" else "source_title", subject=subject)
    return Priced(subject, count, core["unit"], source)


def unit_cost(ctx: SubmissionContext, noun: str = "", hint: str = "") -> dict[str, Any]:
    """A unit cost row computed from the submission: budget ÷ quantity, or 〔待填〕 when it cannot be.

    Money paid to people is priced per person (元/人·月 for pay and allowances, 元/人·年 otherwise)."""
    noun = noun or _t("noun_cost")
    priced = priced_quantity(ctx, hint)
    aid = _p("aid_word").search(ctx.project or "") or _p("aid_title").search(ctx.project or "")
    people_end = ctx.lex.ends("people_name_endings", "role_name_endings")
    if priced is not None and priced.unit in ("个", "位") and people_end.search(priced.subject):
        priced = Priced(priced.subject, priced.count, "人", priced.source)  # 补贴村干部 96个 counts people
    per_person = priced is not None and priced.unit in ("人", "名", "户")
    if aid and (per_person or (priced is None and not quantity_rows(ctx))):
        word = aid.group(0)
        named = remedies().table("name_aid_standards").get(word)
        name = named.format(who=who(ctx)) if named else _t("name_aid_standard", word=word)
        monthly = bool(_p("monthly_aid").search(word))
        head = "户" if priced is not None and priced.unit == "户" else "人"
        unit = f"元/{head}·{'月' if monthly else '年'}"
        if priced is None or ctx.budget is None:
            return {
                "name": name,
                "op": "=",
                "value": _todo("todo_standard"),
                "unit": unit,
                "basis": _t("note_aid_file"),
            }
        per = ctx.budget / priced.count / (12 if monthly else 1)
        months = _t("note_aid_months") if monthly else ""
        basis = _t(
            "note_aid_standard",
            budget=fmt_yuan(ctx.budget),
            count=fmt_number(priced.count),
            head=head,
            months=months,
        )
        return {"name": name, "op": "=", "value": _num(per), "unit": unit, "basis": basis}
    if priced is None:
        rows = quantity_rows(ctx)
        core_unit = str(core_output(ctx).get("unit") or "")  # the output a fix adds counts in this unit
        unit = (
            _head_unit(rows[0])
            if rows
            else core_unit
            if core_unit and not PLACEHOLDER.search(core_unit)
            else ""
        )
        unit = unit or _todo("todo_unit")
        subject = (short_subject(rows[0].name_core) if rows else "") or project_object(ctx)
        return {
            "name": _unit_name(subject, noun),
            "op": "≤",
            "value": _todo("todo_price"),
            "unit": f"元/{unit}",
            "basis": _t("note_price"),
        }
    shared = main_quantity(ctx, hint) is None and len(quantity_rows(ctx)) > 1
    if ctx.budget is None or shared:
        return {
            "name": _unit_name(priced.subject, noun),
            "op": "≤",
            "value": _todo("todo_price"),
            "unit": f"元/{priced.unit}",
            "basis": _t("note_price_shared" if ctx.budget else "note_price"),
        }
    per = ctx.budget / priced.count
    value, money = (_num(per / 1e4), "万元") if per >= 1e5 else (_num(per), "元")
    basis = _t(
        "note_unit_cost",
        budget=fmt_yuan(ctx.budget),
        source=priced.source,
        count=fmt_number(priced.count),
        unit=priced.unit,
    )
    return {
        "name": _unit_name(priced.subject, noun),
        "op": "≤",
        "value": value,
        "unit": f"{money}/{priced.unit}",
        "basis": basis,
    }


def _unit_name(subject: str, noun: str) -> str:
    """坡面水标尺单位投资, 机柜单位维护成本; an activity the subject already names is not said twice."""
    suffix = _t("noun_cost_suffix")
    if noun.endswith(suffix) and len(noun) > len(suffix) and noun[: -len(suffix)] in subject:
        noun = _t("noun_cost")
    return _t("name_unit_cost", subject=subject, noun=noun)


@safe
def cost_fix(ctx: SubmissionContext, row: RowView) -> Draft:
    """A cost row that cannot be measured becomes a unit cost of the same thing: a total (总投资, 经费支出) is
    divided by the output it buys; a named cost object (收购价格, 资助标准) keeps its name and gets an amount;
    a total beside a unit standard the table already has goes."""
    subject = _p("cost_rate_tail").sub("", _p("template_number").sub("", row.name_core))
    standard = next(
        (r for r in ctx.rows if r.is_cost and r.idx != row.idx and (r.per_unit is not None or "/" in r.unit)),
        None,
    )
    total = bool(_p("cost_total").search(subject))
    if standard is not None and (total or row.money is not None):
        return delete(row, keep=standard.idx, note=_t("note_cost_standard_exists", n=standard.idx + 1))
    leftover = _p("cost_generic").sub("", subject)
    activity = _p("cost_activity").search(subject)
    process = bool(_p("cost_process_end").search(subject))
    if not total and not process and len(leftover) >= 3 and not (activity and len(leftover) <= 4):
        priced = priced_quantity(ctx, subject)
        if _p("aid_standard").search(subject):
            unit = "元/人·年"
        else:
            core_unit = str(core_output(ctx).get("unit") or "") if priced is None else ""
            if core_unit and PLACEHOLDER.search(core_unit):
                core_unit = ""
            unit = f"元/{priced.unit if priced is not None else core_unit or _todo('todo_unit')}"
        return rewrite(
            row,
            name=subject,
            op="=" if "标准" in subject else "≤",
            value=_todo("todo_amount"),
            unit=unit,
            note=_t("note_keep_cost_subject"),
        )
    if activity and activity.group(0) == "造价":
        noun = _t("noun_build")
    elif activity and activity.group(0) not in ("推介", "招商"):
        noun = activity.group(0) + _t("noun_cost_suffix")
    elif "投资" in subject:
        noun = _t("noun_invest")
    else:  # a bare 成本 row costs what the project does (暖通改造 -> 单位改造成本)
        done = _p("cost_activity").search(title_core(ctx))
        build = done is not None and done.group(0) not in ("推介", "招商", "造价")
        noun = done.group(0) + _t("noun_cost_suffix") if build and done else _t("noun_cost")
    fields = unit_cost(ctx, noun, hint=subject)
    return rewrite(row, note=fields.get("basis", ""), **fields)


@safe
def per_budget(
    cost: RowView,
    qty: RowView,
    count: float,
    factor: float,
    qty_scale: float,
    others: float,
    factor_text: str,
) -> Draft:
    """OUTPUT_BUDGET_MISMATCH: the standard that makes quantity × standard equal the budget, finished by the
    planner once it knows whether another fix changes the quantity (上年实际12次, not 8)."""
    data = {
        "qty": qty.idx,
        "count": count,
        "factor": factor,
        "qty_scale": qty_scale,
        "others": others,
        "factor_text": factor_text,
    }
    return Draft.model_construct(action="replace_row", indicator=cost.idx, need="per_budget", data=data)


# ------------------------------------------------------------------------------- levels and outputs
def _quantity_name(subject: str, unit: str) -> str:
    name = _p("goal_lead").sub("", subject)
    if unit in ("人", "名", "人次"):
        return name if _p("people_subject_end").search(name) else name + _t("tail_people")
    if unit == "户":
        return name if name.endswith(("户", "户数")) else name + _t("tail_households")
    if unit in ("亩", "平方米", "公顷", "万平方米", "万亩"):
        return name if _p("area_subject_end").search(name) else name + _t("tail_area")
    if unit in ("公里", "米", "千米", "延米"):
        return name if _p("length_subject_end").search(name) else name + _t("tail_length")
    return name if _p("count_subject_end").search(name) else name + _t("tail_count")


def core_output(ctx: SubmissionContext) -> dict[str, Any]:
    """The project's main physical output as a quantity row (a fresh copy: callers may change it)."""
    return dict(_core_output(ctx))


@_memo
def _core_output(ctx: SubmissionContext) -> dict[str, Any]:
    """The project's main physical output as a quantity row: the goal's first output, a count in the title
    (19名百岁老人), the output a standard prices (亩均补贴 -> 补贴面积), else a 〔待填〕 by project kind."""
    units = ctx.lex.words("count_units", "measure_units", "people_units")
    for q in goal_quantities(ctx, units):
        if q.bracketed or _p("scope_end").search(_p("paren").sub("", q.subject)) or len(q.subject) < 2:
            continue
        value = fmt_number(q.number)
        return {
            "name": _quantity_name(q.subject, q.unit),
            "op": "≥",
            "value": value,
            "unit": q.unit,
            "from": "goal",
        }
    obj, title = project_object(ctx), title_core(ctx)
    m = _p("title_count").search(ctx.project or "")
    if m:
        unit = "人" if m.group(2) == "名" else m.group(2)
        rest = _p("title_tail").sub("", (ctx.project or "")[m.end() :]) or obj
        return {
            "name": _quantity_name(rest, unit),
            "op": "=",
            "value": m.group(1),
            "unit": unit,
            "from": "title",
        }
    standard = next((r for r in ctx.rows if r.is_cost and r.per_unit is not None and r.value_num), None)
    per_unit = standard.per_unit if standard is not None else None
    if standard is not None and per_unit is not None and ctx.budget and len(per_unit.denominator) == 1:
        per = per_unit.denominator[0]
        count = ctx.budget / ((standard.value_num or 1) * per_unit.scale)
        if per not in ("人", "户") and _is_round(round(count)):
            return {
                "name": _quantity_name(short_subject(title) or obj, per),
                "op": "=",
                "value": fmt_number(round(count)),
                "unit": per,
                "from": "standard",
            }
    if _p("repair_title").search(title) and _p("building").search(title):
        return {
            "name": _t("name_area", title=title),
            "op": "=",
            "value": _todo("todo_area"),
            "unit": "平方米",
        }
    if _p("subsidy_title").search(ctx.project or ""):
        return {
            "name": _t("name_people", who=who(ctx)),
            "op": "=",
            "value": _todo("todo_people"),
            "unit": "人",
        }
    if _p("training_title").search(ctx.project or ""):
        return {"name": _t("name_trainees"), "op": "≥", "value": _todo("todo_trainees"), "unit": "人次"}
    if _p("purchase_title").search(ctx.project or ""):
        return {
            "name": _t("name_purchase", obj=obj),
            "op": "=",
            "value": _todo("todo_purchase"),
            "unit": _t("unit_purchase"),
        }
    return {
        "name": _t("name_output", obj=obj),
        "op": "≥",
        "value": _todo("todo_output"),
        "unit": _todo("todo_unit"),
    }


def _is_round(x: float) -> bool:
    return abs(x - round(x)) < 1e-6 and (x < 100 or round(x) % 10 == 0)


# --------------------------------------------------------------------------------------------- effects
def effect_fits(e: EffectRow, ctx: SubmissionContext, sub: str | None) -> bool:
    """An ecological effect only for a project touching ecology, an economic one only for an economic project
    (or an 经济效益 row), and an effect with its own `when` only where the project says so."""
    lex = ctx.lex
    if e.eco and not lex.any("eco_project_words").search(
        lex.any("not_ecological_words").sub("", ctx.project_text)
    ):
        return False
    if e.econ and sub != "经济效益" and not lex.any("econ_project_words").search(ctx.project_text):
        return False
    return e.when is None or bool(e.when.search(ctx.project_text))


def sub_fits(ctx: SubmissionContext, sub: str) -> bool:
    """Whether a benefit row's own category is one this project can claim."""
    lex = ctx.lex
    if sub == "生态效益":
        return bool(
            lex.any("eco_project_words").search(lex.any("not_ecological_words").sub("", ctx.project_text))
        )
    if sub == "经济效益":
        return bool(lex.any("econ_project_words").search(ctx.project_text))
    return True


def fill_effect(e: EffectRow, ctx: SubmissionContext) -> dict[str, str]:
    obj = project_object(ctx)
    topic = re.sub(r"(宣传|经费|专项|资金)+$", "", obj) or obj
    values = {
        "who": who(ctx),
        "trainee": trainee(ctx),
        "obj": obj,
        "topic": topic,
        "year": str(ctx.sub.year or ""),
    }
    return {
        "name": e.name.format(**values),
        "op": e.op,
        "value": e.value.format(**values),
        "unit": e.unit,
        "basis": e.basis,
        "sub": e.sub,
    }


@_memo
def reach_effects(ctx: SubmissionContext) -> list[EffectRow]:
    """People the goal says the project reaches (惠及居民1800户), as a benefit row of its own."""
    for m in _p("reach").finditer(ctx.goal):
        noun = _p("reach_lead").sub("", m.group(2)) or who(ctx)
        unit = "人" if m.group(5) == "名" else m.group(5)
        tail = {"户": _t("tail_households"), "人次": "人次", "人": _t("tail_people")}[unit]
        return [
            EffectRow(
                kind="reach",
                sub="社会效益",
                name=_t("name_reach", noun=noun, tail=tail),
                op="≥",
                value=m.group(3),
                unit=("万" if m.group(4) else "") + unit,
                basis=_t("note_goal_unit"),
                words=_p("reach_words"),
            )
        ]
    return []


@_memo
def effect_candidates(ctx: SubmissionContext) -> list[EffectRow]:
    rem = remedies()
    return [e for kind in project_kinds(ctx) for e in rem.effects[kind]] + reach_effects(ctx)


def effect_row(ctx: SubmissionContext, taken: Iterable[str] = ()) -> dict[str, Any]:
    """One effect this project can cause, for a table with none (with its level cells)."""
    fields = None
    for e in effect_candidates(ctx):
        filled = fill_effect(e, ctx)
        if effect_fits(e, ctx, None) and not name_taken(filled["name"], taken):
            fields = filled
            break
    fields = fields or fill_effect(remedies().fallback, ctx)
    out: dict[str, Any] = {k: fields[k] for k in TARGET_FIELDS}
    out["basis"] = fields["basis"]
    out.update(level_cells(ctx, "效益", fields["sub"]))
    return out


def name_taken(name: str, names: Iterable[str]) -> bool:
    """Whether a row with this name would restate one of the names (most wording shared, same measure)."""
    core = bigrams(name)
    for other in names:
        o = bigrams(other)
        if other == name:
            return True
        if not core or not o:
            continue
        common = len(core & o)
        if common / len(core | o) >= 0.6:
            return True
        similar_size = max(len(name), len(other)) <= 2 * min(len(name), len(other))
        if common / min(len(core), len(o)) >= 0.7 and similar_size and name[-1:] == other[-1:]:
            return True  # 参训人员结业率 / 参训人员结业考核合格率
    return False


# ----------------------------------------------------------------------------------------- quality
def quality_rewrite(ctx: SubmissionContext, row: RowView) -> Draft:
    """A vague quality row becomes a pass rate of its own object (验收合格率, 优良路率, 考核达标率 …)."""
    rem = remedies()
    obj = _p("quality_object_tail").sub("", row.name_core)
    if len(obj) <= 2 and (not obj or obj in ctx.project):
        obj = ctx.project_object
    chosen = next((q for pattern, q in rem.quality if pattern.search(row.name_core)), None)
    if chosen is None:
        chosen = next(
            (q for pattern, q in rem.quality if pattern.search(ctx.project) and not q.get("row_only")), None
        )
    q = chosen or rem.quality_default
    name = _p("doubled_word").sub(r"\1", q["name"].format(object=obj))
    return rewrite(
        row, name=name, op=q["op"], value=str(q["value"]), unit=q["unit"], basis=q["basis"], note=q["basis"]
    )


# ------------------------------------------------------------------------------ builders by finding
@safe
def vague_fix(ctx: SubmissionContext, row: RowView, clause: str | None, quality: bool) -> Draft:
    """VAGUE_VALUE: satisfaction stays a satisfaction rate; a goal clause on the same subject gives a target;
    a quality row a pass rate; awareness a 知晓率; a system an issued document; a moving quantity its change
    against last year; a benefit row an effect this project causes; a count its 〔待填〕 number."""
    if _p("satisfied").search(row.name_core):
        return edit(row, op="≥", value="90", unit="%", note=_t("note_survey"))
    found = _clause_target(clause) if clause else None
    if found:
        shared = bigrams(found[0]) & bigrams(row.name_core)
        if len(shared) >= 2 or (shared and shared >= bigrams(subject_of(row.name_core))):
            name, op, value, unit = found
            return rewrite(row, name=name, op=op, value=value, unit=unit, note=_t("note_goal"))
    if quality:
        return quality_rewrite(ctx, row)
    if _p("aware").search(row.name_core):
        return aware_fix(row, "90")
    if _p("period_name").search(row.name_core):
        return edit(row, op="=", value=_todo("todo_period"), unit="年", note=_t("note_period_plan"))
    if _p("system").search(row.name_core) and row.sub not in ("社会效益", "经济效益", "生态效益"):
        core = _p("system").sub("", _p("system_words").sub("", row.name_core))
        return rewrite(
            row,
            name=_t("name_system", obj=core or project_object(ctx)),
            op="=",
            value="1",
            unit="项",
            note=_t("note_system"),
        )
    change = change_target(row)
    if change is not None:
        return change
    if row.level1 == "效益" or row.sub in BENEFIT_SUBS:
        return effect(row)
    if row.sub == "数量" or (row.level1 is None and _p("count_name").search(row.name_core)):
        unit = "人" if _p("people_count_name").search(row.name_core) else _todo("todo_unit")
        return edit(row, op="=", value=_todo("todo_count"), unit=unit, note=_t("note_count_list"))
    if row.level1 is None:
        return effect(row)
    return edit(row, op="≥", value=_todo("todo_target"), unit=_todo("todo_unit"))


def _clause_target(clause: str) -> tuple[str, str, str, str] | None:
    """A goal clause as a target: 防洪标准提高到10年一遇 -> (防洪标准, ≥, 10年一遇, '')."""
    m = _p("goal_target").search(clause)
    if not m:
        return None
    name = clause[: m.start()].strip()
    if len(name) < 2:
        return None
    op = "≤" if _p("goal_target_down").search(m.group(1)) else "≥"
    tail = m.group(3) or ""
    if tail.startswith("%"):
        return (name, op, m.group(2), "%") if _p("rate_name_end").search(name) else None
    if _p("flood_level").match(tail):
        return name, op, m.group(2) + tail[:3], ""
    unit = _p("unit_word").match(tail)
    return name, op, m.group(2), unit.group(0) if unit else ""


def aware_fix(row: RowView, value: str) -> Draft:
    """提升全县消费者维权意识 -> 全县消费者维权知识知晓率 ≥ 90%（抽样问卷）."""
    base = _p("aware_tail").sub("", subject_of(row.name_core)) or subject_of(row.name_core)
    base = _p("aware_lead").sub("", base) or base
    basis = _t("note_aware")
    return rewrite(
        row, name=_t("name_aware", base=base), op="≥", value=value, unit="%", basis=basis, note=basis
    )


def change_target(row: RowView) -> Draft | None:
    """A row naming a measurable quantity that only says which way it should move (果农收入 = 明显增加,
    龋齿发病率 = 明显下降) keeps its subject and gets a change against last year."""
    name = subject_of(row.name_core)
    m = _p("measured_tail").search(name)
    if not m:
        return None
    up, down = _p("up_words").search(row.value), _p("down_words").search(row.value)
    if bool(up) == bool(down):
        return None
    if m.group(1).endswith(("率", "度")):
        verb = _t("verb_up_points" if up else "verb_down_points")
        new, unit = _t("name_change_rate", name=name, verb=verb), "个百分点"
    else:
        new, unit = _t("name_change", name=name, verb=_t("verb_up" if up else "verb_down")), "%"
    return rewrite(row, name=new, op="≥", value=_todo("todo_change"), unit=unit, note=_t("note_baseline"))


@safe
def percent_fix(ctx: SubmissionContext, row: RowView) -> Draft:
    """PERCENT_WITHOUT_BASIS: awareness -> a 知晓率 with the row's own value; a quality row -> a pass rate;
    anything else -> an effect this project can cause."""
    value = fmt_number(row.value_num) if row.value_num is not None and row.value_num < 100 else "90"
    if _p("aware").search(row.name_core):
        return aware_fix(row, value)
    if row.level1 != "效益" and (row.sub == "质量" or _p("quality_name_end").search(row.name_core)):
        return quality_rewrite(ctx, row)
    return effect(row)


@safe
def unit_fix(ctx: SubmissionContext, row: RowView) -> Draft:
    """NO_UNIT: the unit a bare number was meant in, read from its name, the budget or the goal."""
    name = row.name_core
    if row.is_rate_name or name.endswith("率"):
        return edit(row, unit="%")
    if ctx.lex.ends("people_name_endings", "role_name_endings").search(name) or name.endswith("人数"):
        return edit(row, unit="人")
    if _p("money_name").search(name) and row.value_num is not None and ctx.budget:
        if abs(row.value_num * 1e4 - ctx.budget) <= 0.05 * ctx.budget:
            return edit(row, unit="万元", note=_t("note_budget"))
        if abs(row.value_num - ctx.budget) <= 0.05 * ctx.budget:
            return edit(row, unit="元", note=_t("note_budget"))
    for tail, unit in (
        ("户数", "户"),
        ("人次", "人次"),
        ("次数", "次"),
        ("场次", "场"),
        ("期数", "期"),
        ("个数", "个"),
        ("天数", "天"),
    ):
        if name.endswith(tail):
            return edit(row, unit=unit)
    for q in goal_quantities(ctx, ctx.lex.words("count_units", "measure_units", "people_units")):
        if row.value_num is not None and abs(q.number - row.value_num) < 1e-9:
            return edit(row, unit=q.unit, note=_t("note_goal_unit"))
        if row.value_num is not None and q.number >= 1e4 and abs(q.number / 1e4 - row.value_num) < 1e-9:
            return edit(row, unit="万" + q.unit, note=_t("note_goal_unit"))
    return edit(row, unit=_todo("todo_unit"))


@safe
def wrong_unit_fix(ctx: SubmissionContext, row: RowView, why: str, fixed: str) -> Draft:
    """WRONG_UNIT: the fitting unit; a money standard's period chosen so quantity × standard fits the budget
    (元/人 or 元/人·月); a time row a date."""
    if why == "time":
        date, note = deadline(ctx, row)
        return edit(row, op="≤", value=date, unit="", note=note)
    budget, value = ctx.budget, row.value_num
    if fixed.startswith("元/") and "·" not in fixed and budget and value:
        count = next(
            (
                r.value_num
                for r in ctx.rows
                if r.sub == "数量" and r.value_num and r.unit in ("人", "名", "户")
            ),
            None,
        )
        if count is not None and fixed.removeprefix("元/") in ("人", "名", "户", "人·月"):
            per = fixed.removeprefix("元/").split("·")[0]
            options = [(1.0, f"元/{per}"), (12.0, f"元/{per}·月")]
            fixed = min(options, key=lambda o: abs(value * count * o[0] - budget))[1]
    return edit(row, unit=fixed) if fixed else edit(row, unit=_todo("todo_unit"))


@safe
def name_percent_fix(row: RowView, clean: str, target: str, actual: str) -> Draft:
    """V11: name and value agree. A rate every case must reach keeps the name's 100%; others the value."""
    if float(target) >= 100 and _p("full_by_nature").search(clean):
        return edit(row, name=clean, op="=", value=target, unit="%", note=_t("note_same_as_name"))
    return edit(row, name=clean, op="≥", value=actual, unit="%", note=_t("note_name_dropped"))


@safe
def name_count_fix(ctx: SubmissionContext, row: RowView, stated: str) -> Draft:
    """V11c: the value becomes the count the name states, converted into the row's unit (2小时 -> 120分钟)."""
    m = re.match(r"(\d+(?:\.\d+)?)(万)?(.*)$", stated)
    if m is None:
        return edit(row, value=_todo("todo_name_count", stated=stated))
    number = float(m.group(1)) * (1e4 if m.group(2) else 1)
    unit, head = m.group(3), (row.unit or "").split("/")[0]
    factors = {(u, o): float(f) for u, o, f in ctx.lex.table("convertible_units")}
    factor = 1.0 if unit == head else factors.get((head, unit))
    if factor is None:
        return edit(row, value=_todo("todo_name_count", stated=stated))
    return edit(row, value=fmt_number(number * factor), note=_t("note_name_count", stated=stated))


@safe
def name_date_fix(row: RowView, year: str, mm: str, dd: str) -> Draft:
    return edit(row, op="≤", value=f"{year}-{mm}-{dd}", note=_t("note_goal_date"))


@safe
def one_off_fix(row: RowView) -> Draft:
    return edit(row, op="=", value="1", note=_t("note_one_off"))


@safe
def period_fix(row: RowView, times: int, period: str, act: str) -> Draft:
    return edit(row, op="=", value=str(times), note=_t("note_period", period=period, act=act, times=times))


@safe
def rate_fix(row: RowView, goal_percent: str | None) -> Draft:
    """RATE_OVER_100: never ≥ 100%. A 290% typed for ≥90%; the goal's own rate; satisfaction ≥ 90%; a rate
    every case must reach = 100%; others ≥ 95%."""
    v = row.value_num or 0
    raw = fmt_number(v)
    if v > 100 and raw.startswith("2") and raw[1:].isdigit() and 50 <= float(raw[1:]) < 100:
        return edit(row, op="≥", value=raw[1:], unit="%", note=_t("note_typo_rate", raw=raw, value=raw[1:]))
    if goal_percent and float(goal_percent) < 100:
        return edit(row, op="≥", value=goal_percent, unit="%", note=_t("note_goal_unit"))
    if _p("satisfied").search(row.name_core):
        return edit(row, op="≥", value="90", unit="%", note=_t("note_survey"))
    if _p("all_by_nature").search(row.name_core):
        return edit(row, op="=", value="100", unit="%")
    return edit(row, op="≥", value="95", unit="%", note=_t("note_rate_cap"))


@safe
def trivial_fix(ctx: SubmissionContext, row: RowView, goal_percent: str | None, negative: bool) -> Draft:
    """TRIVIAL_THRESHOLD: a bad thing ≤ 100% becomes “…发生起数 = 0起”; a good rate ≥ 0 takes the goal's rate,
    last year's, or a 〔待填〕 — never “≥ 0”, never “≥ 100%”."""
    unit = row.unit or "%"
    if row.op in ("≤", "<") or negative:
        if row.is_percent and row.op in ("≤", "<"):
            event = _p("event_tail").sub("", row.name_core)
            return rewrite(
                row,
                name=_t("name_event_count", event=event),
                op="=",
                value="0",
                unit="起",
                note=_t("note_events_zero"),
            )
        return edit(row, op="=", value="0", unit=unit, note=_t("note_bad_zero"))
    if goal_percent:
        op = "=" if float(goal_percent) >= 100 else "≥"
        return edit(row, op=op, value=goal_percent, unit=unit, note=_t("note_goal_unit"))
    history = row.ind.history_num
    if history is not None and history > 0:
        if row.is_percent and history >= 100:
            return edit(row, op="=", value="100", unit=unit, note=_t("note_history_full"))
        return edit(row, op="≥", value=fmt_number(history), unit=unit, note=_t("note_history"))
    return edit(row, op="≥", value=_todo("todo_history"), unit=unit)


@safe
def too_low_fix(row: RowView, target: str, reference_case: str) -> Draft:
    """TARGET_TOO_LOW: not below last year's actual or the stated basis."""
    label = remedies().table("ref_labels").get(reference_case, "")
    return edit(row, op="≥", value=target, note=_t("note_reference", reference=label))


@safe
def input_fix(ctx: SubmissionContext, row: RowView) -> Draft | None:
    """INPUT_AS_OUTPUT: a cost row becomes a unit cost; a benefit row an effect; an output row the physical
    output the money buys, or it goes when that output is already counted. A rate that is not about money
    (管理制度执行率) is left as it is."""
    if (
        row.money is None
        and not ctx.lex.any("money_words").search(row.name_core)
        and not re.search(r"支出|预算", row.name_core)
    ):
        return None
    if row.is_cost:
        return cost_fix(ctx, row)
    if row.level1 == "效益":
        return effect(row)
    qty = next(
        (
            r
            for r in ctx.rows
            if r.sub in ("数量", None)
            and r.value_num
            and not r.is_percent
            and r.money is None
            and r.idx != row.idx
        ),
        None,
    )
    if qty is not None:
        return delete(row, keep=qty.idx, note=_t("note_input"))
    output = core_output(ctx)
    note = _t("note_goal") if output.pop("from", "") == "goal" else ""
    return rewrite(row, note=note, **output)


@safe
def irrelevant_fix(ctx: SubmissionContext, row: RowView, irrelevant: set[int]) -> Draft:
    """IRRELEVANT: an output measure filed as a benefit moves to 产出—质量; an off-topic row goes when other
    benefit rows remain (the planner moves its weight), else becomes an effect this project can cause."""
    if _p("output_measure").search(row.name_core) and row.is_percent:
        return edit(row, note=_t("note_output_quality"), **level_cells(ctx, "产出", "质量"))
    kept = [r for r in ctx.rows if r.level1 == "效益" and r.idx not in irrelevant and not r.is_na]
    first = min(irrelevant)
    if kept or row.idx != first:
        return delete(row, keep=kept[0].idx if kept else first, note=_t("note_irrelevant"))
    return effect(row)


@safe
def benefit_fix(ctx: SubmissionContext, row: RowView, restates_output: bool) -> Draft:
    """OUTPUT_AS_BENEFIT: an output counted twice becomes an effect; an output counted only here moves to
    产出—数量 when other benefit rows remain, else it becomes an effect."""
    others = [r for r in ctx.rows if r.level1 == "效益" and r.idx != row.idx and r.value_num is not None]
    if not restates_output and others:
        return edit(row, note=_t("note_output_quantity"), **level_cells(ctx, "产出", "数量"))
    return effect(row).with_(data={"or_delete": restates_output})


@safe
def recategorize(ctx: SubmissionContext, row: RowView, sub: str, survey_exists: bool = True) -> Draft:
    """R05b/R05c: a row forced into a category it does not belong to moves to the benefit category `sub`;
    a 满意度 category with no survey left gets the served people's satisfaction in this row instead."""
    if not survey_exists:
        name = _t("name_satisfaction", who=who(ctx))
        return rewrite(
            row, name=name, op="≥", value="90", unit="%", basis=_t("basis_survey"), note=_t("note_survey")
        )
    cells = level_cells(ctx, "效益", sub)
    return edit(row, note=_t("note_moved_benefit", sub=sub), **cells) if cells else effect(row)


@safe
def own_work_fix(ctx: SubmissionContext, row: RowView) -> Draft:
    """R03b: a rate of the project's own work (补贴发放率, 工程完工率) moves to 产出—质量; a payment or
    acceptance rate every case must reach becomes = 100% there."""
    others = [r for r in ctx.rows if r.level1 == "效益" and r.idx != row.idx and not r.is_na]
    if not others:
        return effect(row)  # the only benefit row: it becomes an effect, the table keeps its 效益 category
    cells = level_cells(ctx, "产出", "质量")
    if (row.value_num or 0) < 100 and _p("full_by_nature").search(row.name_core):
        return edit(row, op="=", value="100", unit="%", note=_t("note_own_work_full"), **cells)
    return edit(row, note=_t("note_output_quality"), **cells)


@safe
def duplicate_fix(row: RowView, other: RowView) -> Draft:
    """DUPLICATE: a benefit row restating an output becomes an effect; anything else goes (its weight to the
    row it repeats, when no finding touches that row)."""
    if row.level1 == "效益" and other.level1 == "产出":
        return effect(row).with_(keep=other.idx, data={"or_delete": True})
    return delete(row, keep=other.idx)


@safe
def placeholder_fix(row: RowView, cell: str, fragment: str) -> Draft:
    """TEMPLATE_PLACEHOLDER: the template text leaves the name; a placeholder value or unit is 〔待填〕."""
    if cell == "name":
        bracket = re.search(r"[（(][^（）()]*" + re.escape(fragment) + r"[^（）()]*[）)]", row.name)
        clean = row.name.replace(bracket.group(0) if bracket else fragment, "").strip().lstrip("*＊").strip()
        return edit(row, name=clean or _todo("todo_name"))
    if cell == "unit":
        return edit(row, unit=_todo("todo_unit"))
    return edit(row, value=_todo("todo_value"), note=_t("note_todo_value"))


@safe
def field_placeholder_fix(name: str, text: str, fragment: str) -> Draft:
    return set_field(name, text.replace(fragment, "").strip() or _todo("todo_goal_clean"))


@safe
def project_name_fix(empty: bool) -> Draft:
    return set_field("project", _todo("todo_project_name" if empty else "todo_split_name"))


@safe
def missing_level1_fix(ctx: SubmissionContext, missing: list[str]) -> Draft:
    """MISSING_LEVEL1: the goal's outputs (or the main output) under 产出—数量; an effect under 效益."""
    drafts = []
    if "产出" in missing:
        levels = level_cells(ctx, "产出", "数量")
        rows = [
            {"name": indicator_name(ctx, q), "op": "≥", "value": fmt_number(q.number), "unit": q.unit}
            for q in uncovered_goal_outputs(ctx, all_goal=True)[:4]
        ] or [{k: v for k, v in core_output(ctx).items() if k != "from"}]
        drafts += [add(**levels, **r) for r in rows]
    if "效益" in missing:
        drafts.append(add(**effect_row(ctx, [r.name_core for r in ctx.rows])))
    return weighted_add(drafts[0], drafts[1:])


@safe
def missing_output_fix(ctx: SubmissionContext, quantities: Iterable[Any] | None) -> Draft:
    """MISSING_CORE_OUTPUT: the goal's uncounted outputs (or the title's output) under 产出—数量."""
    levels = level_cells(ctx, "产出", "数量")
    if quantities:
        rows = [
            {"name": indicator_name(ctx, q), "op": "≥", "value": fmt_number(q.number), "unit": q.unit}
            for q in list(quantities)[:4]
        ]
        note = _t("note_goal_unit")
    else:
        row = core_output(ctx)
        note = {"goal": _t("note_goal"), "title": _t("note_title")}.get(row.pop("from", ""), "")
        rows = [row]
    drafts = [add(note=note, **levels, **r) for r in rows]
    return weighted_add(drafts[0], drafts[1:])


@safe
def satisfaction_fix(ctx: SubmissionContext, served: str) -> Draft:
    """SATISFACTION_MISSING: the served people's satisfaction ≥ 90% (children through their guardians)."""
    levels = level_cells(ctx, "满意度", "满意度")
    if levels:
        levels["level2"] = "服务对象满意度指标" if levels["level2"].endswith("指标") else "服务对象满意度"
    surveyed = who(ctx) if served in ("服务对象",) else served
    if _p("children").search(surveyed):
        surveyed += _t("guardian")
    draft = add(
        name=_t("name_satisfaction", who=surveyed),
        op="≥",
        value="90",
        unit="%",
        basis=_t("basis_survey"),
        note=_t("note_survey"),
        **levels,
    )
    return weighted_add(draft)


@safe
def no_cost_fix(ctx: SubmissionContext) -> Draft:
    """NO_COST: a unit cost row computed from the submission, under the table's cost category."""
    fields = unit_cost(ctx)
    if any(r.level1 == "成本" for r in ctx.rows):
        levels = level_cells(ctx, "成本", "成本")
    else:
        levels = level_cells(ctx, "产出", "成本")
    return weighted_add(add(note=fields.get("basis", ""), **levels, **fields))
