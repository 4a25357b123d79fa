"""`jixiao eval retrieval` and `jixiao eval bench-retrieval`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from eval.cli import eval_app
from eval.retrieval import DEFAULT_CORPUS, load_questions

DEFAULT_DATASET = DEFAULT_CORPUS.parent / "data" / "retrieval_dev.jsonl"


def _progress() -> Progress:
    return Progress(
        TextColumn("[bold]建立索引[/bold]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        console=Console(stderr=True),
        transient=True,
    )


# the evals and the reranker training read the laws as Markdown (laws/ and local/ of the corpus)
MarkdownCorpus = Annotated[
    Path, typer.Option("--corpus", help="语料目录（读取其中 laws/ 与 local/ 下的 Markdown）")
]


def _fail(message: str) -> None:
    Console(stderr=True).print(f"[red]{message}[/red]")
    raise typer.Exit(1)


@eval_app.command("retrieval")
def retrieval_command(
    datasets: Annotated[
        list[Path] | None,
        typer.Option("--dataset", help="检索评测集（JSONL：q, doc, article）；可重复，共用一次建好的索引"),
    ] = None,
    corpus: MarkdownCorpus = DEFAULT_CORPUS,
    embedder: Annotated[str | None, typer.Option("--embedder", help="嵌入模型（默认取配置）")] = None,
    sweep: Annotated[bool, typer.Option("--sweep", help="同时扫描融合权重与 rrf_k，用于选定默认值")] = False,
) -> None:
    """检索评测：在临时目录新建索引，输出混合检索、BM25、向量检索与朴素切块基线的 recall@1/recall@5/MRR。"""
    from core.errors import UserError
    from eval.retrieval import run_retrieval_evals

    datasets = datasets or [DEFAULT_DATASET]
    try:
        with _progress() as bar:
            task = bar.add_task("", total=None)
            reports = run_retrieval_evals(
                datasets,
                corpus,
                embedder=embedder,
                sweep=sweep,
                progress=lambda done, total, name: bar.update(
                    task, completed=done, total=total, description=name
                ),
            )
    except UserError as exc:
        _fail(exc.message)
        return
    console = Console()
    several = len(datasets) > 1
    for path, report in zip(datasets, reports, strict=True):
        console.print(_report_table(path.name, report))
        if report.sweep:
            console.print(_sweep_table(report.sweep))
    # one summary line per dataset, the last lines of the output (a single dataset keeps the plain prefix)
    for path, report in zip(datasets, reports, strict=True):
        console.print(
            report.summary_line(path.stem if several else None), soft_wrap=True, markup=False, highlight=False
        )


def _report_table(dataset_name: str, report) -> Table:
    table = Table(
        title=f"检索评测：{dataset_name}（{report.hybrid.n} 题，{report.documents} 个文件，"
        f"{report.clauses} 条条款）"
    )
    for column in ("方法", "recall@1", "recall@5", "MRR"):
        table.add_column(column, justify="right" if column != "方法" else "left")
    names = {
        "hybrid": "混合检索（学习式融合）",
        "rrf": "混合检索（倒数排名融合）",
        "bm25": "BM25",
        "dense": "向量检索",
        "naive": "朴素切块(500字)+BM25",
    }
    for metrics in (report.hybrid, report.rrf, report.bm25, report.dense, report.naive):
        name, r1, r5, mrr = metrics.row()
        table.add_row(names[name], r1, r5, mrr)
    if report.answer_first is not None:
        # the rules-only chat answer's first sentence from the expected article: a recall@1 of the answer
        table.add_row("规则模式回答（首句出自应答条款）", f"{report.answer_first:.3f}", "—", "—")
    return table


def _sweep_table(points) -> Table:
    table = Table(title="融合参数扫描（按 MRR 排序）")
    for column in ("向量权重", "关键词权重", "rrf_k", "recall@1", "recall@5", "MRR"):
        table.add_column(column, justify="right")
    for p in sorted(points, key=lambda p: (-p.metrics.mrr, -p.metrics.recall_at_5)):
        _, r1, r5, mrr = p.metrics.row()
        table.add_row(f"{p.dense_weight:g}", f"{p.lexical_weight:g}", f"{p.rrf_k:g}", r1, r5, mrr)
    return table


@eval_app.command("bench-retrieval")
def bench_retrieval_command(
    corpus: Annotated[
        Path, typer.Option("--corpus", help="语料目录（全部文件，含 PDF/DOCX）")
    ] = DEFAULT_CORPUS,
    dataset: Annotated[Path, typer.Option("--dataset", help="用作查询的评测集")] = DEFAULT_DATASET,
    repeats: Annotated[int, typer.Option("--repeats", min=1, help="每个查询的计时次数")] = 3,
) -> None:
    """检索性能基准：从零入库整个语料（计时），再测热查询延迟 p50/p95（混合 vs BM25 vs 向量）。"""
    from core.errors import UserError
    from eval.bench_retrieval import run_bench

    try:
        queries = [q.q for q in load_questions(dataset)]
        with _progress() as bar:
            task = bar.add_task("", total=None)
            report = run_bench(
                corpus,
                queries,
                repeats=repeats,
                progress=lambda done, total, name: bar.update(
                    task, completed=done, total=total, description=name
                ),
            )
    except UserError as exc:
        _fail(exc.message)
        return
    console = Console()
    console.print(
        f"入库：{report.files} 个文件 → {report.documents} 个文档、{report.clauses} 条条款，"
        f"耗时 {report.ingest_s:.1f} 秒；重复入库（全部未变）{report.reingest_s:.1f} 秒。"
    )
    for message in report.failed:
        console.print(f"[red]失败：{message}[/red]")
    table = Table(title="热查询延迟（毫秒）")
    for column in ("检索方式", "次数", "p50", "p95"):
        table.add_column(column)
    for s in report.latency:
        table.add_row(s.mode, str(s.n), f"{s.p50_ms:.1f}", f"{s.p95_ms:.1f}")
    console.print(table)
    console.print(report.summary_line(), soft_wrap=True, markup=False, highlight=False)


@eval_app.command("train-reranker")
def train_reranker_command(
    datasets: Annotated[
        list[Path] | None,
        typer.Option("--dataset", help="训练用评测集（可重复；默认：合成问题集 + 情景问题集）"),
    ] = None,
    corpus: MarkdownCorpus = DEFAULT_CORPUS,
    output: Annotated[
        Path | None, typer.Option("--output", help="权重写入的文件（默认不写，只做跨文件检验）")
    ] = None,
) -> None:
    """训练“学习式融合”权重：先做跨文件检验（一半文件训练、另一半评测，双向），再用全部题目训练并写出权重。"""
    import tempfile

    from core.errors import UserError
    from eval.retrieval import SCENARIO_DATASET, SYNTHETIC_DATASET, build_temp_kb, corpus_files
    from eval.train_reranker import (
        collect_candidates,
        cross_document_check,
        rrf_scores,
        train_linear_reranker,
    )
    from vectorstore.knowledge_base import MENTION_BONUS

    datasets = datasets or [SYNTHETIC_DATASET, SCENARIO_DATASET]
    console = Console()
    try:
        questions = [q for path in datasets for q in load_questions(path)]
        with tempfile.TemporaryDirectory(prefix="jixiao-rerank-") as tmp, _progress() as bar:
            task = bar.add_task("", total=None)
            kb = build_temp_kb(
                corpus_files(corpus),
                Path(tmp),
                progress=lambda d, t, name: bar.update(task, completed=d, total=t, description=name),
            )
            try:
                bar.update(task, completed=0, total=len(questions), description="收集候选条款")
                items = collect_candidates(
                    kb, questions, progress=lambda d, t: bar.update(task, completed=d, total=t)
                )
                settings, embedder_name = kb.settings, kb.embedder.name
            finally:
                kb.close()
    except UserError as exc:
        _fail(exc.message)
        return

    def rrf(evidence):
        return rrf_scores(
            evidence,
            dense_weight=settings.fusion_dense_weight,
            lexical_weight=settings.fusion_lexical_weight,
            rrf_k=settings.fusion_rrf_k,
            mention_bonus=MENTION_BONUS,
        )

    check = cross_document_check(items, rrf_k=settings.fusion_rrf_k, rrf=rrf)
    table = Table(title=f"跨文件检验（{len(items)} 题；一半文件训练，另一半评测，双向）")
    for column in ("融合方式", "recall@1", "recall@5", "MRR"):
        table.add_column(column, justify="right" if column != "融合方式" else "left")
    for name, metrics in (("学习式融合", check.learned), ("倒数排名融合 RRF", check.rrf)):
        _, r1, r5, mrr = metrics.row()
        table.add_row(name, r1, r5, mrr)
    console.print(table)
    console.print(f"文件分组：{'、'.join(check.halves[0])} ｜ {'、'.join(check.halves[1])}")
    trained_on = " + ".join(p.name for p in datasets) + f"（{len(items)} 题）"
    model = train_linear_reranker(
        items, rrf_k=settings.fusion_rrf_k, trained_on=trained_on, embedder=embedder_name
    )
    for feature, weight in zip(model.features, model.weights, strict=True):
        console.print(f"  {feature:<12} {weight:+.3f}")
    if output is not None:
        output.write_text(model.model_dump_json(indent=2) + "\n", encoding="utf-8")
        console.print(f"权重已写入 {output}")
    console.print(
        f"rerank-xdoc: learned_mrr={check.learned.mrr:.3f} rrf_mrr={check.rrf.mrr:.3f} "
        f"learned_r@5={check.learned.recall_at_5:.3f} rrf_r@5={check.rrf.recall_at_5:.3f}",
        soft_wrap=True,
        markup=False,
        highlight=False,
    )
