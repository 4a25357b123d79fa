"""`jixiao backup DIR` and `jixiao restore DIR`: the database, vectors, lexical index and uploads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.common import err_console, settings, user_errors


def register(app: typer.Typer) -> None:
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


def backup_command(
    directory: Annotated[Path, typer.Argument(help="备份目录（新目录或空目录）")],
) -> None:
    """备份数据库、向量库、词法索引与上传文件到目录 DIR（服务运行中也可执行）。"""
    from assistant.backup import backup

    with user_errors():
        report = backup(settings(), directory)
    for note in report.notes:
        err_console().print(f"[yellow]注意：{note}[/yellow]")
    typer.echo(report.summary("备份"))


def restore_command(
    directory: Annotated[Path, typer.Argument(help="jixiao backup 生成的备份目录")],
    force: Annotated[
        bool, typer.Option("--force", help="数据目录已有数据时仍然覆盖（请先停止服务）")
    ] = False,
) -> None:
    """从备份目录恢复到当前配置的数据目录与数据库（请先停止服务；先校验备份的完整性）。"""
    from assistant.backup import restore

    with user_errors():
        report = restore(settings(), directory, force=force)
    for note in report.notes:
        err_console().print(f"[yellow]注意：{note}[/yellow]")
    typer.echo(report.summary("恢复"))
