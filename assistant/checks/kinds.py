"""What an indicator name says it counts (户数, 人数, 面积, 里程, 金额, 时间 …) and which units fit that kind.

Unit sanity is symmetric: each kind lists the units that fit it and the units that clearly belong to another
kind. A unit outside both lists (an unusual or local unit) is never judged — precision first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.lexicon import get_lexicon
from assistant.checks.units import quantity_unit

_LEX = get_lexicon()
PEOPLE = _LEX.words("unit_people")
HOUSEHOLDS = _LEX.words("unit_households")
THINGS = _LEX.words("unit_things")
AREA = _LEX.words("unit_area")
LENGTH = _LEX.words("unit_length")
MONEY = _LEX.words("unit_money")


@dataclass(frozen=True)
class Kind:
    key: str  # household / area / length / money / time: also the WRONG_UNIT `why` case
    name_end: re.Pattern[str]
    fits: frozenset[str]  # base units that fit the kind
    wrong: frozenset[str]  # base units that clearly measure something else
    fixed_unit: str


def _kind(entry: dict) -> Kind:
    wrong = _LEX.words(*entry["wrong"]) | frozenset(entry.get("extra_wrong", ()))
    return Kind(
        key=entry["key"],
        name_end=re.compile(entry["name_end"]),
        fits=_LEX.words(*entry["fits"]) if entry["fits"] else frozenset(),
        wrong=wrong - frozenset(entry.get("except", ())),
        fixed_unit=entry["fixed_unit"],
    )


KINDS: tuple[Kind, ...] = tuple(_kind(e) for e in _LEX.table("unit_kinds"))


def base_unit(unit: str) -> str:
    """'万平方米' -> '平方米', '元/亩' -> '元', '人次' -> '人次'."""
    if not unit:
        return ""
    head = unit.split("/")[0]
    if head in MONEY:
        return head
    tokens = quantity_unit(head)[1]
    return tokens[0] if tokens else head


def kind_of(name_core: str) -> Kind | None:
    """The kind a name's ending declares, or None (most names declare nothing)."""
    for kind in KINDS:
        if kind.name_end.search(name_core):
            return kind
    return None


def unit_misfit(name_core: str, unit: str) -> Kind | None:
    """The kind whose unit the row clearly violates (电代煤改造户数 in 人), else None."""
    kind = kind_of(name_core)
    if kind is None or not unit or "/" in unit and kind.key != "money":
        return None
    base = base_unit(unit)
    if base in kind.fits or base not in kind.wrong:
        return None
    return kind


def declared_per(name_core: str) -> str | None:
    """What a standard's name says it is per: 人均培训费 -> 人, 户均补助 -> 户, else None."""
    person = _LEX.pattern("per_person").search(name_core)
    household = _LEX.pattern("per_household").search(name_core)
    if person and not household:
        return "人"
    if household and not person:
        return "户"
    return None


def counting_unit(name_core: str, unit: str) -> str:
    """The unit a quantity row really counts in: its own, or the one its name declares when the unit clearly
    misfits (电代煤改造户数 in 人 counts 户, 筛查人数 in 户 counts 人)."""
    kind = unit_misfit(name_core, unit)
    if kind is not None and kind.key == "household":
        return kind.fixed_unit
    people = _LEX.pattern("people_count_name").search(name_core)
    if people and base_unit(unit) in HOUSEHOLDS:
        return "人次" if people.group(1) == "人次" else "人"
    return unit
