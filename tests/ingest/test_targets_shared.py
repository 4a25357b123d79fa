"""The shared dev files: the flat export and the D07 form rebuild targets_dev.json exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.models import Submission
from ingest.targets import load_submissions, load_submissions_bytes

SUB_FIELDS = ("unit", "project", "budget_yuan", "annual_goal")
IND_FIELDS = ("level1", "level2", "name", "op", "value", "unit", "weight", "direction")


@pytest.fixture(scope="module")
def dev_json(data_dir_shared: Path) -> list[Submission]:
    obj = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))
    return [Submission.model_validate(s) for s in obj["submissions"]]


def _diff(got: Submission, want: Submission, sub_fields=SUB_FIELDS) -> list[str]:
    out = [
        f"{want.id}.{f}: {getattr(got, f)!r} != {getattr(want, f)!r}"
        for f in sub_fields
        if getattr(got, f) != getattr(want, f)
    ]
    if len(got.indicators) != len(want.indicators):
        return out + [f"{want.id}: {len(got.indicators)} indicators != {len(want.indicators)}"]
    for i, (a, b) in enumerate(zip(got.indicators, want.indicators, strict=True)):
        out += [
            f"{want.id}[{i}].{f}: {getattr(a, f)!r} != {getattr(b, f)!r}"
            for f in IND_FIELDS
            if getattr(a, f) != getattr(b, f)
        ]
    return out


def test_flat_export_round_trips_all_40(data_dir_shared: Path, dev_json: list[Submission]) -> None:
    result = load_submissions(data_dir_shared / "targets_dev_flat.xlsx")
    assert result.issues == []
    assert len(result.submissions) == 40
    diffs = [d for got, want in zip(result.submissions, dev_json, strict=True) for d in _diff(got, want)]
    assert diffs == []
    assert sum(len(s.indicators) for s in result.submissions) == 332


def test_flat_export_sources_and_number_text(data_dir_shared: Path) -> None:
    subs = load_submissions(data_dir_shared / "targets_dev_flat.xlsx").submissions
    assert subs[0].source == "targets_dev_flat.xlsx#项目绩效目标表!R4"
    assert subs[1].source == "targets_dev_flat.xlsx#项目绩效目标表!R13"
    rows = [int(s.source.rsplit("!R", 1)[1]) for s in subs]
    assert rows == sorted(rows)
    d02 = subs[1]
    assert [i.value for i in d02.indicators if i.name == "项目区耕地质量等级提高"] == ["0.5"]
    assert d02.indicators[0].value == "8000" and d02.indicators[0].value_num == 8000.0


def test_flat_export_from_bytes_same_as_path(data_dir_shared: Path) -> None:
    path = data_dir_shared / "targets_dev_flat.xlsx"
    a = load_submissions(path)
    b = load_submissions_bytes(path.read_bytes(), "upload/targets_dev_flat.xlsx")
    assert [s.canonical() for s in a.submissions] == [s.canonical() for s in b.submissions]
    assert b.submissions[5].source.startswith("targets_dev_flat.xlsx#")


def test_form_d07_equals_json(data_dir_shared: Path, dev_json: list[Submission]) -> None:
    result = load_submissions(data_dir_shared / "targets_form_D07.xlsx")
    assert result.issues == []
    assert len(result.submissions) == 1
    got = result.submissions[0]
    want = next(s for s in dev_json if s.id == "D07")
    fields = SUB_FIELDS + ("department", "project_type", "period", "overall_goal", "year")
    assert _diff(got, want, fields) == []
    assert got.budget_yuan == 11880000.0
    assert got.funding is not None and (got.funding.fiscal, got.funding.other) == (11380000.0, 500000.0)
    assert got.source == "targets_form_D07.xlsx#绩效目标申报表!R3"


def test_json_file_loads_all_in_order(data_dir_shared: Path) -> None:
    result = load_submissions(data_dir_shared / "targets_dev.json")
    assert result.issues == []
    assert [s.id for s in result.submissions] == [f"D{i:02d}" for i in range(1, 41)]
    assert result.submissions[2].source == "targets_dev.json#3"
