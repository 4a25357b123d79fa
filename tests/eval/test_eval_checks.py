"""`jixiao eval checks` and the dev-set quality bar (a regression guard: it fails if the rules regress)."""

from __future__ import annotations

from typer.testing import CliRunner

from eval.checks import evaluate_checks, score_pairs
from jixiao.cli.main import app

runner = CliRunner()


def test_scoring_counts_each_code_once_per_submission():
    scores = score_pairs({("A", "X"), ("A", "Y"), ("B", "X")}, {("A", "X"), ("B", "Y")})
    assert (scores.micro.tp, scores.micro.fp, scores.micro.fn) == (1, 2, 1)
    assert scores.per_code["X"].precision == 0.5 and scores.per_code["Y"].recall == 0.0
    assert scores.false_negatives == [("B", "Y")]


def test_dev_set_meets_the_bars(data_dir_shared):
    scores = evaluate_checks(
        data_dir_shared / "targets_dev.json", data_dir_shared / "targets_dev_labels.json"
    )
    assert scores.micro.precision >= 0.95, scores.false_positives
    assert scores.micro.recall >= 0.95, scores.false_negatives
    for code, s in scores.per_code.items():
        assert s.f1 >= 0.8, (code, s)


def test_flat_xlsx_export_scores_like_the_json(data_dir_shared):
    """The flat export (no ids, basis or history; projects in order D01…D40) is checked just as well."""
    from assistant.checks import check_submissions
    from eval.checks import load_labels
    from ingest.targets import load_submissions

    imported = load_submissions(data_dir_shared / "targets_dev_flat.xlsx")
    assert len(imported.submissions) == 40, [str(i) for i in imported.issues]
    results = check_submissions(imported.submissions)
    predicted = {(f"D{n:02d}", f.code) for n, r in enumerate(results, 1) for f in r.findings}
    gold = {p for p in load_labels(data_dir_shared / "targets_dev_labels.json") if p[1] != "TARGET_TOO_LOW"}
    scores = score_pairs(predicted, gold)
    assert scores.micro.precision >= 0.9, scores.false_positives
    assert scores.micro.recall >= 0.9, scores.false_negatives


def test_cli_last_line_is_the_summary(data_dir_shared):
    result = runner.invoke(
        app,
        [
            "eval",
            "checks",
            "--dataset",
            str(data_dir_shared / "targets_dev.json"),
            "--labels",
            str(data_dir_shared / "targets_dev_labels.json"),
            "--verbose",
        ],
    )
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("checks: precision=") and " recall=" in last and " f1=" in last
    assert "误报" in result.stdout and "漏报" in result.stdout


def test_bench_checks_runs(data_dir_shared):
    result = runner.invoke(
        app, ["eval", "bench-checks", "--n", "40", "--dataset", str(data_dir_shared / "targets_dev.json")]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout.strip().splitlines()[-1].startswith("bench-checks: n=40 total=")
