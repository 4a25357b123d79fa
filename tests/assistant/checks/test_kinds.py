"""What a name says it counts and which units fit (kinds.py)."""

from __future__ import annotations

from assistant.checks.kinds import counting_unit, unit_misfit


def test_counting_unit_reads_a_household_row_written_in_people_as_households():
    assert unit_misfit("电动车充电桩安装户数", "人") is not None
    assert counting_unit("电动车充电桩安装户数", "人") == "户" and counting_unit("安装户数", "户") == "户"
