"""Registers `jixiao eval …`; the commands themselves live in eval/."""

from __future__ import annotations

from eval.cli import eval_app
from jixiao.cli.main import app

app.add_typer(eval_app, name="eval")
from eval import bench_api as _bench_api  # noqa: F401  jixiao eval bench-api
from eval import bench_checks as _bench_checks  # noqa: F401  jixiao eval bench-checks
from eval import checks as _eval_checks  # noqa: F401  jixiao eval checks
from eval import retrieval_cli as _retrieval_cli  # noqa: F401  jixiao eval retrieval / bench-retrieval
