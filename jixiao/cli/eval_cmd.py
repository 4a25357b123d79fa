"""Registers `jixiao eval …`; the commands themselves live in eval/."""

from __future__ import annotations

from eval.cli import eval_app
from jixiao.cli.main import app

app.add_typer(eval_app, name="eval")
from eval import checks as _eval_checks  # noqa: E402,F401  jixiao eval checks
from eval import bench_checks as _bench_checks  # noqa: E402,F401  jixiao eval bench-checks
from eval import retrieval_cli as _retrieval_cli  # noqa: E402,F401  jixiao eval retrieval / bench-retrieval
from eval import bench_api as _bench_api  # noqa: E402,F401  jixiao eval bench-api
