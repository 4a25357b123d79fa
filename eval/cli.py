"""The `jixiao eval` sub-app. Each evaluation module adds its command(s) to `eval_app`."""

from __future__ import annotations

import typer

eval_app = typer.Typer(help="评测：预审规则的准确率/召回率、检索命中率、性能基准。", no_args_is_help=True)
