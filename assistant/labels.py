"""The Chinese words for the domain's codes, in one place: the opinion, the Word export, the API and the
web UI (which loads them from GET /v1/labels) all read them from here, so a label reads the same
everywhere. Severity, role and permission words live beside their enums and are re-exported here."""

from __future__ import annotations

from typing import Any

from assistant.auth import PERMISSION_ZH, ROLE_ZH
from assistant.citations import TRUST_LABELS, TRUST_NOTES, Trust, trust_of
from assistant.models import SEVERITY_ZH, Dimension, Grade, Severity

CONFIDENCES = ("源文✔", "二手✔", "记忆", "实务")  # the marks of assistant/checks/catalog.yaml citations

STATUS_ZH: dict[str, str] = {"pending": "待审", "returned": "已退回", "approved": "已通过"}

ACTION_ZH: dict[str, str] = {"draft": "起草", "edit": "修改", "approve": "审批通过", "return": "退回修改"}

DIMENSION_HINTS: dict[Dimension, str] = {
    Dimension.completeness: "目标内容是否齐全、明确、清晰",
    Dimension.relevance: "目标与职能、指标与目标是否相关，指标是否细化量化",
    Dimension.appropriateness: "资金规模与目标是否匹配",
    Dimension.feasibility: "目标是否经过论证、能否按期实现",
}

# One indicator row's cells and the submission's fields, as a finding's location names them.
CELL_ZH: dict[str, str] = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "指标名称",
    "op": "指标性质",
    "value": "指标值",
    "unit": "度量单位",
    "weight": "权重",
    "direction": "指标方向",
    "basis": "设定依据",
    "history": "历史值",
}

FIELD_ZH: dict[str, str] = {
    "project": "项目名称",
    "annual_goal": "年度目标",
    "overall_goal": "总体目标",
    "indicators": "指标表",
    "weights": "指标权重",
    "unit": "实施单位",
    "department": "主管部门",
    "budget_yuan": "年度资金总额",
    "period": "实施期",
    "ex_ante": "事前绩效评估",
}


INDICATOR_PLACE = "第{n}项指标"  # n is 1-based: the row of the indicator table, not an Excel row number


def indicator_place(index: int) -> str:
    """第3项指标 for the 0-based index 2."""
    return INDICATOR_PLACE.format(n=index + 1)


def labels_public() -> dict[str, Any]:
    """Every label table the UI needs, as plain JSON (ordered lists where the order matters)."""
    return {
        "severity": {s.value: SEVERITY_ZH[s] for s in Severity},
        "severity_order": [s.value for s in Severity],
        "dimensions": [{"name": d.value, "hint": DIMENSION_HINTS[d]} for d in Dimension],
        "grades": [g.value for g in Grade],
        "status": dict(STATUS_ZH),
        "roles": {r.value: label for r, label in ROLE_ZH.items()},
        "permissions": {p.value: label for p, label in PERMISSION_ZH.items()},
        "actions": dict(ACTION_ZH),
        "cells": dict(CELL_ZH),
        "fields": dict(FIELD_ZH),
        "indicator_place": INDICATOR_PLACE,
        # a citation's trust state (assistant/citations.py): one wording each in chat, dialogs, opinions,
        # the Word file and the API; a finding's citation, before it is resolved against the knowledge
        # base, has the state its confidence mark gives it
        "trust": {t.value: {"label": TRUST_LABELS[t], "note": TRUST_NOTES[t]} for t in Trust},
        "confidence_trust": {c: trust_of(c, "第一条", official=False).value for c in CONFIDENCES},
    }
