"""Pure normalisation helpers for submission cells. Originals are always kept beside the normalised value."""

from __future__ import annotations

import math
import re
import unicodedata

_OP_MAP = {
    "≥": "≥",
    ">=": "≥",
    "≧": "≥",
    "=>": "≥",
    "大于等于": "≥",
    "不低于": "≥",
    "不少于": "≥",
    "至少": "≥",
    "大于或等于": "≥",
    "≮": "≥",
    "≤": "≤",
    "<=": "≤",
    "≦": "≤",
    "=<": "≤",
    "小于等于": "≤",
    "不高于": "≤",
    "不超过": "≤",
    "不多于": "≤",
    "小于或等于": "≤",
    "≯": "≤",
    "=": "=",
    "＝": "=",
    "==": "=",
    "等于": "=",
    ">": ">",
    "＞": ">",
    "大于": ">",
    "高于": ">",
    "<": "<",
    "＜": "<",
    "小于": "<",
    "低于": "<",
    "定性": "定性",
}

LEVEL1_CANON = ("产出", "效益", "满意度", "成本")


def to_halfwidth(text: str) -> str:
    """Full-width digits, letters and ASCII punctuation -> half-width (NFKC keeps Chinese intact)."""
    return unicodedata.normalize("NFKC", text)


def normalize_op(raw: str | None) -> str | None:
    """Map an operator as written (>=, ≧, 大于等于 …) to one of ≥ ≤ = > < 定性, or None if unknown/empty."""
    if raw is None:
        return None
    s = str(raw).strip()
    if not s:
        return None
    if s in _OP_MAP:
        return _OP_MAP[s]
    s2 = to_halfwidth(s).replace(" ", "")
    if s2 in _OP_MAP:
        return _OP_MAP[s2]
    for key in sorted(_OP_MAP, key=len, reverse=True):
        if s2.startswith(key):
            return _OP_MAP[key]
    if "定性" in s2:
        return "定性"
    return None


def normalize_level1(raw: str | None) -> str | None:
    """产出 / 产出指标 / 项目完成指标 -> 产出; 社会公众或服务对象满意度指标 -> 满意度; 成本指标 -> 成本."""
    if not raw:
        return None
    s = to_halfwidth(str(raw)).strip()
    if "满意" in s:
        return "满意度"
    if "成本" in s:
        return "成本"
    if "效益" in s or "效果" in s or "影响" in s:
        return "效益"
    if "产出" in s or "完成" in s or "项目完成" in s:
        return "产出"
    return None


def normalize_level2(raw: str | None) -> str | None:
    """数量指标 / 数量 -> 数量; 社会效益指标 -> 社会效益; 服务对象满意度指标 -> 服务对象满意度."""
    if not raw:
        return None
    s = to_halfwidth(str(raw)).strip()
    s = re.sub(r"指标$", "", s)
    return s or None


_NUM_RE = re.compile(r"[-+]?\d+(?:,\d{3})*(?:\.\d+)?")


def parse_number(raw: object) -> float | None:
    """The value as a number when the cell is essentially one number ('95', '95%', '1,200', '≥90').

    None otherwise."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return float(raw)
    s = to_halfwidth(str(raw)).strip()
    if not s:
        return None
    s = s.lstrip("≥≤=<>").strip()
    m = _NUM_RE.fullmatch(s.rstrip("%").strip())
    if not m:
        return None
    try:
        return float(m.group(0).replace(",", ""))
    except ValueError:
        return None


def first_number(raw: object) -> float | None:
    """The first number that appears in a text.

    '2022年实际230人' -> 2022.0 is avoided when a later number follows 年."""
    if raw is None:
        return None
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return float(raw)
    s = to_halfwidth(str(raw))
    for m in _NUM_RE.finditer(s):
        tail = s[m.end() : m.end() + 1]
        if tail == "年" and re.fullmatch(r"(19|20)\d\d", m.group(0)):
            continue
        try:
            return float(m.group(0).replace(",", ""))
        except ValueError:
            continue
    return None


def clean_text(raw: object) -> str | None:
    """Cell text trimmed, internal newlines collapsed; None for empty."""
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    s = str(raw).replace("\r", "").strip()
    s = re.sub(r"\s*\n\s*", "", s) if re.search(r"[\u4e00-\u9fff]\s*\n\s*[\u4e00-\u9fff]", s) else s
    return s or None


def wan_to_yuan(amount: float | None) -> float | None:
    return None if amount is None else round(amount * 10000, 2)


# --- cell helpers for the target importers (ingest.targets) ---------------------------------------

_VALUE_OP_RE = re.compile(
    r"^(大于或等于|小于或等于|大于等于|小于等于|不低于|不少于|不高于|不超过|不多于|至少|大于|小于|高于|低于|等于"
    r"|>=|<=|=>|=<|==|≥|≤|≧|≦|≮|≯|>|<|=)\s*"
)
_VALUE_NUM_UNIT_RE = re.compile(r"^([-+]?\d+(?:,\d{3})*(?:\.\d+)?)\s*([^\d\s，,。；;]{0,8})$")


def number_to_text(value: float) -> str:
    """A numeric cell as the string a person typed: 95.0 -> '95', 0.5 -> '0.5', 1e-05 -> '0.00001'."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    if math.isnan(value) or math.isinf(value):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    from decimal import Decimal

    return format(Decimal(repr(float(value))), "f")


def split_value(raw: str | None) -> tuple[str | None, str, str | None] | None:
    """'≥95%' -> ('≥', '95', '%'); '不低于90%' -> ('≥', '90', '%'); '1,200人次' -> (None, '1,200', '人次').

    Returns None when the text is not an (operator) number (unit) triple, e.g. a sentence or '≥**%'.
    The operator is returned normalised; the number keeps its digits as written (half-width).
    """
    if raw is None:
        return None
    s = to_halfwidth(str(raw)).strip()
    op: str | None = None
    m = _VALUE_OP_RE.match(s)
    if m:
        op = normalize_op(m.group(1))
        s = s[m.end() :]
    n = _VALUE_NUM_UNIT_RE.match(s)
    if not n:
        return None
    unit = n.group(2).strip() or None
    if unit and re.search(r"[\u4e00-\u9fff]{5,}", unit):
        return None
    return op, n.group(1), unit


def parse_year(raw: object) -> int | None:
    """2023 / '2023年' / '2023年度' -> 2023; anything without a plausible year -> None."""
    if raw is None or isinstance(raw, bool):
        return None
    if isinstance(raw, (int, float)):
        return int(raw) if 1990 <= raw <= 2100 and float(raw).is_integer() else None
    m = re.search(r"(19|20)\d\d", to_halfwidth(str(raw)))
    return int(m.group(0)) if m else None
