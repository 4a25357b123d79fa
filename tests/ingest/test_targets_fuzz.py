"""Property tests: mutated JSON and mutated workbooks (both layouts) never make an importer raise; every
problem is an ImportIssue in Chinese naming the file (and sheet/row/field where there is one), and whatever
is readable is still imported — an untouched copy beside the mutated one imports exactly as on its own.

Fast runs use few examples; the `slow` variants run many. Crashes found here are kept as regression tests
at the bottom of this file.
"""

from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from core.errors import ImportIssue
from ingest.targets import load_submissions_bytes
from ingest.targets.limits import ImportLimits

DATA = Path(os.environ.get("JIXIAO_SHARED", Path(__file__).resolve().parents[2].parent / "shared")) / "data"
CJK = re.compile(r"[\u4e00-\u9fff]")
LIMITS = ImportLimits()
FAST = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
SLOW = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))

ODD_STRINGS = [
    "", " ", "—", "/", "无", "0", "-5", "-0.0", "1e309", "１２３", "１０万元", "≥", "≥≥90%", "%", "万元",
    "不低于", "\u200f90%", "90%\x00", "😀", "≤-0", "NaN", "inf", "2025年13月45日", "12/31", "100%以上",
    "（）", "【】", "x" * 3000, "≥ 9" * 50, "=", "定性", "优", "1,000,000,000,000", "0.0000001", "—%",
    "\ud800", "\udfff项目", "a\x1b[31mred", "\ufeff指标", "项" * 20000, "第1行\r\n第2行",
    "<script>alert(1)</script>", "=1+1", "@SUM(A1)",
]  # fmt: skip
NOISE = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)  # controls and surrogates too
FULL_WIDTH = st.text(st.sampled_from("０１２３４５６７８９％．，－＋≥≤＝ "), max_size=12)
ODD_TEXT = st.one_of(st.sampled_from(ODD_STRINGS), NOISE, FULL_WIDTH)
ODD_NUMBER = st.one_of(
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, -1, 1e18, -1e-9, 10**30]),
)
JSON_LEAF = st.one_of(st.none(), st.booleans(), ODD_TEXT, ODD_NUMBER)
ODD_JSON = st.one_of(
    JSON_LEAF,
    st.recursive(
        JSON_LEAF, lambda kids: st.lists(kids, max_size=3) | st.dictionaries(ODD_TEXT, kids, max_size=3)
    ),
)
TOP_FIELDS = ["id", "project", "annual_goal", "overall_goal", "budget_yuan", "unit", "department", "year"]
TOP_FIELDS += ["period", "region", "funding", "indicators", "ex_ante"]
IND_FIELDS = ["level1", "level2", "name", "op", "value", "unit", "weight", "direction", "basis", "history"]


@cache
def base_submissions() -> tuple[dict[str, Any], ...]:
    out: list[dict[str, Any]] = []
    for name in ("targets_dev.json", "real_dev_targets.json"):
        obj = json.loads((DATA / name).read_text(encoding="utf-8"))
        out += obj["submissions"] if isinstance(obj, dict) else obj
    return tuple(out)


UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\ufeff\ud800-\udfff]")


def _check_issue(issue: ImportIssue, file: str) -> None:
    assert isinstance(issue, ImportIssue)
    assert issue.file == file, issue
    assert CJK.search(issue.message), issue.message
    assert "Traceback" not in issue.message and "Error" not in issue.message, issue.message
    assert re.search(r"\b[A-Z][a-z]+(Error|Exception)\b", str(issue)) is None, issue
    assert not UNSAFE.search(str(issue)), repr(str(issue))  # messages are shown and stored: clean too


def _strings(value: Any):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(k)
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def _check_clean(sub) -> None:
    """What was imported is safe to store and print: no control, invisible or surrogate character, valid
    UTF-8, bounded fields, no NaN."""
    data = sub.canonical()
    for text in _strings(data):
        assert not UNSAFE.search(text), repr(text[:80])
    json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
    for value in (sub.project, sub.unit, sub.department, *(i.name for i in sub.indicators)):
        assert value is None or len(value) <= LIMITS.max_field_chars
    assert len(sub.indicators) <= LIMITS.max_indicators


# --- JSON ----------------------------------------------------------------------------------------------


@st.composite
def mutated_submission(draw) -> dict[str, Any]:
    sub = copy.deepcopy(draw(st.sampled_from(base_submissions())))
    for _ in range(draw(st.integers(1, 8))):
        inds = sub.get("indicators") if isinstance(sub.get("indicators"), list) else []
        kind = draw(st.sampled_from(["cell", "cell", "cell", "top", "nulls", "dup", "drop", "many", "shape"]))
        if kind == "cell" and inds and isinstance(ind := draw(st.sampled_from(inds)), dict):
            ind[draw(st.sampled_from(IND_FIELDS))] = draw(ODD_JSON)
        elif kind == "top":
            sub[draw(st.sampled_from(TOP_FIELDS))] = draw(ODD_JSON)
        elif kind == "nulls" and inds and isinstance(ind := draw(st.sampled_from(inds)), dict):
            for k in list(ind):
                ind[k] = None
        elif kind == "dup" and inds:
            inds.append(copy.deepcopy(draw(st.sampled_from(inds))))
        elif kind == "drop" and inds:
            inds.pop(draw(st.integers(0, len(inds) - 1)))
        elif kind == "many" and inds:
            sub["indicators"] = inds * draw(st.integers(1, 60))
        elif kind == "shape":
            sub[draw(st.sampled_from(TOP_FIELDS))] = draw(st.sampled_from([[], {}, [[[]]], {"a": {"b": []}}]))
    return sub


def _assert_json_import(subs: list[Any], pristine_ids: list[str]) -> None:
    data = json.dumps({"submissions": subs}, ensure_ascii=True, allow_nan=True).encode()
    result = load_submissions_bytes(data, "变异.json")
    for issue in result.issues:
        _check_issue(issue, "变异.json")
    for sub in result.submissions:
        _check_clean(sub)
    got = [s.id for s in result.submissions]
    assert [i for i in got if i in pristine_ids] == pristine_ids  # the untouched ones, in order
    # every submission object is imported, whatever its values: a refused value is emptied with an issue
    assert [s.source for s in result.submissions] == [f"变异.json#{n}" for n in range(1, len(subs) + 1)]


def _json_case(draw_mutated: list[dict[str, Any]]) -> None:
    before, after = copy.deepcopy(base_submissions()[0]), copy.deepcopy(base_submissions()[-1])
    before["id"], after["id"] = "PRISTINE-A", "PRISTINE-B"
    for n, m in enumerate(draw_mutated):
        if isinstance(m.get("id"), str) and m["id"].startswith("PRISTINE"):
            m["id"] = f"M{n}"
    _assert_json_import([before, *draw_mutated, after], ["PRISTINE-A", "PRISTINE-B"])


@FAST
@given(st.lists(mutated_submission(), min_size=1, max_size=4))
def test_mutated_json_submissions_import_or_are_named(mutated: list[dict[str, Any]]) -> None:
    _json_case(mutated)


@pytest.mark.slow
@SLOW
@given(st.lists(mutated_submission(), min_size=1, max_size=6))
def test_mutated_json_submissions_many_examples(mutated: list[dict[str, Any]]) -> None:
    _json_case(mutated)


@FAST
@given(ODD_JSON)
def test_any_json_document_gives_issues_not_exceptions(doc: Any) -> None:
    data = json.dumps(doc, ensure_ascii=True, allow_nan=True).encode()
    result = load_submissions_bytes(data, "任意.json")
    for issue in result.issues:
        _check_issue(issue, "任意.json")
    for sub in result.submissions:
        _check_clean(sub)


@FAST
@given(st.data())
def test_damaged_json_bytes_give_issues_not_exceptions(data: st.DataObject) -> None:
    raw = bytearray(json.dumps(list(base_submissions()[:3]), ensure_ascii=False).encode())
    for _ in range(data.draw(st.integers(1, 6))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            raw[pos] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[pos : pos + data.draw(st.integers(1, 50))]
        else:
            raw[pos:pos] = data.draw(st.sampled_from([b"[" * 200, b"\x00", b"\xed\xa0\x80", b'"', b"\\u"]))
    result = load_submissions_bytes(bytes(raw), "损坏.json")
    for issue in result.issues:
        _check_issue(issue, "损坏.json")


# --- workbooks -----------------------------------------------------------------------------------------


@cache
def base_workbook(name: str, max_rows: int | None) -> bytes:
    """The shared workbook, or its first rows with their merges (a small base keeps fast runs fast)."""
    data = (DATA / name).read_bytes()
    if max_rows is None:
        return data
    src = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = src.title
    for row in src.iter_rows(max_row=max_rows):
        for cell in row:
            if cell.value is not None and not isinstance(cell, openpyxl.cell.cell.MergedCell):
                target = ws.cell(row=cell.row, column=cell.column, value=cell.value)
                target.number_format = cell.number_format
    for rng in src.merged_cells.ranges:
        if rng.max_row <= max_rows:
            ws.merge_cells(str(rng))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _writable(value: Any) -> Any:
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value).encode("utf-8", "replace").decode("utf-8")
        return value[:32767]
    if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
        return None
    return value


CELL_VALUE = st.one_of(
    st.none(), ODD_TEXT, ODD_NUMBER.filter(lambda x: not isinstance(x, int) or abs(x) < 10**15), st.booleans()
)


@st.composite
def workbook_mutations(draw) -> list[tuple]:
    ops = []
    for _ in range(draw(st.integers(1, 10))):
        kind = draw(
            st.sampled_from(["cell", "cell", "cell", "text_number", "unmerge", "rows", "blank_row", "sheet"])
        )
        ops.append((kind, draw(st.integers(1, 400)), draw(st.integers(1, 14)), draw(CELL_VALUE)))
    return ops


def _mutate(ws, wb, ops: list[tuple]) -> None:
    for kind, r, c, value in ops:
        r = 1 + (r - 1) % max(ws.max_row, 1)
        c = 1 + (c - 1) % max(ws.max_column, 1)
        cell = ws.cell(row=r, column=c)
        if kind == "cell" and not isinstance(cell, openpyxl.cell.cell.MergedCell):
            cell.value = _writable(value)
        elif (
            kind == "text_number" and isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
        ):
            cell.value = (
                f"{cell.value:,}" if r % 2 else "".join(chr(ord(ch) + 0xFEE0) for ch in str(cell.value))
            )
        elif kind == "unmerge" and ws.merged_cells.ranges:
            target = sorted(ws.merged_cells.ranges, key=str)[r % len(ws.merged_cells.ranges)]
            with contextlib.suppress(KeyError, ValueError):  # openpyxl cannot unmerge what delete_rows moved
                ws.unmerge_cells(str(target))
        elif kind == "rows":
            ws.delete_rows(r, 1 + c % 3)
        elif kind == "blank_row":
            ws.insert_rows(r, 1)
        elif kind == "sheet":
            extra = wb.create_sheet(f"附表{len(wb.worksheets)}")
            extra.append(["项目名称", "三级指标", "指标值", "备注"][: 1 + c % 4])
            extra.append([_writable(value), _writable(value), "≥95%", None])


def _import_alone(name: str, max_rows: int | None) -> list[dict[str, Any]]:
    result = load_submissions_bytes(base_workbook(name, max_rows), name)
    return [s.canonical() for s in result.submissions]


def _workbook_case(name: str, max_rows: int | None, ops: list[tuple]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(base_workbook(name, max_rows)))
    original = wb.worksheets[0]
    pristine = wb.copy_worksheet(original)  # untouched twin, read after the mutated sheet
    pristine.title = "原样副本"
    _mutate(original, wb, ops)
    buf = io.BytesIO()
    wb.save(buf)
    result = load_submissions_bytes(buf.getvalue(), f"变异_{name}")
    for issue in result.issues:
        _check_issue(issue, f"变异_{name}")
        assert issue.sheet is None or issue.sheet in wb.sheetnames
    for sub in result.submissions:
        _check_clean(sub)
    from_pristine = [s.canonical() for s in result.submissions if "#原样副本!" in (s.source or "")]
    assert from_pristine == _import_alone(name, max_rows)


@FAST
@given(workbook_mutations())
def test_mutated_flat_export_imports_what_is_readable(ops: list[tuple]) -> None:
    _workbook_case("targets_dev_flat.xlsx", 60, ops)


@FAST
@given(workbook_mutations())
def test_mutated_form_imports_what_is_readable(ops: list[tuple]) -> None:
    _workbook_case("targets_form_D07.xlsx", None, ops)


@pytest.mark.slow
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.sampled_from(["targets_dev_flat.xlsx", "targets_form_D07.xlsx"]), workbook_mutations())
def test_mutated_workbooks_many_examples(name: str, ops: list[tuple]) -> None:
    _workbook_case(name, None, ops)


@FAST
@given(st.data())
def test_damaged_xlsx_bytes_give_issues_not_exceptions(data: st.DataObject) -> None:
    raw = bytearray(base_workbook("targets_form_D07.xlsx", None))
    for _ in range(data.draw(st.integers(1, 4))):
        pos = data.draw(st.integers(0, len(raw) - 1))
        if data.draw(st.booleans()):
            raw[pos] = data.draw(st.integers(0, 255))
        else:
            del raw[pos:]
            break
    result = load_submissions_bytes(bytes(raw), "损坏.xlsx")
    for issue in result.issues:
        _check_issue(issue, "损坏.xlsx")
