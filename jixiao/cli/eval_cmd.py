"""Registers `jixiao eval …`; the commands themselves live in eval/."""

from __future__ import annotations

from eval.cli import eval_app
from jixiao.cli.main import app

app.add_typer(eval_app, name="eval")
