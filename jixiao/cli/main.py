"""`jixiao` console script: the composition root. Each area registers its commands from its own module."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="jixiao",
    help="绩效目标审核助手：预审绩效目标、检索政策条文、起草审核意见。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Each module below adds its commands to `app` (one import line per area).
from jixiao.cli import ask as _ask  # noqa: F401  jixiao ask / jixiao draft
from jixiao.cli import check as _check  # noqa: F401  jixiao check
from jixiao.cli import demo as _demo  # noqa: F401  jixiao demo (the main job)
from jixiao.cli import eval_cmd as _eval  # noqa: F401  jixiao eval …
from jixiao.cli import kb as _kb  # noqa: F401  jixiao ingest / docs / search / init
from jixiao.cli import serve as _serve  # noqa: F401  jixiao serve
from jixiao.cli import users as _users  # noqa: F401  jixiao users …

if __name__ == "__main__":
    app()
