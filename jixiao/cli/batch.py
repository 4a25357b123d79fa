"""`jixiao batch FILE... --out DIR [--opinions]`: one pass over a whole budget round (DESIGN.md §7).

Writes DIR/审核结果汇总表.xlsx, DIR/summary.json and, with --opinions, one draft 审核意见 .docx per checked
submission under DIR/opinions/. Progress goes to stderr; stdout stays empty unless --json is given.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.common import err_console, settings, user_errors
from jixiao.cli.standards import STANDARDS_HELP, ex_ante_min_yuan, standards_for_check


def register(app: typer.Typer) -> None:
    app.command("batch")(batch_command)


def batch_command(
    files: Annotated[
        list[Path],
        typer.Argument(
            help="本轮各单位报送的文件（.xlsx .xls .docx .pdf .json，或它们的 .zip），可多个",
            metavar="文件...",
        ),
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="输出目录：汇总表、summary.json 和审核意见", metavar="目录")
    ],
    opinions: Annotated[
        bool, typer.Option("--opinions", help="为每个已预审项目生成审核意见草稿（.docx，规则模式）")
    ] = False,
    min_budget: Annotated[
        float | None,
        typer.Option(
            "--min-budget",
            help="审核起点（万元），低于此金额的项目不在审核范围；0 表示不设起点",
            metavar="万元",
        ),
    ] = None,
    kind: Annotated[
        list[str] | None,
        typer.Option("--kind", help="只审核这些项目类型（如 新增项目），可多次给出", metavar="类型"),
    ] = None,
    unit: Annotated[
        list[str] | None,
        typer.Option("--unit", help="只审核这些单位（名称包含即可），可多次给出", metavar="单位"),
    ] = None,
    skip_out_of_scope: Annotated[
        bool,
        typer.Option(
            "--skip-out-of-scope", help="不在审核范围的项目不列入汇总表（默认列入并标注“不在审核范围”）"
        ),
    ] = False,
    title: Annotated[str | None, typer.Option("--title", help="汇总表标题", metavar="标题")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="完成后把 summary.json 的内容打印到标准输出")
    ] = False,
    standards_file: Annotated[
        Path | None, typer.Option("--standards", help=STANDARDS_HELP, metavar="文件")
    ] = None,
) -> None:
    """批量审核一轮申报：逐项预审，输出审核结果汇总表（xlsx）、summary.json，可选生成审核意见草稿。"""
    from assistant.batch import BatchOptions, ScopeRules, run_batch, split_words
    from assistant.batch.report_xlsx import DEFAULT_TITLE
    from core.errors import UserError

    err = err_console()
    cfg = settings()
    if min_budget is not None and min_budget < 0:
        err.print("[red]--min-budget 不能为负数（单位：万元）。[/red]")
        raise typer.Exit(2)
    if out.exists() and not out.is_dir():
        err.print(f"[red]输出位置“{out}”已存在且不是目录，请换一个目录。[/red]")
        raise typer.Exit(2)
    scope = ScopeRules(
        min_budget_wan=cfg.batch_min_budget_wan if min_budget is None else min_budget,
        kinds=tuple(kind or ()) or split_words(cfg.batch_project_kinds),
        units=tuple(unit or ()) or split_words(cfg.batch_units),
        out_of_scope="skip" if skip_out_of_scope else cfg.batch_out_of_scope,
    )
    standards = standards_for_check(standards_file)  # 支出标准: --standards or JIXIAO_STANDARDS_FILE
    with user_errors():
        grading = _grading(cfg)
        options = BatchOptions(
            scope=scope,
            opinions=opinions,
            title=title or DEFAULT_TITLE,
            grading=grading,
            standards=standards,
            ex_ante_min_yuan=ex_ante_min_yuan(),
            load_parts=_loader(cfg),
        )
        try:
            report = _run_with_progress(run_batch, files, out, options)
        except OSError as exc:
            where = f"“{exc.filename}”" if getattr(exc, "filename", None) else f"“{out}”"
            reason = (
                "没有写入权限或文件被占用"
                if isinstance(exc, PermissionError)
                else "同名目录已存在"
                if isinstance(exc, IsADirectoryError)
                else "磁盘已满"
                if exc.errno == 28
                else "写入失败"
            )
            raise UserError(
                f"无法写入{where}（{reason}）：请确认目录可写、汇总表未在 Excel 中打开后重试。"
            ) from exc
    _print_result(report, out, err)
    if as_json:
        sys.stdout.write(json.dumps(report.summary, ensure_ascii=False, indent=2) + "\n")
    if any(r.submission is None for r in report.rows):
        raise typer.Exit(1)  # like `jixiao check`: some file could not be read (the 汇总表 names it)


def _grading(cfg):
    if cfg.grading_file is None:
        return None
    from assistant.checks.grading import load_grading
    from core.errors import UserError

    try:
        return load_grading(cfg.grading_file)
    except Exception as exc:  # noqa: BLE001  a bad grading file is the user's to fix
        raise UserError(f"等级映射文件“{cfg.grading_file}”无法读取或格式不正确，请检查后重试。") from exc


def _loader(cfg):
    from ingest.targets import ImportLimits, load_submission_parts

    limits = ImportLimits.from_settings(cfg)
    return lambda path: load_submission_parts(path, limits)


def _run_with_progress(run_batch, files: list[Path], out: Path, options):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("{task.description}", style="bold"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console(), transient=False) as bar:
        tasks: dict[str, int] = {}

        def on_progress(phase: str, done: int, total: int) -> None:
            if phase not in tasks:
                tasks[phase] = bar.add_task(phase, total=total)
            bar.update(tasks[phase], completed=done, total=total)

        return run_batch(files, out, options, progress=on_progress)


def _print_result(report, out: Path, err) -> None:
    s = report.summary
    grades = "，".join(f"{g} {n}" for g, n in s["by_grade"].items())
    err.print(f"共 {s['total']} 个项目：{grades}；未能导入或预审 {s['errors']} 个。")
    if s["out_of_scope"]:
        err.print(f"其中 {s['out_of_scope']} 个不在审核范围（已列入并标注，等级仅供参考）。")
    if s["skipped"]:
        err.print(f"另有 {s['skipped']} 个不在审核范围，未列入汇总表（见“未列入审核”表）。")
    for row in report.rows:
        if row.error:
            err.print(f"[yellow]第{row.seq}行（{row.file}）：{row.error}[/yellow]")
    t = report.timings
    parts = [f"读取 {t['read']:.1f} 秒", f"预审 {t['check']:.1f} 秒"]
    if "opinions" in t:
        parts.append(f"生成审核意见 {len(report.opinion_files)} 份 {t['opinions']:.1f} 秒")
    parts.append(f"写汇总表 {t['report']:.1f} 秒")
    err.print("用时：" + "，".join(parts) + "。")
    err.print(f"汇总表：{report.xlsx}")
    err.print(f"统计：{report.summary_path}")
    if report.opinion_files:
        err.print(f"审核意见：{out / 'opinions'}（{len(report.opinion_files)} 份）")
