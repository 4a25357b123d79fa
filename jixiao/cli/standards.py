"""`jixiao standards show|import|list|export`: the 支出标准 table (formats.md §5), and the `--standards FILE`
option `jixiao check` and `jixiao batch` share (falls back to JIXIAO_STANDARDS_FILE).

A file with bad rows still gives its good rows: each bad row is named (file, sheet, row, field) in Chinese on
stderr. A file with no usable standard is an error (exit 2), never an empty library checked silently.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from jixiao.cli.common import err_console, settings, user_errors

if TYPE_CHECKING:
    from core.models import Standard

standards_app = typer.Typer(
    help="支出标准（定额标准、政府购买服务指导价等）：查看文件、导入服务端标准库、列出、导出。",
    no_args_is_help=True,
)

STANDARDS_HELP = (
    "支出标准表（.xlsx 或 .csv，列：事项、关键词、计量单位、标准值、类型、适用地区、年度、依据），"
    "用于比对单位成本；未给出时使用环境变量 JIXIAO_STANDARDS_FILE。"
)
EXPORT_COLUMNS = ("事项", "关键词", "计量单位", "标准值", "类型", "适用地区", "年度", "依据")


def register(app: typer.Typer) -> None:
    app.add_typer(standards_app, name="standards")


def read_standards_file(path: Path, *, code: int = 2) -> list[Standard]:
    """The standards of a file; bad rows are reported on stderr, a file with none exits with `code`."""
    from rich.text import Text

    from ingest.standards import load_standards
    from ingest.targets import ImportLimits

    result = load_standards(path, ImportLimits.from_settings(settings()))
    err = err_console()
    for issue in result.issues:
        prefix, style = (
            ("支出标准无法导入", "red") if not result.standards else ("支出标准导入提示", "yellow")
        )
        err.print(Text(f"{prefix}：{issue}", style=style))
    if not result.standards:
        if not result.issues:
            err.print(Text(f"支出标准文件“{path}”中没有可用的标准。", style="red"))
        raise typer.Exit(code)
    return list(result.standards)


def standards_for_check(option: Path | None) -> tuple[Standard, ...]:
    """`--standards FILE`, else settings.standards_file, else none (no cost comparison)."""
    path = option or settings().standards_file
    if path is None:
        return ()
    return tuple(read_standards_file(Path(path)))


def ex_ante_min_yuan() -> float:
    """The 事前绩效评估 threshold of the settings (万元) in 元, passed down to the checks."""
    return settings().exante_min_budget_wan * 10_000


def _table(standards: list[Standard], title: str) -> None:
    import sys

    from rich.console import Console
    from rich.table import Table

    tty = sys.stdout.isatty()  # a file or a pipe: one line per standard, nothing folded
    table = Table(title=title, show_lines=False)
    for col in ("编号", *EXPORT_COLUMNS):
        table.add_column(col, overflow="fold" if tty else "ignore", no_wrap=not tty)
    for n, s in enumerate(standards, 1):
        table.add_row(
            str(s.id or n),
            s.item,
            "、".join(s.keywords),
            s.unit,
            f"{s.value:g}",
            s.kind,
            s.region or "（不限）",
            str(s.year or "（不限）"),
            s.basis or "",
        )
    Console(width=None if tty else 400).print(table)


@standards_app.command("show")
def show(path: Annotated[Path, typer.Argument(help="支出标准表（.xlsx 或 .csv）", metavar="文件")]) -> None:
    """检查并显示一个支出标准文件：可用的标准逐条列出，有问题的行说明原因。"""
    standards = read_standards_file(path)
    _table(standards, f"{path.name}：可用支出标准{len(standards)}条")


@standards_app.command("import")
def import_file(
    path: Annotated[Path, typer.Argument(help="支出标准表（.xlsx 或 .csv）", metavar="文件")],
    replace: Annotated[
        bool, typer.Option("--replace", help="以本文件为准：库中有、文件中没有的标准一并删除")
    ] = False,
) -> None:
    """把支出标准表导入服务端标准库（按 事项+计量单位+地区+年度 新增或更新）；预审时按库中标准比对。"""
    from assistant.records import open_records, session_scope
    from assistant.records.standards import import_standards

    standards = read_standards_file(path)
    with user_errors(), session_scope(open_records(settings())) as session:
        counts = import_standards(session, standards, actor="cli", source=path.name, replace=replace)
    typer.echo(
        f"已导入“{path.name}”：新增{counts['added']}条、更新{counts['updated']}条"
        + (f"、删除{counts['removed']}条" if replace else "")
        + "。"
    )


@standards_app.command("list")
def list_library() -> None:
    """列出服务端标准库中的支出标准。"""
    from assistant.records import open_records, read_scope
    from assistant.records.standards import library

    with user_errors(), read_scope(open_records(settings())) as session:
        standards = list(library(session))
    if not standards:
        typer.echo("标准库为空：用 jixiao standards import 文件 导入支出标准表。")
        return
    _table(standards, f"支出标准库：共{len(standards)}条")


@standards_app.command("export")
def export(
    out: Annotated[Path, typer.Argument(help="导出的 CSV 文件（UTF-8，Excel 可直接打开）", metavar="文件")],
) -> None:
    """把服务端标准库导出为 CSV（列与导入格式相同，可修改后重新导入）。"""
    from assistant.records import open_records, read_scope
    from assistant.records.standards import library

    with user_errors(), read_scope(open_records(settings())) as session:
        standards = list(library(session))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_COLUMNS)
    for s in standards:
        writer.writerow(
            [
                s.item,
                "、".join(s.keywords),
                s.unit,
                f"{s.value:g}",
                s.kind,
                s.region or "",
                s.year or "",
                s.basis or "",
            ]
        )
    try:
        out.write_text(buffer.getvalue(), encoding="utf-8-sig")
    except OSError as exc:
        err_console().print(f"[red]无法写入“{out}”：请确认目录存在且可写。[/red]")
        raise typer.Exit(1) from exc
    typer.echo(f"已导出{len(standards)}条支出标准到“{out}”。")
