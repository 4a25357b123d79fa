"""Knowledge-base commands: `jixiao ingest`, `jixiao docs list|remove|verify-citations`, `jixiao search`,
`jixiao init`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jixiao.cli.common import err_console, open_kb, user_errors

docs_app = typer.Typer(
    help="管理已入库的政策文件：list 列出，remove 删除，verify-citations 用已导入的正式文本核对规则引用。",
    no_args_is_help=True,
)

_KIND_ZH = {
    "law": "法律",
    "regulation": "行政法规",
    "policy": "政策文件",
    "local": "地方性法规",
    "starter": "入门知识卡",
    "other": "其他",
}
_SEARCH_FORMATS = ("table", "json")


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
    app.command("init")(init_command)
    app.add_typer(docs_app, name="docs")
    app.command("search")(search_command)


def _ingest_with_progress(
    kb, paths: list[Path], *, kind: str | None, region: str | None, starter: bool = False
):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]入库[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
    )
    with Progress(*columns, console=err_console(), transient=False) as bar:
        task = bar.add_task("", total=None)

        def on_progress(done: int, total: int, name: str) -> None:
            bar.update(task, completed=done, total=total, description=name)

        if starter:
            from assistant.knowledge import starter_pack_dir

            return kb.ensure_starter(starter_pack_dir(), progress=on_progress)
        return kb.ingest_paths(paths, kind=kind, region=region, progress=on_progress)


def _print_report(report, console: Console) -> None:
    for label, files in (("新增", report.added), ("替换", report.replaced), ("未变", report.unchanged)):
        for f in files:
            console.print(f"  {label}：{Path(f).name}")
    for failure in report.failed:
        console.print(f"  [red]失败：{failure.message}[/red]")
    console.print(report.summary())


def ingest_command(
    paths: Annotated[
        list[Path],
        typer.Argument(help="政策文件或目录（.md .txt .pdf .docx），可多个", metavar="文件或目录..."),
    ],
    kind: Annotated[
        str | None,
        typer.Option("--kind", help="文件类别：law / regulation / policy / local / other", metavar="类别"),
    ] = None,
    region: Annotated[
        str | None, typer.Option("--region", help="适用地区，如 全国、山东省青岛市", metavar="地区")
    ] = None,
) -> None:
    """把政策文件按条款入库（可重复执行：内容未变的文件不会重复入库，改过的文件替换旧版本）。"""
    with user_errors():
        kb = open_kb()
        report = _ingest_with_progress(kb, paths, kind=kind, region=region)
        _print_report(report, Console())
    if report.failed:
        raise typer.Exit(1)


def init_command() -> None:
    """初始化知识库：把内置的入门知识包（规则要点卡片）建立索引；已建立的不会重复入库。"""
    with user_errors():
        kb = open_kb()
        report = _ingest_with_progress(kb, [], kind=None, region=None, starter=True)
        console = Console()
        _print_report(report, console)
        stats = kb.stats()
        console.print(f"知识库现有文件 {stats['documents']} 个、条款 {stats['clauses']} 条。")
    if report.failed:
        raise typer.Exit(1)


@docs_app.command("list")
def docs_list_command() -> None:
    """列出已入库的政策文件。"""
    with user_errors():
        documents = open_kb().list_documents()
    console = Console()
    if not documents:
        console.print("知识库为空。可先执行 jixiao init 建立入门知识包，或用 jixiao ingest 导入政策文件。")
        return
    table = Table(title=f"已入库政策文件（{len(documents)} 个）")
    for column in ("标题", "文号", "类别", "条款数", "来源", "入库时间"):
        table.add_column(column, overflow="fold")
    for d in documents:
        table.add_row(
            d.title,
            d.doc_no or "—",
            _KIND_ZH.get(d.kind, d.kind),
            str(d.clauses),
            Path(d.source).name,
            d.ingested_at.replace("T", " ").split("+")[0],
        )
    console.print(table)


@docs_app.command("verify-citations")
def docs_verify_citations_command(
    catalog_file: Annotated[
        Path | None,
        typer.Option(
            "--catalog", help="规则目录文件（默认为内置的 assistant/checks/catalog.yaml）", metavar="文件"
        ),
    ] = None,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：table | json", metavar="格式")
    ] = "table",
    show_all: Annotated[
        bool, typer.Option("--all", help="列出全部引用（默认只列已核实与条款号不符的）")
    ] = False,
) -> None:
    """用已导入的正式文本核对规则目录的每条引用：引用条款、原文中承载该要点的条款、引文。

    有条款号不符的引用时退出码为 1。
    """
    fmt = output_format.strip().lower()
    if fmt not in _SEARCH_FORMATS:
        err_console().print(f"[red]不支持的输出格式“{output_format}”，可选：table、json。[/red]")
        raise typer.Exit(2)
    from assistant.checks.catalog import load_catalog
    from assistant.citation_audit import audit_citations, catalog_citations

    with user_errors():
        if catalog_file is not None and not catalog_file.is_file():
            from core.errors import UserError

            raise UserError(f"规则目录文件“{catalog_file}”不存在。")
        try:
            catalog = load_catalog(catalog_file)
        except Exception as exc:  # noqa: BLE001  a malformed catalog is the administrator's to fix
            from core.errors import UserError

            raise UserError(f"规则目录文件“{catalog_file or 'catalog.yaml'}”格式不正确：{exc}") from exc
        audit = audit_citations(catalog_citations(catalog), open_kb())
    if fmt == "json":
        payload = {"checks": [c.model_dump(mode="json") | {"status": c.status} for c in audit.checks]}
        sys.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    else:
        _print_audit(audit, show_all)
    if audit.mismatches:
        raise typer.Exit(1)


def _print_audit(audit, show_all: bool) -> None:
    console = Console()
    shown = [c for c in audit.checks if show_all or c.official]
    counts = "，".join(f"{status} {n} 条" for status, n in audit.counts().items())
    if not shown:
        console.print(f"规则引用 {len(audit.checks)} 条（{counts}）：被引用的文件都还没有导入正式文本。")
        console.print("导入后再运行：jixiao ingest 正式文本.pdf && jixiao docs verify-citations")
        return
    table = Table(title=f"规则引用核对（{len(audit.checks)} 条：{counts}）", show_lines=True)
    for column, opts in (
        ("规则", {"overflow": "fold"}),
        ("引用", {"overflow": "fold", "ratio": 2}),
        ("引用条款", {}),
        ("原文条款", {}),
        ("结果", {}),
        ("引文", {"overflow": "fold", "ratio": 4}),
    ):
        table.add_column(column, **opts)
    for c in shown:
        mark = "[red]条款号不符[/red]" if c.mismatch else c.status
        table.add_row(
            "、".join(c.rule_ids), c.doc, c.article or "—", c.article_found or "—", mark, c.quote or c.summary
        )
    console.print(table)


@docs_app.command("remove")
def docs_remove_command(
    doc: Annotated[str, typer.Argument(help="文件的简称、全称、文号或 doc_id", metavar="文件")],
) -> None:
    """从知识库删除一个文件及其全部条款（向量与关键词索引同步删除）。"""
    with user_errors():
        removed = open_kb().remove_document(doc)
    if not removed:
        err_console().print(f"[red]知识库中没有找到“{doc}”。可用 jixiao docs list 查看已入库文件。[/red]")
        raise typer.Exit(1)
    Console().print(f"已删除“{doc}”，共 {removed} 条条款。")


def search_command(
    query: Annotated[str, typer.Argument(help="问题或关键词", metavar="问题")],
    k: Annotated[int, typer.Option("--k", "-k", min=1, max=50, help="返回条数", metavar="条数")] = 5,
    output_format: Annotated[
        str, typer.Option("--format", "-f", help="输出格式：table | json", metavar="格式")
    ] = "table",
    doc: Annotated[
        str | None, typer.Option("--doc", help="只在该文件中检索（简称、全称或文号）", metavar="文件")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="只检索该类别的文件", metavar="类别")] = None,
    region: Annotated[str | None, typer.Option("--region", help="只检索该地区的文件", metavar="地区")] = None,
) -> None:
    """检索政策条文（关键词 + 语义混合检索），给出可直接引用的条款。"""
    fmt = output_format.strip().lower()
    if fmt not in _SEARCH_FORMATS:
        err_console().print(f"[red]不支持的输出格式“{output_format}”，可选：table、json。[/red]")
        raise typer.Exit(2)
    with user_errors():
        kb = open_kb()
        hits = kb.retrieve(query, k=k, doc=doc, kind=kind, region=region)
        clause_count = kb.stats()["clauses"]
        embedded = kb.store.clause_count()
        if embedded < clause_count:
            err_console().print(
                f"[yellow]提示：当前嵌入模型“{kb.embedder.name}”的向量索引不完整（{embedded}/{clause_count}），"
                "语义检索可能漏检。请重新执行 jixiao ingest 或 jixiao init 补建向量。[/yellow]"
            )
    if fmt == "json":
        sys.stdout.write(json.dumps([h.public() for h in hits], ensure_ascii=False, indent=2) + "\n")
        return
    _print_hits(query, hits, clause_count)


def _print_hits(query: str, hits, clause_count: int) -> None:
    console = Console()
    if not hits:
        hint = (
            "知识库为空，请先执行 jixiao init 或 jixiao ingest。"
            if clause_count == 0
            else "未检索到相关条款。"
        )
        console.print(hint)
        return
    table = Table(title=f"“{query}”的检索结果", show_lines=True)
    for column, opts in (
        ("#", {"justify": "right"}),
        ("出处", {"overflow": "fold", "ratio": 2}),
        ("条文", {"overflow": "fold", "ratio": 5}),
        ("得分", {"justify": "right"}),
    ):
        table.add_column(column, **opts)
    for rank, hit in enumerate(hits, start=1):
        text = hit.clause.text if len(hit.clause.text) <= 300 else hit.clause.text[:300] + "…"
        table.add_row(str(rank), hit.citation, text, f"{hit.score:.4f}")
    console.print(table)
