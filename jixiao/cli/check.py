"""`jixiao check FILE...`: precheck target submissions with the rule catalog (rules only, no LLM).

It never dies on one bad file or submission: an unreadable file is named on stderr in Chinese and the
others are still checked; a submission the rules cannot check keeps its place in the report with its
`error` (DESIGN.md §7). Exit 0 when every file was readable, 1 when one was not, 2 for a usage error.
Help and usage errors are Chinese too (typer's own are English).
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from jixiao.cli.chinese import PANEL_ARGS, PANEL_OPTIONS, ChineseCommand, usage_error
from jixiao.cli.standards import STANDARDS_HELP, ex_ante_min_yuan, standards_for_check

if TYPE_CHECKING:
    from rich.console import Console

    from core.models import Submission
    from ingest.targets import ImportLimits

log = logging.getLogger(__name__)

_FORMATS = ("table", "json", "markdown")
_ACCEPTED = ".json、.xlsx / .xls（一体化系统导出或申报表）、.docx 申报表、文字版 PDF，或它们的 .zip 压缩包"
_WIDE = 100_000  # console width when output is not a terminal: tables take their natural width


class CheckCommand(ChineseCommand):
    """The check command: Chinese help and usage errors (jixiao.cli.chinese); files shown as demanded."""

    def get_usage(self, ctx: Any) -> str:
        return f"用法：{ctx.command_path} [选项] 文件..."


def register(app: typer.Typer) -> None:
    app.command("check", cls=CheckCommand)(check_command)


def check_command(
    ctx: typer.Context,
    files: Annotated[
        list[Path] | None,
        typer.Argument(
            help=f"申报文件，可多个：{_ACCEPTED}。",
            metavar="文件...",
            show_default=False,
            rich_help_panel=PANEL_ARGS,
        ),
    ] = None,
    output_format: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="输出格式：table（表格，默认）、json（供程序读取）或 markdown。",
            metavar="格式",
            show_default=False,
            rich_help_panel=PANEL_OPTIONS,
        ),
    ] = "table",
    standards_file: Annotated[
        Path | None,
        typer.Option(
            "--standards",
            help=STANDARDS_HELP,
            metavar="文件",
            show_default=False,
            rich_help_panel=PANEL_OPTIONS,
        ),
    ] = None,
) -> None:
    """预审绩效目标：按规则目录逐条检查，给出问题、依据条款、改写建议和等级（优/良/中/差）。

    每个文件、每条申报单独处理：读不了的文件在错误输出中说明原因，其余照常预审；
    无法预审的申报在报告中原位给出原因。全部文件可读时退出码为 0，有文件无法读取时为 1。
    """
    from rich.text import Text

    from assistant.checks import check_submissions
    from ingest.targets import ImportLimits
    from jixiao.cli.common import err_console, grading, settings

    if not files:
        usage_error(ctx, f"请指定至少一个申报文件（{_ACCEPTED}），例如：{ctx.command_path} 申报表.xlsx")
    fmt = output_format.strip().lower()
    if fmt not in _FORMATS:
        usage_error(ctx, f"不支持的输出格式“{output_format}”，可选：table、json、markdown。")
    err = err_console()
    cfg = settings()
    log_file = _route_logs(cfg.data_dir)  # a failing rule's traceback goes to a log file, never the screen
    mapping = grading()  # the checks read no settings: the CLI passes its grade mapping down
    submissions, unreadable = _load_all(files, err, ImportLimits.from_settings(cfg))
    standards = standards_for_check(standards_file)  # 支出标准: --standards or JIXIAO_STANDARDS_FILE
    results = check_submissions(
        submissions, grading=mapping, standards=standards, ex_ante_min_yuan=ex_ante_min_yuan()
    )
    _write(results, fmt)
    failed = sum(1 for r in results if r.error is not None)
    if failed:
        where = f"，技术细节见日志“{log_file}”" if log_file else ""
        err.print(Text(f"有 {failed} 条申报未能完成预审，报告中已在原位注明原因{where}。", style="yellow"))
    if unreadable:
        raise typer.Exit(1)


class _LazyFileHandler(logging.FileHandler):
    """A log file (and its folder) made only when something is logged."""

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()


def _route_logs(data_dir: Path) -> Path | None:
    """Send log records to data_dir/logs/check.log unless logging is configured already (tests, a host
    application). Without a handler, Python prints a logged exception's traceback on stderr."""
    root = logging.getLogger()
    if root.handlers:
        return None
    path = (data_dir / "logs" / "check.log").resolve()
    handler = _LazyFileHandler(path, encoding="utf-8", delay=True)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    return path


def _write(results: list[Any], fmt: str) -> None:
    from rich.console import Console

    from assistant.checks.render import print_results_table, results_to_json, results_to_markdown

    if fmt == "json":
        sys.stdout.write(results_to_json(results) + "\n")
    elif fmt == "markdown":
        sys.stdout.write(results_to_markdown(results) + "\n")
    elif sys.stdout.isatty():
        print_results_table(results, Console())
    else:  # a file or a pipe: no wrapping inside cells, so "100%" never becomes "1 00%"
        print_results_table(results, Console(width=_WIDE, soft_wrap=True), wrap=False)


def _load_all(files: list[Path], err: Console, limits: ImportLimits) -> tuple[list[Submission], int]:
    """Read every file in order; problems go to stderr in Chinese. Returns (submissions, unreadable files)."""
    from rich.text import Text

    from ingest.targets import load_submissions

    submissions: list[Submission] = []
    unreadable = 0
    for path in files:
        if not path.exists():
            err.print(Text(f"文件“{path}”不存在，已跳过。", style="red"))
            unreadable += 1
            continue
        if not path.is_file():
            err.print(Text(f"“{path}”不是文件（可能是文件夹），已跳过。请列出其中的申报文件。", style="red"))
            unreadable += 1
            continue
        try:
            imported = load_submissions(path, limits)
        except Exception:  # noqa: BLE001  one file's importer bug must not stop the others
            log.exception("importing %s failed", path)
            err.print(Text(f"文件“{path}”读取时发生内部错误，已跳过，其余文件照常预审。", style="red"))
            unreadable += 1
            continue
        failed = not imported.submissions
        for issue in imported.issues:
            prefix, style = ("无法导入", "red") if failed else ("导入提示", "yellow")
            err.print(Text(f"{prefix}：{issue}", style=style))
        if failed:
            if not imported.issues:
                err.print(Text(f"文件“{path}”中没有可识别的申报项目。", style="red"))
            unreadable += 1
        submissions.extend(imported.submissions)
    return submissions, unreadable
