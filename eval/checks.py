"""`jixiao eval checks`: precision / recall / F1 of the precheck rules per (submission, code) (formats.md §4)."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import typer

from eval.cli import eval_app

Pair = tuple[str, str]  # (submission id, defect code)


@dataclass
class CodeScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class CheckScores:
    per_code: dict[str, CodeScore]
    micro: CodeScore
    false_positives: list[Pair] = field(default_factory=list)
    false_negatives: list[Pair] = field(default_factory=list)


def load_labels(path: Path) -> set[Pair]:
    """Gold (submission, code) pairs; a code counts once per submission."""
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    items = raw.get("labels", raw) if isinstance(raw, dict) else raw
    return {(str(item["id"]), str(item["code"])) for item in items}


def score_pairs(predicted: set[Pair], gold: set[Pair]) -> CheckScores:
    """Micro and per-code precision/recall over (submission, code) pairs."""
    per_code: dict[str, CodeScore] = defaultdict(CodeScore)
    for pair in predicted & gold:
        per_code[pair[1]].tp += 1
    fps, fns = sorted(predicted - gold), sorted(gold - predicted)
    for pair in fps:
        per_code[pair[1]].fp += 1
    for pair in fns:
        per_code[pair[1]].fn += 1
    micro = CodeScore(tp=len(predicted & gold), fp=len(fps), fn=len(fns))
    return CheckScores(
        per_code=dict(sorted(per_code.items())), micro=micro, false_positives=fps, false_negatives=fns
    )


def predict_pairs(dataset: Path) -> tuple[set[Pair], list[str]]:
    """Run the checks over a submissions file; returns predicted pairs and import problems (Chinese)."""
    from assistant.checks import check_submissions
    from ingest.targets import load_submissions

    imported = load_submissions(dataset)
    results = check_submissions(imported.submissions)
    pairs = {(str(r.id), f.code) for r in results for f in r.findings}
    return pairs, [str(issue) for issue in imported.issues]


def evaluate_checks(dataset: Path, labels: Path) -> CheckScores:
    predicted, _ = predict_pairs(dataset)
    return score_pairs(predicted, load_labels(labels))


def summary_line(scores: CheckScores) -> str:
    m = scores.micro
    return f"checks: precision={m.precision:.2f} recall={m.recall:.2f} f1={m.f1:.2f}"


@eval_app.command("checks")
def eval_checks_command(
    dataset: Annotated[Path, typer.Option("--dataset", help="申报数据（canonical JSON 或 xlsx）")],
    labels: Annotated[
        Path | None, typer.Option("--labels", help="标注文件；缺省为数据文件旁的 *_labels.json")
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="列出误报和漏报")] = False,
) -> None:
    """预审规则评测：按（申报项目，问题代码）计算各代码与总体（micro）的准确率、召回率、F1。"""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    labels = labels or dataset.with_name(f"{dataset.stem}_labels.json")
    for path, what in ((dataset, "数据文件"), (labels, "标注文件")):
        if not path.is_file():
            console.print(f"[red]{what}“{path}”不存在。[/red]")
            raise typer.Exit(2)
    try:
        gold = load_labels(labels)
    except (ValueError, KeyError, TypeError) as exc:
        console.print(
            f"[red]标注文件“{labels}”格式不对（应为 {{id, code, indicator, reason}} 列表）：{exc}[/red]"
        )
        raise typer.Exit(2) from None
    predicted, issues = predict_pairs(dataset)
    for issue in issues:
        console.print(f"[yellow]导入提示：{issue}[/yellow]")
    scores = score_pairs(predicted, gold)
    table = Table(title="预审规则评测（按 项目×问题代码 计）")
    for col in ("问题代码", "TP", "FP", "FN", "准确率", "召回率", "F1"):
        table.add_column(col, justify="left" if col == "问题代码" else "right")
    for code, s in scores.per_code.items():
        table.add_row(
            code, str(s.tp), str(s.fp), str(s.fn), f"{s.precision:.2f}", f"{s.recall:.2f}", f"{s.f1:.2f}"
        )
    console.print(table)
    if verbose:
        for title, pairs in (
            ("误报（预测有、标注无）", scores.false_positives),
            ("漏报（标注有、未预测）", scores.false_negatives),
        ):
            console.print(f"{title}：{len(pairs)}")
            for sid, code in pairs:
                console.print(f"  {sid}  {code}")
    typer.echo(summary_line(scores))
