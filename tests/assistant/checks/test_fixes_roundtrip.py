"""Every fix over every shared set (../shared real and dev tables, eval/datasets): applied, it clears its
finding and puts no new error on the row it wrote; the fixes of one submission agree; no fix is one of the
patterns a senior reviewer rejected (a canned income indicator, ≥ 100% on a rate, ≥ 0, a price per cm)."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

import pytest

from assistant.checks import check_submission
from assistant.checks.fixes import PLACEHOLDER
from assistant.checks.fixplan import apply_fixes
from assistant.models import CheckResult, Fix, Submission

REPO = Path(__file__).resolve().parents[3]


def _sets(shared: Path) -> list[Path]:
    return [
        shared / "real_dev_targets.json",
        shared / "targets_dev.json",
        *sorted((REPO / "eval" / "datasets").glob("*_targets.json")),
    ]


@lru_cache(maxsize=1)
def _checked(shared: str) -> tuple[tuple[Submission, CheckResult], ...]:
    out = []
    for path in _sets(Path(shared)):
        raw = json.loads(path.read_text(encoding="utf-8"))
        for s in raw["submissions"] if isinstance(raw, dict) else raw:
            sub = Submission.model_validate(s)
            out.append((sub, check_submission(sub)))
    return tuple(out)


@pytest.fixture(scope="module")
def checked(data_dir_shared: Path) -> tuple[tuple[Submission, CheckResult], ...]:
    return _checked(str(data_dir_shared))


def _concrete(fix: Fix | None) -> bool:
    return fix is not None and not PLACEHOLDER.search(fix.model_dump_json())


def _written(fix: Fix, sub: Submission, all_fixes: list[Fix]) -> tuple[str, object] | None:
    """Where a fix writes, in the table after all fixes are applied (replace: its row's new place)."""
    deleted = sorted({f.indicator for f in all_fixes if f.action == "delete_row" and f.indicator is not None})
    if fix.action == "replace_row" and fix.indicator is not None:
        return "row", fix.indicator - sum(1 for d in deleted if d < fix.indicator)
    if fix.action == "set_field":
        return "field", fix.field
    return None


def test_fixes_applied_together_clear_their_findings_and_add_no_error_on_their_rows(checked):
    total = concrete = ok = 0
    failures = []
    for sub, result in checked:
        fixes = [f.fix for f in result.findings if f.fix]
        after = check_submission(Submission.model_validate(apply_fixes(sub.canonical(), fixes)))
        assert after.error is None, f"{sub.id}: the fixed table could not be checked: {after.error}"
        for f in result.findings:
            total += 1
            if not _concrete(f.fix):
                continue
            concrete += 1
            where = _written(f.fix, sub, fixes)
            bad = [
                g
                for g in after.findings
                if where is not None
                and (g.location.indicator == where[1] if where[0] == "row" else g.location.field == where[1])
                and (g.code == f.code or g.severity.value == "error")
            ]
            if bad:
                failures.append((sub.id, f.code, bad[0].code, bad[0].message[:60]))
            else:
                ok += 1
    assert concrete / total >= 0.6, f"only {concrete}/{total} findings carry a concrete fix"
    assert ok / concrete >= 0.95, failures[:10]


def test_the_fixes_of_one_submission_agree(checked):
    for sub, result in checked:
        fixes = [f.fix for f in result.findings if f.fix]
        deleted = {f.indicator for f in fixes if f.action == "delete_row"}
        rewrites: dict[int, set[str]] = {}
        for f in fixes:
            if f.action == "replace_row" and f.indicator is not None and set(f.row or {}) != {"weight"}:
                rewrites.setdefault(f.indicator, set()).add(
                    json.dumps(f.row, sort_keys=True, ensure_ascii=False)
                )
        assert not deleted & set(rewrites), (
            f"{sub.id}: rows both deleted and rewritten {deleted & set(rewrites)}"
        )
        assert all(len(v) == 1 for v in rewrites.values()), f"{sub.id}: one row rewritten two ways"
        # together they create no submission-level error the table did not have
        before = {(f.code, f.location.field) for f in result.findings if f.location.indicator is None}
        after = check_submission(Submission.model_validate(apply_fixes(sub.canonical(), fixes)))
        created = [
            f.code
            for f in after.findings
            if f.location.indicator is None
            and f.severity.value == "error"
            and (f.code, f.location.field) not in before
        ]
        assert not created, f"{sub.id}: the fixes together create {created}"


def test_each_row_fix_alone_clears_its_finding(checked):
    for sub, result in checked:
        for f in result.findings:
            fix = f.fix
            if not _concrete(fix) or fix.action != "replace_row" or f.location.indicator is None:
                continue
            if f.code == "WEIGHTS_NOT_100":
                continue  # a weight fix balances the table as the other fixes leave it
            after = check_submission(Submission.model_validate(apply_fixes(sub.canonical(), [fix])))
            still = [
                g for g in after.findings if g.code == f.code and g.location.indicator == f.location.indicator
            ]
            assert not still, f"{sub.id} {f.code} row {f.location.indicator}: {still[0].message[:80]}"


_CANNED = re.compile(r"受益主体年经营性收入|服务对象覆盖率 ≥ 95%（实际受益对象数/应受益对象数）|能量化的写成")


def test_no_fix_is_a_pattern_a_reviewer_rejected(checked):
    for sub, result in checked:
        for f in result.findings:
            assert not _CANNED.search(f.suggestion), f"{sub.id} {f.code}: canned advice {f.suggestion[:80]}"
            if f.fix is None or not f.fix.row:
                continue
            row = {**(f.fix.row or {})}
            unit, op, value = row.get("unit") or "", row.get("op"), str(row.get("value") or "")
            assert "厘米" not in unit and "毫米" not in unit, f"{sub.id}: priced per a specification {row}"
            if unit == "%" and op in ("≥", ">") and re.fullmatch(r"\d+(\.\d+)?", value):
                assert float(value) < 100, f"{sub.id}: a rate at least 100% {row}"
            if op in ("≥", ">") and value == "0":
                pytest.fail(f"{sub.id} {f.code}: a target that cannot fail {row}")


def test_every_suggestion_of_a_fix_quotes_what_the_fix_writes(checked):
    for sub, result in checked:
        for f in result.findings:
            fix = f.fix
            if fix is None:
                continue
            if fix.action == "set_field":
                assert (fix.value or "") in f.suggestion
            elif fix.action == "replace_row" and fix.row and "name" in fix.row:
                assert fix.row["name"] in f.suggestion, f"{sub.id} {f.code}: {f.suggestion[:80]}"
            elif fix.action == "delete_row":
                assert f.suggestion.startswith("删除"), f"{sub.id} {f.code}: {f.suggestion[:80]}"
