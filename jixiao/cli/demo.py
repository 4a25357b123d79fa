"""`jixiao demo`: the README's main job — a fresh machine to a working product in one step.

Indexes the starter knowledge and, when ../shared/corpus sits beside the checkout, the laws, the local
regulations and the partial official texts in it (so answers quote 预算法 and the local 条例, and the
catalog's citations of 财预〔2020〕10号 verify); creates the demo accounts (tokens printed once per run),
prechecks the sample submissions (the shared dev files when ../shared is beside the repo, else our bundled
samples) and serves the UI.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jixiao.cli.common import grading
from jixiao.cli.common import settings as cli_settings
from jixiao.cli.serve import serve as serve_command

REPO = Path(__file__).resolve().parents[2]
BUNDLED_SAMPLES = Path(__file__).resolve().parents[1] / "samples" / "demo_submissions.json"
DEMO_USERS = (
    ("demo_reviewer", "reviewer", "演示审核员"),
    ("demo_approver", "approver", "演示审批人"),
    ("demo_submitter", "submitter", "演示申报单位"),
    ("demo_admin", "admin", "演示管理员"),
)


def default_corpus() -> list[Path]:
    """The policy texts beside the checkout: ../shared/corpus/laws, local and partial, those that exist."""
    corpus = REPO.parent / "shared" / "corpus"
    return [corpus / sub for sub in ("laws", "local", "partial") if (corpus / sub).is_dir()]


def _index_corpus(kb, folders: list[Path], console) -> None:
    """Ingest the policy folders (idempotent: files indexed before are skipped)."""
    from rich.progress import Progress

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("导入政策文件", total=None)

        def tick(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, total=total, description=f"导入 {name}")

        report = kb.ingest_paths(folders, progress=tick)
    for failure in report.failed:
        console.print(f"[yellow]导入失败：{failure.message}[/yellow]")
    stats = kb.stats()
    names = "、".join(p.name for p in folders)
    console.print(
        f"政策文件（{names}）：新增 {len(report.added)} 份；"
        f"知识库共 {stats['documents']} 份文件、{stats['clauses']} 条条款"
    )


def default_samples() -> list[Path]:
    shared = REPO.parent / "shared" / "data"
    found = [p for p in (shared / "targets_form_D07.xlsx", shared / "targets_dev_flat.xlsx") if p.is_file()]
    return found or [BUNDLED_SAMPLES]


def _index_starter(kb, console) -> None:
    from rich.progress import Progress

    from assistant.knowledge import starter_pack_dir

    with Progress(console=console, transient=True) as progress:
        task = progress.add_task("索引入门知识卡", total=None)

        def tick(done: int, total: int, name: str) -> None:
            progress.update(task, completed=done, total=total, description=f"索引 {name}")

        report = kb.ensure_starter(starter_pack_dir(), progress=tick)
    stats = kb.stats()
    failed = getattr(report, "failed", None) or []
    console.print(
        f"知识库：{stats['documents']} 份文件，{stats['clauses']} 条条款"
        + (f"；失败 {len(failed)} 份" if failed else "")
    )


def _ensure_users(session) -> dict[str, str]:
    from assistant.records import create_user, get_user, issue_token

    tokens = {}
    for username, role, display in DEMO_USERS:
        if get_user(session, username) is None:
            create_user(session, username=username, role=role, display_name=display, actor="demo")
        tokens[username] = issue_token(session, username=username, actor="demo")
    return tokens


def _precheck_samples(session, samples: list[Path], kb, console) -> None:
    """Submit and precheck every sample; the first file's submissions also get a drafted 审核意见."""
    from assistant.records import get_user
    from assistant.workflow import draft_review, list_submissions, submit
    from ingest.targets import ImportLimits, load_submissions

    submitter = get_user(session, "demo_submitter")
    reviewer = get_user(session, "demo_reviewer")
    if list_submissions(session, viewer=submitter):
        console.print("示例申报已在库中，跳过导入。")
        return
    mapping = grading()
    limits = ImportLimits.from_settings(cli_settings())
    for index, path in enumerate(samples):
        result = load_submissions(path, limits)
        for issue in result.issues:
            console.print(f"[yellow]{issue}[/yellow]")
        grades: dict[str, int] = {}
        for sub in result.submissions:
            record = submit(session=session, submitter=submitter, submission=sub, grading=mapping)
            if index == 0:
                session.flush()
                draft_review(session=session, actor=reviewer, submission_id=record.id, knowledge_base=kb)
            grades[record.grade] = grades.get(record.grade, 0) + 1
        summary = "，".join(f"{g} {n} 个" for g, n in sorted(grades.items()))
        drafted = "，并已起草审核意见" if index == 0 and result.submissions else ""
        console.print(f"已导入并预审 {path.name}：{len(result.submissions)} 个项目（{summary}）{drafted}")


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def demo(
    samples: Annotated[
        list[Path] | None,
        typer.Argument(help="要预审的示例申报文件（默认取 ../shared/data 中的示例）", metavar="文件..."),
    ] = None,
    serve: Annotated[bool, typer.Option("--serve/--no-serve", help="完成后启动服务")] = True,
    host: Annotated[
        str | None, typer.Option("--host", help="监听地址（默认取配置 JIXIAO_HOST）", metavar="地址")
    ] = None,
    port: Annotated[
        int | None, typer.Option("--port", help="端口（默认取配置 JIXIAO_PORT）", metavar="端口")
    ] = None,
    corpus: Annotated[
        list[Path] | None,
        typer.Option(
            "--corpus",
            help="要导入的政策文件目录，可重复（默认取 ../shared/corpus 的 laws、local、partial）",
            metavar="目录",
        ),
    ] = None,
    no_corpus: Annotated[bool, typer.Option("--no-corpus", help="只索引入门知识卡，不导入政策文件")] = False,
) -> None:
    """一步演示：索引入门知识与政策文件、创建演示账号（打印令牌）、预审示例申报，并启动网页界面。"""
    from rich.console import Console

    from assistant.records import open_records, session_scope
    from vectorstore.knowledge_base import KnowledgeBase

    console = Console()
    settings = cli_settings()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    kb = KnowledgeBase.open(settings)
    try:
        _index_starter(kb, console)
        folders = [] if no_corpus else (corpus or default_corpus())
        missing = [p for p in folders if not p.exists()]
        if missing:
            console.print(f"[red]政策文件目录“{missing[0]}”不存在。[/red]")
            raise typer.Exit(2)
        if folders:
            _index_corpus(kb, folders, console)
        with session_scope(open_records(settings)) as session:
            tokens = _ensure_users(session)
            _precheck_samples(session, samples or default_samples(), kb, console)
    finally:
        kb.close()
    console.print("[bold]演示账号（令牌本次新生成，只显示这一次）：[/bold]")
    for username, _role, display in DEMO_USERS:
        console.print(f"  {display:<8} {username:<15} {tokens[username]}", soft_wrap=True, highlight=False)
    bind_host, bind_port = host or settings.host, port or settings.port
    console.print(f"[bold]打开 http://{bind_host}:{bind_port}/ ，用上面 demo_reviewer 的令牌登录。[/bold]")
    if serve:
        serve_command(host=bind_host, port=bind_port, workers=1)
