"""Reading the annual goal (goaltext.py): the outputs it promises and the numbers that are content."""

from __future__ import annotations

import pytest
from checks_kit import findings_for, row, submission

from assistant.checks.context import build_context
from assistant.checks.goaltext import goal_quantities


def _quantities(goal: str) -> list[tuple[str, float, str]]:
    ctx = build_context(submission({"annual_goal": goal}))
    units = ctx.lex.words("count_units", "measure_units", "people_units")
    return [(q.subject, q.number, q.unit) for q in goal_quantities(ctx, units)]


def test_a_bracketed_standard_does_not_hide_the_output_it_glosses():
    found = [
        (n, unit)
        for _, n, unit in _quantities("为800艘渔船配备救生筏800具（每具补助不超过5000元），9月30日前完成")
    ]
    assert (800.0, "艘") in found and (800.0, "具") in found


@pytest.mark.parametrize("goal", ["每人每月补助300元，共600人", "按每亩不超过6元的标准补助"])
def test_a_cost_statement_is_not_an_output(goal):
    assert all(unit not in ("元",) for _, _, unit in _quantities(goal))
    assert not any(subject.startswith("每") for subject, _, _ in _quantities(goal))


def test_a_goal_output_with_a_bracketed_standard_needs_an_indicator():
    sub = submission(
        {
            "project": "渔船救生设备配备",
            "annual_goal": "2024年为800艘渔船配备救生筏800具（每具补助不超过5000元），9月底前完成。",
        },
        rows={0: row("产出指标", "数量指标", "更新北斗船载终端", "=", "1500", "台", 20)},
    )
    found = findings_for(sub, "MISSING_CORE_OUTPUT")
    assert len(found) == 1 and "800具" in found[0].message


def test_the_places_where_the_work_is_done_are_not_an_output():
    sub = submission(
        {"annual_goal": "2024年在全县8个乡镇完成农村实用人才培训600人（每人不超过1500元），10月31日前完成。"}
    )
    assert not findings_for(sub, "MISSING_CORE_OUTPUT")
