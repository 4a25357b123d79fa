"""Registers `jixiao eval …`; the commands themselves live in eval/ (each module adds its own to eval_app)."""

from __future__ import annotations

import typer

from eval import bench_api, bench_checks, bench_dashboard, checks, retrieval_cli
from eval.cli import eval_app

# the modules whose import adds their commands to eval_app: bench-api, bench-checks, bench-dashboard, checks,
# retrieval / bench-retrieval / train-reranker
EVAL_COMMAND_MODULES = (bench_api, bench_checks, bench_dashboard, checks, retrieval_cli)


def register(app: typer.Typer) -> None:
    app.add_typer(eval_app, name="eval")
