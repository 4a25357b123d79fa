"""Reading units and numbers the way reviewers do: 万 scales, per-unit money (元/人·月), percent cells."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from assistant.checks.text import PAREN, SCALED_NUMBER, SCALES
from core.normalize import to_halfwidth

_MONEY_RE = re.compile(r"^(亿|万|千)?元")
_NUM_UNIT_RE = re.compile(SCALED_NUMBER + r"([^\d\s，。、；;,:：（）()]{0,4})")
TIME_TOKENS = {"月": 12.0, "年": 1.0, "季": 4.0, "季度": 4.0, "周": 52.0}
DAY_TOKENS = {"天", "日"}
PEOPLE_EQUIV = {"人", "名", "生", "人数", "位"}


def normalize_unit(unit: str | None) -> str:
    """'/株' -> '株', '台（套）' -> '台', full-width -> half-width; '' when empty."""
    if not unit:
        return ""
    u = to_halfwidth(str(unit)).strip()
    if u.startswith("/") and len(u) > 1 and not u[1:].strip().startswith("10"):
        u = u[1:]
    if not u.startswith("元/") and "/" not in u:
        u = PAREN.sub("", u) or u
    return u.strip()


def money_scale(unit: str) -> float | None:
    """Yuan per unit of the cell's money numerator: 万元 -> 10000, 元/人 -> 1; None if not money."""
    m = _MONEY_RE.match(unit)
    if not m:
        return None
    return SCALES.get(m.group(1) or "", 1.0)


@dataclass(frozen=True)
class PerUnitMoney:
    """A unit-cost unit such as 元/人·月: money scale and the denominator tokens (['人', '月'])."""

    scale: float
    denominator: tuple[str, ...]


@lru_cache(maxsize=1024)
def per_unit_money(unit: str) -> PerUnitMoney | None:
    """'万元/个·年' -> PerUnitMoney(10000, ('个', '年')); None unless money per something."""
    if "/" not in unit:
        return None
    numer, _, denom = unit.partition("/")
    scale = money_scale(numer)
    if scale is None or not denom.strip():
        return None
    denom = denom.strip().strip("（）()")
    tokens = tuple(t for t in re.split(r"[·.•\-*×/]", denom) if t)
    return PerUnitMoney(scale, tokens) if tokens else None


@lru_cache(maxsize=1024)
def quantity_unit(unit: str) -> tuple[float, tuple[str, ...]]:
    """'万人' -> (10000, ('人',)); '万吨/日' -> (10000, ('吨', '日')); '台' -> (1, ('台',))."""
    u = unit
    scale = 1.0
    if u[:1] in ("万", "亿") and len(u) > 1 and not u.startswith("万元"):
        scale = SCALES[u[0]]
        u = u[1:]
    tokens = tuple(t for t in re.split(r"[·/]", u) if t)
    return scale, tokens


def numbers_with_units(text: str | None) -> list[tuple[float, str]]:
    """Every number in a text (万/亿 applied) and the unit word after it: '23.6万剂次' -> (236000, '剂次')."""
    if not text:
        return []
    s = to_halfwidth(text)
    out: list[tuple[float, str]] = []
    for m in _NUM_UNIT_RE.finditer(s):
        num = float(m.group(1)) * SCALES.get(m.group(2) or "", 1.0)
        out.append((num, m.group(3) or ""))
    return out


def same_quantity_unit(a: str, b: str) -> bool:
    """Units that count the same thing (人 / 名 / 人数 are one class)."""
    if not a or not b:
        return False
    if a == b:
        return True
    return a in PEOPLE_EQUIV and b in PEOPLE_EQUIV


def fmt_number(x: float) -> str:
    """1850.0 -> '1850', 2.5 -> '2.5', 12345678.9 -> '12345678.9'."""
    if abs(x - round(x)) < 1e-9:
        return str(round(x))
    return f"{x:.2f}".rstrip("0").rstrip(".")


def fmt_yuan(amount: float) -> str:
    """Money as a reviewer writes it: 7560000 -> '756万元', 3200 -> '3200元'."""
    if abs(amount) >= 1e4:
        return f"{fmt_number(round(amount / 1e4, 2))}万元"
    return f"{fmt_number(round(amount, 2))}元"
