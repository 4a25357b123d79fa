"""Registers `jixiao eval …`; the commands themselves live in eval/ (each module adds its own to eval_app).

The eval modules import the knowledge-base stack (chromadb, bm25s, numpy: about a second), so they are
imported only when `jixiao eval` itself runs — every other command starts without them.
"""

from __future__ import annotations

from typing import Any

import typer

from eval.cli import eval_app  # the sub-app and its help text only: eval/cli.py imports nothing heavy
from jixiao.cli.chinese import ChineseGroup, chinese


class EvalGroup(ChineseGroup):
    """`jixiao eval`: its commands are loaded from eval/ the first time they are listed or looked up."""

    _loaded = False

    def _load(self) -> None:
        if self._loaded:
            return
        # importing these adds their commands to eval_app: bench-api, bench-checks, bench-dashboard, checks,
        # retrieval / bench-retrieval / train-reranker
        from eval import bench_api, bench_checks, bench_dashboard, checks, retrieval_cli  # noqa: F401

        group = typer.main.get_group(chinese(eval_app))
        self.commands.update(group.commands)
        self._loaded = True

    def list_commands(self, ctx: Any) -> list[str]:
        self._load()
        return super().list_commands(ctx)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        self._load()
        return super().get_command(ctx, cmd_name)


def register(app: typer.Typer) -> None:
    placeholder = typer.Typer(help=eval_app.info.help, no_args_is_help=True, cls=EvalGroup)
    app.add_typer(placeholder, name="eval")
