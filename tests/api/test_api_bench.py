"""The API benchmark's arithmetic, and (slow) one tiny live run against a real uvicorn process."""

from __future__ import annotations

import json

import pytest

from eval.bench_api import percentile, run_bench


def test_percentile_is_nearest_rank():
    values = [float(v) for v in range(1, 101)]
    assert (percentile(values, 50), percentile(values, 95), percentile(values, 99)) == (50.0, 95.0, 99.0)
    assert percentile([7.0], 95) == 7.0
    assert percentile([3.0, 1.0, 2.0], 100) == 3.0


@pytest.mark.slow
def test_live_bench_reports_latencies(data_dir_shared):
    submission = json.loads((data_dir_shared / "targets_dev.json").read_text(encoding="utf-8"))[
        "submissions"
    ][6]
    stats = run_bench(submission, clients=2, per_client=3, warmup=1)
    assert stats["ok"] == 6 and stats["errors"] == 0
    assert 0 < stats["p50"] <= stats["p95"] <= stats["p99"]


def test_storing_a_new_starter_cache_removes_stale_ones(tmp_path):
    from eval.bench_api import _CACHE_PREFIX, remove_stale_caches

    current, old, other = (
        tmp_path / f"{_CACHE_PREFIX}new",
        tmp_path / f"{_CACHE_PREFIX}old",
        tmp_path / "unrelated",
    )
    for d in (current, old, other):
        (d / "index").mkdir(parents=True)
    remove_stale_caches(keep=current)
    assert current.is_dir() and other.is_dir() and not old.exists()
