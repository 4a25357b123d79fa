"""`jixiao eval bench-checks`: rules-only precheck throughput on the dev set replicated to N submissions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from eval.cli import eval_app

DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "shared" / "data" / "targets_dev.json"


def bench_checks(submissions: list, n: int) -> tuple[float, int]:
    """Check `n` submissions (the list repeated) once; returns (seconds, findings)."""
    from assistant.checks import check_submission, load_catalog

    load_catalog()  # catalog and lexicon load once, before the clock starts (as in a running service)
    batch = [submissions[i % len(submissions)] for i in range(n)]
    start = time.perf_counter()
    findings = sum(len(check_submission(s).findings) for s in batch)
    return time.perf_counter() - start, findings


@eval_app.command("bench-checks")
def bench_checks_command(
    n: Annotated[int, typer.Option("--n", min=1, help="检查的申报项目数（复制开发集）")] = 1000,
    dataset: Annotated[
        Path, typer.Option("--dataset", help="申报数据（canonical JSON 或 xlsx）")
    ] = DEFAULT_DATASET,
) -> None:
    """预审性能基准：仅规则（不调用大模型），复制开发集到 N 个项目，报告总耗时和单项目耗时。"""
    from rich.console import Console
    from rich.progress import Progress

    from ingest.targets import load_submissions

    console = Console()
    if not dataset.is_file():
        console.print(f"[red]数据文件“{dataset}”不存在，请用 --dataset 指定。[/red]")
        raise typer.Exit(2)
    subs = load_submissions(dataset).submissions
    if not subs:
        console.print(f"[red]数据文件“{dataset}”中没有可识别的申报项目。[/red]")
        raise typer.Exit(2)
    with Progress(console=console, transient=True) as progress:
        progress.add_task(f"检查 {n} 个申报项目…", total=None)
        seconds, findings = bench_checks(subs, n)
    per_ms = seconds / n * 1000
    typer.echo(f"bench-checks: n={n} total={seconds:.2f}s per_submission={per_ms:.2f}ms findings={findings}")
