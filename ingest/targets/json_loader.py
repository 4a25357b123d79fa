"""Canonical submission JSON (formats.md §1): one object, a list, or {"submissions": [...]}."""

from __future__ import annotations

import json
import logging
import math
import re
from typing import Any

from pydantic import ValidationError

from core.errors import ImportIssue
from core.models import Submission
from core.normalize import parse_number, parse_year, to_halfwidth
from ingest.targets.limits import (
    ImportLimits,
    clean_str,
    cut,
    json_text_depth,
    nesting_exceeds,
    too_long_message,
)
from ingest.targets.result import ImportResult

log = logging.getLogger(__name__)

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


# JSON keys a reviewer knows by their Chinese names (messages name both)
FIELD_ZH = {
    "id": "编号",
    "year": "年度",
    "region": "地区",
    "unit": "单位名称",
    "department": "主管部门",
    "project": "项目名称",
    "project_type": "项目属性",
    "period": "实施期",
    "budget_yuan": "年度资金总额",
    "overall_goal": "总体目标",
    "annual_goal": "年度目标",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "op": "指标性质",
    "value": "指标值",
    "weight": "权重",
    "direction": "指标方向",
    "basis": "指标值设定依据",
    "history": "上年实际",
    "value_raw": "指标值原文",
}
# free text may be long; every other known field is a short cell
LONG_FIELDS = frozenset({"overall_goal", "annual_goal", "basis"})
SHORT_FIELDS = frozenset(FIELD_ZH) - LONG_FIELDS


def decode_json_bytes(data: bytes, filename: str, limits: ImportLimits | None = None) -> ImportResult:
    """Bytes of a .json file (UTF-8 with or without BOM, or GB18030) -> submissions and issues."""
    limits = limits or ImportLimits()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            return _fail(filename, None, "文件编码无法识别（应为 UTF-8），未导入。")
    if json_text_depth(text, limits.max_json_depth) > limits.max_json_depth:
        return _fail(filename, None, _too_deep(limits))
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        return _fail(
            filename, exc.lineno, f"JSON 格式错误：第{exc.lineno}行第{exc.colno}列附近（{exc.msg}），未导入。"
        )
    except (ValueError, RecursionError):  # an integer of thousands of digits; nesting the scan missed
        return _fail(filename, None, "JSON 中有无法读取的内容（如数千位长的数字或过深的嵌套），未导入。")
    return parse_submissions_json(obj, filename, limits)


def _too_deep(limits: ImportLimits) -> str:
    return (
        f"JSON 嵌套超过 {limits.max_json_depth} 层，不是申报数据的结构（申报只需 4 层），"
        "可能是恶意构造的文件，未导入。"
    )


def parse_submissions_json(
    obj: Any, source: str | None = None, limits: ImportLimits | None = None
) -> ImportResult:
    """Each submission validated on its own: a bad one becomes issues naming its number/id and field.

    Strings are cleaned (control characters, lone surrogates) and over-long fields cut, each with an issue.
    """
    src = source or "JSON"
    limits = limits or ImportLimits()
    if nesting_exceeds(obj, limits.max_json_depth):
        return _fail(src, None, _too_deep(limits))
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
        sub = _one_submission(item, i, src, result.issues, limits)
        if sub is not None:
            result.submissions.append(sub)
    return result


def _one_submission(
    item: Any, i: int, src: str, issues: list[ImportIssue], limits: ImportLimits
) -> Submission | None:
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
                message=f"{who}既没有 project（项目名称）也没有 indicators（绩效指标），"
                "不是一条申报，未导入。",
            )
        )
        return None
    item = _bounded(item, who, src, issues, limits)
    data, problems = _coerce_numbers(item)  # numbers written as text; what is no number becomes None
    data["source"] = f"{src}#{i}"
    sub: Submission | None = None
    for _ in range(_MAX_REPAIRS):  # a value of the wrong type is emptied and the rest validated again
        try:
            sub = Submission.model_validate(data)
            break
        except ValidationError as exc:
            errors = exc.errors()
            problems += [
                (_loc(e["loc"]), f"{_TYPE_ZH.get(e['type'], '格式不正确')}，实际为“{_short(e.get('input'))}”")
                for e in errors
            ]
            if not _empty_bad_values(data, [e["loc"] for e in errors]):
                break
        except Exception:  # noqa: BLE001  a validator that trips on an odd value must not stop the file
            log.info("submission %s of %s could not be validated", i, src, exc_info=True)
            break
    for field, what in dict.fromkeys(problems):
        if sub is None:
            done = "该条申报未导入，其余申报照常导入"
        else:
            done = "该项已跳过" if field.endswith("]") else "已按空值导入"
            done += "，该条申报其余内容照常导入"
        issues.append(
            ImportIssue(
                file=src,
                field=field,
                message=f"{who}的字段 {field}{'' if what.startswith('（') else ' '}{what}，{done}。",
            )
        )
    if sub is None and not problems:
        issues.append(
            ImportIssue(file=src, message=f"{who}的内容无法解析，该条申报未导入，其余申报照常导入。")
        )
    return sub


_MAX_REPAIRS = 6
_DROPPED = object()


def _empty_bad_values(data: dict[str, Any], locs: list[tuple[Any, ...]]) -> bool:
    """Each value pydantic refused, emptied in place: a field becomes None, a list item is dropped (an
    indicator that is no object). False when nothing could be emptied (the same error would come back)."""
    changed = False
    lists: list[list[Any]] = []
    for loc in locs:
        parent: Any = data
        for key in loc[:-1]:
            try:
                parent = parent[key]
            except (KeyError, IndexError, TypeError):
                parent = None
                break
        last = loc[-1] if loc else None
        if isinstance(parent, dict) and last in parent and parent[last] is not None:
            parent[last] = None
            changed = True
        elif isinstance(parent, list) and isinstance(last, int) and 0 <= last < len(parent):
            parent[last] = _DROPPED
            lists.append(parent)
            changed = True
    for items in lists:
        items[:] = [x for x in items if x is not _DROPPED]
    return changed


def _bounded(
    item: dict[str, Any], who: str, src: str, issues: list[ImportIssue], limits: ImportLimits
) -> dict[str, Any]:
    """Strings (keys too) cleaned; over-long ones cut and NaN/∞ numbers emptied, each with an issue;
    indicators past the limit dropped with one. Recursive, but only after the nesting depth was checked."""

    def note(path: str, message: str) -> None:
        issues.append(ImportIssue(file=src, field=path, message=f"{who}的字段 {path}{message}"))

    def walk(value: Any, path: str, key: str | None) -> Any:
        if isinstance(value, str):
            value = clean_str(value)
            limit = limits.max_field_chars if key in SHORT_FIELDS else limits.max_text_chars
            if len(value) > limit:
                note(path, too_long_message(f"（{_zh(key)}）", len(value), limit))
                return cut(value, limit)
            return value
        if isinstance(value, float) and not math.isfinite(value):
            note(path, f"（{_zh(key)}）不是有限数字（{value}），已按空值处理。")
            return None
        if isinstance(value, dict):
            return {clean_str(k): walk(v, f"{path}.{clean_str(k)}", k) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, f"{path}[{n}]", key) for n, v in enumerate(value)]
        return value

    data = {clean_str(k): walk(v, clean_str(k), k) for k, v in item.items()}
    indicators = data.get("indicators")
    if isinstance(indicators, list) and len(indicators) > limits.max_indicators:
        note(
            "indicators",
            f"（绩效指标）有 {len(indicators)} 行，超过上限 {limits.max_indicators} 行，"
            f"只导入了前 {limits.max_indicators} 行，请核对原表。",
        )
        data["indicators"] = indicators[: limits.max_indicators]
    return data


def _zh(key: str | None) -> str:
    return FIELD_ZH.get(key or "", "内容")


def _coerce_numbers(item: dict[str, Any]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """Numbers written as text ('10分', '1,188万元', '2023年') are read; other text is a problem."""
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
    s = clean_str(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str))
    return s if len(s) <= limit else s[:limit] + "…"


def _fail(file: str, row: int | None, message: str, field: str | None = None) -> ImportResult:
    return ImportResult(issues=[ImportIssue(file=file, row=row, field=field, message=message)])
