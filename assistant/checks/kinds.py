"""What an indicator name says it counts (户数, 人数, 面积, 里程, 金额, 时间 …) and which units fit that kind.

Unit sanity is symmetric: each kind lists the units that fit it and the units that clearly belong to another
kind. A unit outside both lists (an unusual or local unit) is never judged — precision first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.checks.units import quantity_unit

PEOPLE = frozenset({"人", "名", "人数", "人次", "位"})
HOUSEHOLDS = frozenset({"户", "家", "户次"})
THINGS = frozenset({"个", "所", "台", "套", "只", "辆", "件", "座", "处", "块", "株", "棵", "栋", "间"})
AREA = frozenset({"平方米", "亩", "公顷", "平方公里", "平米", "m²", "㎡", "平方千米"})
LENGTH = frozenset({"公里", "千米", "米", "延米", "km", "m"})
MONEY = frozenset({"元", "万元", "亿元", "千元"})


@dataclass(frozen=True)
class Kind:
    key: str
    name_end: re.Pattern[str]
    fits: frozenset[str]  # base units that fit the kind
    wrong: frozenset[str]  # base units that clearly measure something else
    why: str  # 统计的是户数，应以“户”计
    fixed_unit: str


KINDS: tuple[Kind, ...] = (
    Kind(
        "household",
        re.compile(r"(户数|(?<![入开账落])户)$"),
        HOUSEHOLDS,
        PEOPLE | THINGS - {"个"},
        "统计的是户数，应以“户”计",
        "户",
    ),
    Kind(
        "area",
        re.compile(r"面积$"),
        AREA,
        PEOPLE | HOUSEHOLDS | THINGS | LENGTH | MONEY,
        "统计的是面积，应以“平方米”“亩”或“公顷”计",
        "平方米",
    ),
    Kind(
        "length",
        re.compile(r"(里程|长度|总长)$"),
        LENGTH,
        PEOPLE | HOUSEHOLDS | THINGS | AREA | MONEY | {"条", "段"},
        "统计的是长度，应以“公里”或“米”计",
        "公里",
    ),
    Kind(
        "money",
        re.compile(r"(金额|资金|资金规模|投资额|补贴标准|补助标准|发放标准|补助金额)$"),
        MONEY,
        PEOPLE | HOUSEHOLDS | THINGS | AREA | LENGTH,
        "是金额，应以“元”或“万元”计",
        "元",
    ),
    Kind(
        "time",
        re.compile(r"(完成时间|完成日期|时限|截止时间|到位时间|发放时间|拨付时间)$"),
        frozenset(),
        PEOPLE | HOUSEHOLDS | MONEY | AREA | LENGTH,
        "是时间，应写具体日期或天数",
        "日期",
    ),
)


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


_PEOPLE_NAME = re.compile(r"(人数|人次)$")
_PER_PERSON = re.compile(r"人均|每人|每名|生均")
_PER_HOUSEHOLD = re.compile(r"户均|每户")


def declared_per(name_core: str) -> str | None:
    """What a standard's name says it is per: 人均培训费 -> 人, 户均补助 -> 户, else None."""
    person, household = _PER_PERSON.search(name_core), _PER_HOUSEHOLD.search(name_core)
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
    people = _PEOPLE_NAME.search(name_core)
    if people and base_unit(unit) in HOUSEHOLDS:
        return "人次" if people.group(1) == "人次" else "人"
    return unit
