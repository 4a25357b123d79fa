"""The shared row view (context.py): wordy cells, operators written into values, weights."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks import check_submission


def _with(r: dict, at: int = 4):
    return submission(rows={at: r})


@pytest.mark.parametrize(
    "op,value,unit",
    [("≥", "≥95%", None), (None, "≥90%以上", None), (None, "95%及以上", None), ("=", "100%", "%")],
)
def test_wordy_percent_cells_are_read_as_numbers(op, value, unit):
    result = check_submission(
        submission(rows={1: row("产出指标", "质量指标", "培训考核合格率", op, value, unit, 15)})
    )
    assert result.findings == []


def test_weights_written_with_fen_are_read():
    sub = submission(
        rows={
            i: {**r, "weight": f"{r['weight']}分"}
            for i, r in enumerate(submission().model_dump()["indicators"])
        }
    )
    assert not findings_for(sub, "WEIGHTS_NOT_100")


def test_operator_written_into_the_value_cell_is_read():
    r = row("产出指标", "质量指标", "设施设备完好率", None, "≤95%", None, 15)
    found = findings_for(_with(r, at=1), "WRONG_DIRECTION")
    assert found and "“≤95%”" not in found[0].message.replace("≤≤", "")  # shown once, not doubled
    assert "≤≤" not in found[0].message
