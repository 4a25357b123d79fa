"""Canonical submission JSON (formats.md §1): one object, a list, or {"submissions": [...]}."""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import ValidationError

from core.errors import ImportIssue
from core.models import Submission
from core.normalize import parse_number, parse_year, to_halfwidth
from ingest.targets.result import ImportResult

_TYPE_ZH = {
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "string_type": "应为文本",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_type": "应为对象",
    "model_attributes_type": "应为对象",
    "missing": "缺少该字段",
}


def decode_json_bytes(data: bytes, filename: str) -> ImportResult:
    """Bytes of a .json file (UTF-8 with or without BOM, or GB18030) -> submissions and issues."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return _fail(filename, None, "文件编码无法识别（应为 UTF-8），未导入。")
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return _fail(
            filename, exc.lineno, f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列附近（{exc.msg}），未导入。"
        )
    return parse_submissions_json(obj, filename)


def parse_submissions_json(obj: Any, source: str | None = None) -> ImportResult:
    """Each submission validated on its own: a bad one becomes issues naming its number/id and field."""
    src = source or "JSON"
    if isinstance(obj, dict) and "submissions" in obj:
        items = obj["submissions"]
        if not isinstance(items, list):
            return _fail(src, None, "“submissions”应为申报对象的列表，未导入。", "submissions")
    elif isinstance(obj, dict):
        items = [obj]
    elif isinstance(obj, list):
        items = obj
    else:
        return _fail(src, None, '顶层应为一个申报对象、申报对象列表，或 {"submissions": [...]}，未导入。')
    result = ImportResult()
    for i, item in enumerate(items, 1):
        sub = _one_submission(item, i, src, result.issues)
        if sub is not None:
            result.submissions.append(sub)
    return result


def _one_submission(item: Any, i: int, src: str, issues: list[ImportIssue]) -> Submission | None:
    who = _who(item, i)
    if not isinstance(item, dict):
        issues.append(
            ImportIssue(file=src, message=f"{who}不是 JSON 对象（实际为 {type(item).__name__}），未导入。")
        )
        return None
    if "project" not in item and "indicators" not in item:
        issues.append(
            ImportIssue(
                file=src,
                field="project",
                message=f"{who}既没有 project（项目名称）也没有 indicators（绩效指标），不是一条申报，未导入。",
            )
        )
        return None
    data, problems = _coerce_numbers(item)
    if not problems:
        try:
            return Submission.model_validate({**data, "source": f"{src}#{i}"})
        except ValidationError as exc:
            problems = [
                (_loc(e["loc"]), f"{_TYPE_ZH.get(e['type'], '格式不正确')}，实际为“{_short(e.get('input'))}”")
                for e in exc.errors()
            ]
    for field, what in problems:
        issues.append(
            ImportIssue(
                file=src,
                field=field,
                message=f"{who}的字段 {field}{'' if what.startswith('（') else ' '}{what}。"
                "该条申报未导入，其余申报照常导入。",
            )
        )
    return None


def _coerce_numbers(item: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Numbers written as text ('10分', '1,188万元', '2023年') are read; text that is no number is a problem."""
    data = dict(item)
    problems: list[tuple[str, str]] = []
    if isinstance(data.get("budget_yuan"), str):
        data["budget_yuan"] = _money(data["budget_yuan"])
        if data["budget_yuan"] is None and item["budget_yuan"].strip():
            problems.append(("budget_yuan", f"应为以元计的数字，实际为“{_short(item['budget_yuan'])}”"))
    if isinstance(data.get("year"), str) and data["year"].strip():
        data["year"] = parse_year(data["year"])
        if data["year"] is None:
            problems.append(("year", f"应为年份，实际为“{_short(item['year'])}”"))
    indicators = data.get("indicators")
    if isinstance(indicators, list):
        data["indicators"] = [dict(ind) if isinstance(ind, dict) else ind for ind in indicators]
        for k, ind in enumerate(data["indicators"]):
            if isinstance(ind, dict) and isinstance(ind.get("weight"), str) and ind["weight"].strip():
                raw = ind["weight"]
                ind["weight"] = parse_number(re.sub(r"(分|%)$", "", to_halfwidth(raw).strip()))
                if ind["weight"] is None:
                    problems.append(
                        (
                            f"indicators[{k}].weight",
                            f"（第{k + 1}个指标的权重）应为数字，实际为“{_short(raw)}”",
                        )
                    )
    return data, problems


def _money(text: str) -> float | None:
    s = to_halfwidth(text).replace(" ", "")
    scale = 10000 if "万" in s else 1
    n = parse_number(re.sub(r"(万元|万|元)$", "", s))
    return None if n is None else round(n * scale, 2)


def _who(item: Any, i: int) -> str:
    ident = item.get("id") if isinstance(item, dict) else None
    name = item.get("project") if isinstance(item, dict) else None
    extra = "，".join(
        p
        for p in (f"编号 {ident}" if ident is not None else "", f"项目“{_short(name)}”" if name else "")
        if p
    )
    return f"第{i}条申报" + (f"（{extra}）" if extra else "")


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(根)"


def _short(value: Any, limit: int = 30) -> str:
    s = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return s if len(s) <= limit else s[:limit] + "…"


def _fail(file: str, row: int | None, message: str, field: str | None = None) -> ImportResult:
    return ImportResult(issues=[ImportIssue(file=file, row=row, field=field, message=message)])
