"""`jixiao eval checks`: precision / recall / F1 of the precheck rules per (submission, code) (formats.md §4).

Several labelled sets in one run (`--dataset A --labels A_labels --dataset B …`, or datasets with their
labels beside them), one line per set, then the one-line summary last (DESIGN.md §7). Both label formats
are read: the dev sets' `{"id", "code", "indicator"}` and the real tables' `{"id", "code", "target"}`, where
`OTHER` (a real problem no code fits) is not scored. Transcribed published tables are named `real_*`
(`real_dev_targets.json`); every other set is invented — also the ones written in the real tables' style and
labelled with `target` — and the two kinds are reported apart, never blended into one set's number.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

import typer

from eval.cli import eval_app

Pair = tuple[str, str]  # (submission id, defect code)
Kind = Literal["real", "invented"]
UNSCORED_CODES = frozenset({"OTHER"})


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

    def __add__(self, other: CodeScore) -> CodeScore:
        return CodeScore(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def text(self) -> str:
        return (
            f"precision={self.precision:.2f} recall={self.recall:.2f} f1={self.f1:.2f} "
            f"tp={self.tp} fp={self.fp} fn={self.fn}"
        )


@dataclass
class CheckScores:
    per_code: dict[str, CodeScore]
    micro: CodeScore
    false_positives: list[Pair] = field(default_factory=list)
    false_negatives: list[Pair] = field(default_factory=list)


def set_kind(dataset: Path) -> Kind:
    """`real` for transcribed published tables (`real_*` files), `invented` for every other set."""
    return "real" if dataset.name.startswith("real_") else "invented"


@dataclass
class SetResult:
    """One labelled set, scored."""

    name: str
    kind: Kind
    scores: CheckScores
    submissions: int
    unchecked: int  # submissions the rules could not check (their `error`)
    issues: list[str]  # import problems, Chinese


class LabelError(ValueError):
    """A labels file that cannot be read (Chinese message naming the file and the item)."""


def load_labels(path: Path) -> set[Pair]:
    """Gold (submission, code) pairs from either label format; a code counts once per submission."""
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise LabelError(f"标注文件“{path}”无法读取或不是 JSON。") from exc
    items = raw.get("labels") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        raise LabelError(f'标注文件“{path}”应为标注对象的列表（或 {{"labels": [...]}}）。')
    pairs: set[Pair] = set()
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict) or item.get("id") is None or not item.get("code"):
            raise LabelError(
                f"标注文件“{path}”第{n}条缺少 id 或 code（应为 {{id, code, indicator | target, reason}}）。"
            )
        if item["code"] not in UNSCORED_CODES:
            pairs.add((str(item["id"]), str(item["code"])))
    return pairs


def labels_beside(dataset: Path) -> Path | None:
    """`x.json` -> `x_labels.json`; `real_dev_targets.json` -> `real_dev_labels.json`; flat exports too."""
    stem = dataset.stem
    stems = [stem, stem.removesuffix("_targets"), stem.removesuffix("_flat")]
    for s in dict.fromkeys(stems):
        candidate = dataset.with_name(f"{s}_labels.json")
        if candidate.is_file():
            return candidate
    return None


def score_pairs(predicted: set[Pair], gold: set[Pair]) -> CheckScores:
    """Micro and per-code precision/recall over (submission, code) pairs."""
    predicted = {p for p in predicted if p[1] not in UNSCORED_CODES}
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


def predict(dataset: Path) -> tuple[set[Pair], int, int, list[str]]:
    """Run the checks over a submissions file: (predicted pairs, submissions, unchecked, import problems)."""
    from assistant.checks import check_submissions
    from ingest.targets import load_submissions

    imported = load_submissions(dataset)
    results = check_submissions(imported.submissions)
    pairs = {(str(r.id), f.code) for r in results for f in r.findings}
    unchecked = sum(1 for r in results if r.error is not None)
    return pairs, len(results), unchecked, [str(issue) for issue in imported.issues]


def predict_pairs(dataset: Path) -> tuple[set[Pair], list[str]]:
    pairs, _, _, issues = predict(dataset)
    return pairs, issues


def evaluate_checks(dataset: Path, labels: Path) -> CheckScores:
    return score_pairs(predict(dataset)[0], load_labels(labels))


def evaluate_set(dataset: Path, labels: Path) -> SetResult:
    gold = load_labels(labels)
    predicted, n, unchecked, issues = predict(dataset)
    return SetResult(dataset.stem, set_kind(dataset), score_pairs(predicted, gold), n, unchecked, issues)


def set_line(result: SetResult) -> str:
    extra = f" unchecked={result.unchecked}" if result.unchecked else ""
    return (
        f"checks[{result.name}] {result.kind}: {result.scores.micro.text()} "
        f"submissions={result.submissions}{extra}"
    )


def pooled(results: Iterable[SetResult]) -> CodeScore:
    return sum((r.scores.micro for r in results), CodeScore())


def summary_line(scores: CheckScores | list[SetResult]) -> str:
    """The last line. One set: `checks: precision=… recall=… f1=…`; several: the same over all their
    (set, submission, code) pairs, with the real and invented sets' own numbers beside it."""
    if isinstance(scores, CheckScores):
        m = scores.micro
        return f"checks: precision={m.precision:.2f} recall={m.recall:.2f} f1={m.f1:.2f}"
    if len(scores) == 1:
        return summary_line(scores[0].scores)
    m = pooled(scores)
    kinds = []
    for kind in ("real", "invented"):
        group = [r for r in scores if r.kind == kind]
        if group:
            g = pooled(group)
            sets = f"{len(group)} set" + ("s" if len(group) > 1 else "")
            kinds.append(f"{kind}: {sets} p={g.precision:.2f} r={g.recall:.2f}")
    return (
        f"checks: precision={m.precision:.2f} recall={m.recall:.2f} f1={m.f1:.2f} "
        f"sets={len(scores)} ({'; '.join(kinds)})"
    )


def _by_code(pairs: list[Pair]) -> str:
    ids: dict[str, list[str]] = defaultdict(list)
    for sid, code in pairs:
        ids[code].append(sid)
    counts = Counter({code: len(v) for code, v in ids.items()})
    return "；".join(
        f"{code}×{n}（{'、'.join(ids[code][:8])}{'…' if n > 8 else ''}）" for code, n in counts.most_common()
    )


@eval_app.command("checks")
def eval_checks_command(
    datasets: Annotated[
        list[Path] | None,
        typer.Option("--dataset", help="申报数据（canonical JSON 或 xlsx），可重复给出多个"),
    ] = None,
    labels: Annotated[
        list[Path] | None,
        typer.Option(
            "--labels",
            help="标注文件，按顺序与 --dataset 一一对应；全部省略时用各数据文件旁的 *_labels.json",
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="逐个问题代码列出漏报和误报")] = False,
) -> None:
    """预审规则评测：每个数据集一行（按“项目×问题代码”计的准确率、召回率、F1），最后一行为汇总。

    标注可为 indicator（行号）或 target（引用原表行）格式，OTHER 不计分。real_ 开头的文件为转录的真实公开表，
    其余为编写的数据集（含仿真实风格者），两类分开报告，不混为一个数。
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    out = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, soft_wrap=True, highlight=False)
    pairs = _pairs(datasets or [], labels or [], err)
    results: list[SetResult] = []
    for dataset, label_file in pairs:
        try:
            result = evaluate_set(dataset, label_file)
        except LabelError as exc:
            err.print(f"[red]{escape(str(exc))}[/red]")
            raise typer.Exit(2) from None
        for issue in result.issues:
            err.print(f"[yellow]{escape(dataset.name)} 导入提示：{escape(issue)}[/yellow]")
        results.append(result)
        typer.echo(set_line(result))
        if verbose:
            s = result.scores
            table = Table(title=f"{escape(dataset.name)}：各问题代码（按 项目×问题代码 计）")
            for col in ("问题代码", "TP", "FP", "FN", "准确率", "召回率", "F1"):
                table.add_column(col, justify="left" if col == "问题代码" else "right")
            for code, c in s.per_code.items():
                table.add_row(
                    code,
                    str(c.tp),
                    str(c.fp),
                    str(c.fn),
                    f"{c.precision:.2f}",
                    f"{c.recall:.2f}",
                    f"{c.f1:.2f}",
                )
            out.print(table)
            for what, found in (
                ("漏报（标注有、未报出）", s.false_negatives),
                ("误报（报出、标注无）", s.false_positives),
            ):
                out.print(f"  {what}{len(found)}：{_by_code(found) or '无'}", markup=False)
    typer.echo(summary_line(results))


def _pairs(datasets: list[Path], labels: list[Path], err) -> list[tuple[Path, Path]]:
    """(dataset, labels) pairs in the order given; a missing file or an unpaired dataset exits 2 (Chinese)."""
    from rich.markup import escape

    def fail(message: str) -> None:
        err.print(f"[red]{escape(message)}[/red]")
        raise typer.Exit(2)

    if not datasets:
        fail(
            "请用 --dataset 指定至少一个数据集（可重复），例如：jixiao eval checks --dataset targets_dev.json"
        )
    if labels and len(labels) != len(datasets):
        fail(
            f"给出了 {len(datasets)} 个 --dataset 和 {len(labels)} 个 --labels：请为每个数据集按顺序各给一个"
            " --labels，或全部省略（使用数据文件旁的 *_labels.json）。"
        )
    out: list[tuple[Path, Path]] = []
    for n, dataset in enumerate(datasets):
        if not dataset.is_file():
            fail(f"数据文件“{dataset}”不存在。")
        label_file = labels[n] if labels else labels_beside(dataset)
        if label_file is None:
            fail(f"数据文件“{dataset}”旁没有标注文件（{dataset.stem}_labels.json），请用 --labels 指定。")
        elif not label_file.is_file():
            fail(f"标注文件“{label_file}”不存在。")
        else:
            out.append((dataset, label_file))
    return out
