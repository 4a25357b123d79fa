"""`jixiao check FILE...`: precheck target submissions with the rule catalog (rules only, no LLM)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

_FORMATS = ("table", "json", "markdown")


def register(app: typer.Typer) -> None:
    app.command("check")(check_command)


def check_command(
    files: Annotated[list[Path], typer.Argument(help="申报文件（.json / .xlsx），可多个")],
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：table | json | markdown")
    ] = "table",
) -> None:
    """预审绩效目标：按规则目录逐条检查，给出问题、依据条款、改写建议和等级（优/良/中/差）。"""
    from rich.console import Console

    fmt = output_format.strip().lower()
    err = Console(stderr=True, soft_wrap=True)
    if fmt not in _FORMATS:
        err.print(f"[red]不支持的输出格式“{output_format}”，可选：table、json、markdown。[/red]")
        raise typer.Exit(2)
    submissions, unreadable = _load_all(files, err)
    from assistant.checks import check_submissions
    from assistant.checks.grading import load_grading
    from assistant.checks.render import print_results_table, results_to_json, results_to_markdown
    from jixiao.cli.common import settings

    grading_file = settings().grading_file  # the checks read no settings: the CLI passes its grading down
    try:
        grading = load_grading(grading_file) if grading_file else None
    except Exception as exc:  # noqa: BLE001  a bad grading file is the user's to fix
        err.print(f"[red]等级映射文件“{grading_file}”无法读取或格式不正确，请检查后重试。[/red]")
        raise typer.Exit(2) from exc
    results = check_submissions(submissions, grading=grading)
    if fmt == "json":
        sys.stdout.write(results_to_json(results) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(results_to_markdown(results) + "\n")
    else:
        print_results_table(results, Console())
    if unreadable:
        raise typer.Exit(1)


def _load_all(files: list[Path], err) -> tuple[list, int]:
    """Read every file; import issues are printed in Chinese to stderr. Returns (submissions, unreadable count)."""
    from core.errors import UserError
    from ingest.targets import load_submissions

    submissions: list = []
    unreadable = 0
    for path in files:
        if not path.is_file():
            err.print(f"[red]文件“{path}”不存在或不是文件，已跳过。[/red]")
            unreadable += 1
            continue
        try:
            imported = load_submissions(path)
        except UserError as exc:
            err.print(f"[red]无法读取文件“{path}”：{exc.message}[/red]")
            unreadable += 1
            continue
        for issue in imported.issues:
            err.print(f"[yellow]导入提示：{issue}[/yellow]")
        if not imported.submissions:
            err.print(f"[red]文件“{path}”中没有可识别的申报项目。[/red]")
            unreadable += 1
        submissions.extend(imported.submissions)
    return submissions, unreadable
