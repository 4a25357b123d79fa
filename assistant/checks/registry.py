"""What a rule function is and what it yields, with no dependency on the engine.

A rule is one function `f(ctx) -> Iterable[Hit]` marked `@rule("V03")`; the rule id is written only there.
A `Hit` says where the rule fired, which named case of each catalog template applies (`cases`, e.g.
`{"why": "scale", "suggestion": "quality"}`; a template not named uses its `default` case), the data the
templates need (`params`: numbers, names, quoted cells — never wording), and optionally a structured `fix`.
The engine collects the marked functions of the rule modules into one immutable mapping.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType, ModuleType
from typing import TYPE_CHECKING, TypeVar

from assistant.models import Fix, Location

if TYPE_CHECKING:
    from assistant.checks.context import RowView, SubmissionContext

_RULE_ATTR = "__check_rule_id__"


@dataclass(frozen=True)
class Hit:
    """One rule firing: where, which template cases, and the data its templates need."""

    location: Location
    params: Mapping[str, str] = field(default_factory=dict)
    cases: Mapping[str, str] = field(default_factory=dict)
    fix: Fix | None = None
    saving_yuan: float | None = None  # COST_OVER_STANDARD: the 核减 amount, carried to the finding's JSON


RuleFunc = Callable[["SubmissionContext"], Iterable[Hit]]
F = TypeVar("F", bound=Callable[..., Iterable[Hit]])


def rule(rule_id: str) -> Callable[[F], F]:
    """Mark a function as the check of catalog rule `rule_id` (one function per rule)."""

    def mark(func: F) -> F:
        setattr(func, _RULE_ATTR, rule_id)
        return func

    return mark


def rule_id_of(func: Callable[..., object]) -> str | None:
    return getattr(func, _RULE_ATTR, None)


def collect_rules(modules: Iterable[ModuleType]) -> Mapping[str, RuleFunc]:
    """Every marked function of the modules by rule id; a rule id marked twice is a programming error."""
    table: dict[str, RuleFunc] = {}
    for module in modules:
        for value in vars(module).values():
            rid = rule_id_of(value) if callable(value) else None
            if rid is None or getattr(value, "__module__", None) != module.__name__:
                continue
            if rid in table:
                raise ValueError(f"rule {rid} is marked on two functions")
            table[rid] = value
    return MappingProxyType(table)


def _text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


def _take_saving(params: dict[str, object]) -> float | None:
    saving = params.pop("saving_yuan", None)
    return None if saving is None else float(saving)  # type: ignore[arg-type]


def _take_fix(params: dict[str, object]) -> Fix | None:
    fix = params.pop("fix", None)
    if fix is not None and not isinstance(fix, Fix):
        raise TypeError(f"fix must be a Fix, not {type(fix).__name__}")
    return fix


def row_hit(
    row: RowView, cell: str | None = None, cases: Mapping[str, str] | None = None, /, **params: object
) -> Hit:
    """A hit on an indicator row; the row's own words are always available to the templates.

    `params` are the templates' data; `fix=Fix(...)` among them is the finding's structured fix and
    `saving_yuan=` a number the finding carries (COST_OVER_STANDARD).
    """
    fix = _take_fix(params)
    saving = _take_saving(params)
    base = {
        "row": row.label,
        "name": row.name,
        "value": row.shown_value,
        "unit": row.unit,
        "op": row.op or "",
    }
    base.update({k: _text(v) for k, v in params.items()})
    return Hit(Location(indicator=row.idx, cell=cell), base, dict(cases or {}), fix, saving)


def field_hit(field_name: str, cases: Mapping[str, str] | None = None, /, **params: object) -> Hit:
    """A hit on a submission field (annual_goal, project, indicators, weights …); `fix=` as for row_hit."""
    fix = _take_fix(params)
    saving = _take_saving(params)
    return Hit(
        Location(field=field_name), {k: _text(v) for k, v in params.items()}, dict(cases or {}), fix, saving
    )
