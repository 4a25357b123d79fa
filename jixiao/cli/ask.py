"""`jixiao ask` (cited Q&A) and `jixiao draft` (审核意见 drafts) from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.common import grading, open_kb, settings


def _load_submissions(path: Path, only_id: str | None, err) -> list:
    from core.errors import UserError
    from ingest.targets import ImportLimits, load_submissions

    if not path.is_file():
        err.print(f"[red]文件“{path}”不存在或不是文件。[/red]")
        raise typer.Exit(2)
    try:
        imported = load_submissions(path, ImportLimits.from_settings(settings()))
    except UserError as exc:
        err.print(f"[red]无法读取文件“{path}”：{exc.message}[/red]")
        raise typer.Exit(2) from None
    for issue in imported.issues:
        err.print(f"[yellow]导入提示：{issue}[/yellow]")
    subs = [s for s in imported.submissions if only_id is None or s.id == only_id]
    if not subs:
        where = f"编号为“{only_id}”的项目" if only_id else "可识别的申报项目"
        err.print(f"[red]文件“{path}”中没有{where}。[/red]")
        raise typer.Exit(2)
    return subs


def register(app: typer.Typer) -> None:
    app.command("ask")(ask_command)
    app.command("draft")(draft_command)


def _open_kb(err):
    kb = open_kb(status=err)
    if not kb.stats().get("clauses"):
        err.print(
            "[yellow]知识库为空：请先用 jixiao ingest 导入政策文件，"
            "否则问答只能回答“未检索到相关条文”。[/yellow]"
        )
    return kb


def ask_command(
    question: Annotated[str, typer.Argument(help="要咨询的问题", metavar="问题")],
    k: Annotated[int, typer.Option("--k", help="检索条文数", metavar="条数")] = 5,
    submission_file: Annotated[
        Path | None, typer.Option("--submission", help="关联的申报文件（.json/.xlsx）", metavar="文件")
    ] = None,
    submission_id: Annotated[
        str | None, typer.Option("--id", help="申报文件中的项目编号", metavar="编号")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：text（文字）| json", metavar="格式")
    ] = "text",
) -> None:
    """按知识库条文回答问题，引用逐条核验；未配置大模型时给出条文摘录。"""
    from rich.console import Console

    from assistant.chat import answer
    from assistant.llm import make_chat_model

    err, out = Console(stderr=True, soft_wrap=True), Console(soft_wrap=True, highlight=False)
    if output_format not in ("text", "json"):
        err.print(f"[red]不支持的输出格式“{output_format}”，可选：text、json。[/red]")
        raise typer.Exit(2)
    submission = result = None
    if submission_file is not None:
        from assistant.checks import check_submission

        submission = _load_submissions(submission_file, submission_id, err)[0]
        result = check_submission(submission, grading=grading())
    kb = _open_kb(err)
    done: dict = {}
    for event in answer(
        question, kb=kb, llm=make_chat_model(settings()), submission=submission, result=result, k=k
    ):
        if event.event == "meta":
            err.print(f"[dim]{event.data['mode_label']}[/dim]")
        elif event.event == "token" and output_format == "text":
            out.print(event.data["text"], end="", markup=False)
        elif event.event in ("done", "error"):
            done = event.data
    if output_format == "json":
        sys.stdout.write(json.dumps(done, ensure_ascii=False, indent=1) + "\n")
        return
    out.print()
    if done.get("citations"):
        out.print("\n引用（已核验）：")
        for n, cite in enumerate(done["citations"], 1):
            out.print(f"  {n}. {cite['label']}（{cite.get('source') or '知识库'}）", markup=False)
    if "message" in done:
        err.print(f"[red]{done['message']}[/red]")
        raise typer.Exit(1)


def draft_command(
    file: Annotated[Path, typer.Argument(help="申报文件（.json / .xlsx）", metavar="文件")],
    submission_id: Annotated[
        str | None, typer.Option("--id", help="只起草该编号的项目", metavar="编号")
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：markdown | json", metavar="格式")
    ] = "markdown",
    no_kb: Annotated[bool, typer.Option("--no-kb", help="不查知识库原文（更快）")] = False,
) -> None:
    """预审并起草审核意见（结论与问题由规则判定；配置大模型时仅润色文字）。"""
    from rich.console import Console
    from rich.progress import Progress

    from assistant.checks import check_submission
    from assistant.llm import make_chat_model
    from assistant.opinion import draft_opinion, render_opinion_text

    err = Console(stderr=True, soft_wrap=True)
    if output_format not in ("markdown", "json"):
        err.print(f"[red]不支持的输出格式“{output_format}”，可选：markdown、json。[/red]")
        raise typer.Exit(2)
    subs = _load_submissions(file, submission_id, err)
    mapping = grading()
    kb = None if no_kb else _open_kb(err)
    llm = make_chat_model(settings())
    opinions = []
    with Progress(console=err, transient=True) as progress:
        task = progress.add_task("正在起草审核意见", total=len(subs))
        for sub in subs:
            opinions.append(draft_opinion(sub, check_submission(sub, grading=mapping), kb=kb, llm=llm))
            progress.advance(task)
    if output_format == "json":
        payload = {"opinions": [op.model_dump(mode="json") for op in opinions]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=1) + "\n")
    else:
        sys.stdout.write("\n\n".join(render_opinion_text(op) for op in opinions))
