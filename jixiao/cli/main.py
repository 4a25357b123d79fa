"""`jixiao` console script: the composition root. It builds the Typer app and lets each command module
register its commands; command modules never import this module (shared helpers live in common.py)."""

from __future__ import annotations

import typer

from jixiao.cli import ask, audit_cmd, backup, batch, check, db, demo, eval_cmd, kb, serve, standards, users
from jixiao.cli.chinese import chinese


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="jixiao",
        help="绩效目标审核助手：预审绩效目标、检索政策条文、起草审核意见。",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    # one line per area; each module's register(app) adds its commands
    for module in (ask, audit_cmd, backup, batch, check, db, demo, eval_cmd, kb, serve, standards, users):
        module.register(app)
    return chinese(app)  # help, usage lines and usage errors in Chinese for every command


app = build_app()

if __name__ == "__main__":
    app()
