"""Header and label vocabulary: which canonical field a column header or form label means.

Headers vary between systems (单位名称/预算单位/实施单位, 指标值/目标值/年度指标值 …); they are matched by
meaning, after normalising width, whitespace and brackets. A bracket may carry the amount unit
(`预算数（万元）`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.normalize import to_halfwidth

# Fields of one flat row. Project-level fields come first; the rest belong to one indicator.
PROJECT_FIELDS = (
    "org_unit",
    "department",
    "project",
    "budget",
    "fiscal",
    "other",
    "annual_goal",
    "overall_goal",
    "year",
    "region",
    "project_type",
    "period",
)
INDICATOR_FIELDS = (
    "level1",
    "level2",
    "name",
    "op",
    "value",
    "measure_unit",
    "weight",
    "direction",
    "basis",
    "history",
)

FIELD_ZH = {
    "org_unit": "单位名称",
    "department": "主管部门",
    "project": "项目名称",
    "budget": "预算数",
    "fiscal": "财政拨款",
    "other": "其他资金",
    "annual_goal": "年度目标",
    "overall_goal": "总体目标",
    "year": "年度",
    "region": "地区",
    "project_type": "项目属性",
    "period": "实施期",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "op": "指标性质",
    "value": "指标值",
    "measure_unit": "度量单位",
    "weight": "权重",
    "direction": "指标方向",
    "basis": "指标值设定依据",
    "history": "上年实际",
}

# (field, exact labels, fragments). Checked in order: the first rule whose exact label equals the header,
# or whose fragment occurs in it, wins. Order matters: 指标值设定依据 is basis, not value; 预算单位 is the
# organisation, not the budget; 年度目标 is the goal, not the year.
_RULES: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("basis", ("依据",), ("设定依据", "测算依据", "指标依据")),
    ("history", ("历史值",), ("上年", "历史", "前一年", "基期值")),
    ("direction", (), ("方向",)),
    ("weight", ("分值", "分数", "权重"), ("权重", "分值")),
    ("department", (), ("主管部门", "主管单位")),
    ("op", ("性质", "符号"), ("指标性质", "运算符", "比较符", "运算符号", "比较符号", "指标符号")),
    ("measure_unit", ("单位",), ("度量单位", "计量单位", "指标单位", "计量标准")),
    ("org_unit", (), ("单位名称", "预算单位", "实施单位", "部门名称", "填报单位", "申报单位", "项目单位")),
    ("project", ("项目",), ("项目名称",)),
    ("value", (), ("指标值", "目标值", "标准值")),
    ("overall_goal", (), ("总体目标", "长期目标")),
    ("annual_goal", (), ("年度目标", "绩效目标", "目标内容")),
    ("level1", (), ("一级",)),
    ("level2", (), ("二级",)),
    ("name", ("绩效指标", "指标"), ("三级", "指标名称", "指标内容", "具体指标", "指标项")),
    ("fiscal", (), ("财政拨款", "财政资金")),
    ("other", (), ("其他资金",)),
    (
        "budget",
        ("合计", "金额", "预算"),
        (
            "预算数",
            "项目金额",
            "资金总额",
            "年度资金",
            "年度预算",
            "预算金额",
            "项目资金",
            "预算资金",
            "资金金额",
        ),
    ),
    ("year", ("年度", "年份", "预算年度"), ()),
    ("region", ("地区", "区划", "行政区划", "地域"), ("地区",)),
    ("project_type", (), ("项目属性", "项目类型", "项目性质")),
    ("period", (), ("实施期", "项目期", "实施周期", "项目周期")),
)

_BRACKET_RE = re.compile(r"\(([^()]*)\)")


@dataclass(frozen=True)
class Label:
    """A header cell, understood: its field (or None), the bare text and any amount unit in brackets."""

    field: str | None
    text: str
    amount_unit: str | None = None  # "万元" / "元" when the header says so


def normalize_label(raw: object) -> tuple[str, str | None]:
    """'预算数\\n（万元）' -> ('预算数', '万元'); '*项目名称：' -> ('项目名称', None)."""
    s = to_halfwidth(str(raw)) if raw is not None else ""
    s = re.sub(r"\s+", "", s)
    amount_unit = None
    for inner in _BRACKET_RE.findall(s):
        if "万元" in inner:
            amount_unit = "万元"
        elif inner in ("元", "单位:元", "单位元"):
            amount_unit = "元"
    s = _BRACKET_RE.sub("", s)
    s = re.sub(r"^(其中|\*|※)+[:：]?", "", s)
    s = s.strip("*:：※ ")
    return s, amount_unit


def classify_label(raw: object, *, max_len: int = 16) -> Label:
    """Map one header/label cell to a field by meaning; long texts (data, sentences) map to nothing."""
    text, amount_unit = normalize_label(raw)
    if not text or len(text) > max_len or re.search(r"\d", text):
        return Label(None, text, amount_unit)
    for field, exact, fragments in _RULES:
        if text in exact or any(f in text for f in fragments):
            return Label(field, text, amount_unit)
    return Label(None, text, amount_unit)


AMOUNT_UNIT_RE = re.compile(r"(?:金额|资金|计量)?单位[:：]\s*(万元|元)")


def amount_unit_in(text: object) -> str | None:
    """'金额单位：万元' -> '万元'; used on title rows above a header."""
    if not isinstance(text, str):
        return None
    m = AMOUNT_UNIT_RE.search(to_halfwidth(text).replace(" ", ""))
    return m.group(1) if m else None
