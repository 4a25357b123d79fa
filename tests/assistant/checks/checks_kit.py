"""Builders for precheck tests: a clean submission in 部门预算公开 style, and helpers to read findings."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from assistant.checks import check_submission
from assistant.models import CheckResult, Submission


def row(
    level1: str | None,
    level2: str | None,
    name: str,
    op: str | None,
    value: Any,
    unit: str | None,
    weight: float | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "level1": level1,
        "level2": level2,
        "name": name,
        "op": op,
        "value": value,
        "unit": unit,
        "weight": weight,
        **extra,
    }


# A clean project: 600 trainees × 1500元/人 = 90万元, weights 100, every category present.
CLEAN: dict[str, Any] = {
    "id": "T01",
    "year": 2024,
    "project": "农村实用人才培训",
    "unit": "某县农业农村局",
    "budget_yuan": 900000,
    "annual_goal": "2024年培训农村实用人才600人，人均培训成本不超过1500元，10月31日前完成全部培训，培训考核合格率达到95%以上。",  # noqa: E501
    "indicators": [
        row("产出指标", "数量指标", "培训农村实用人才", "≥", "600", "人", 20),
        row("产出指标", "质量指标", "培训考核合格率", "≥", "95", "%", 15),
        row("产出指标", "时效指标", "培训完成时间", "≤", "2024-10-31", "日期", 10),
        row("产出指标", "成本指标", "人均培训成本", "≤", "1500", "元/人", 15),
        row("效益指标", "社会效益指标", "参训人员培训后6个月内就业创业率", "≥", "60", "%", 15),
        row("效益指标", "可持续影响指标", "参训人员技能证书获证率", "≥", "80", "%", 15),
        row("满意度指标", "服务对象满意度指标", "参训学员满意度（问卷调查）", "≥", "90", "%", 10),
    ],
}


def submission(
    changes: dict[str, Any] | None = None,
    rows: dict[int, dict[str, Any]] | None = None,
    add: list[dict[str, Any]] | None = None,
    drop: list[int] | None = None,
) -> Submission:
    """The clean submission with fields changed, rows replaced/added/dropped."""
    data = copy.deepcopy(CLEAN)
    data.update(changes or {})
    for i, new in (rows or {}).items():
        data["indicators"][i] = new
    data["indicators"] = [r for i, r in enumerate(data["indicators"]) if i not in (drop or [])] + (add or [])
    return Submission.model_validate(data)


def codes(result: CheckResult) -> set[str]:
    return {f.code for f in result.findings}


def findings_for(sub: Submission, code: str) -> list:
    return [f for f in check_submission(sub).findings if f.code == code]


def dev_submissions(data_dir: Path) -> dict[str, Submission]:
    raw = json.loads((data_dir / "targets_dev.json").read_text(encoding="utf-8"))["submissions"]
    return {s["id"]: Submission.model_validate(s) for s in raw}
