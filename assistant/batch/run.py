"""One pass over a budget round: read every file, apply the scope rules, check, write the 汇总表, summary.json
and (optionally) one draft 审核意见 .docx per checked submission. Timings are kept per phase."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from assistant.batch.opinion_docx import OpinionDocxWriter, opinion_text
from assistant.batch.report_xlsx import DEFAULT_TITLE, FILE_NAME, write_report
from assistant.batch.rows import BatchRow, Progress, apply_scope, check_rows, read_rows
from assistant.batch.scope import ScopeRules
from assistant.batch.summary import summarize
from assistant.checks.grading import GradingConfig
from core.models import Standard

SUMMARY_NAME = "summary.json"
OPINIONS_DIR = "opinions"
_OURS = re.compile(r"^\d{3,}_.*\.docx$")  # opinion files this command writes (older runs' are replaced)
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\s]+')


@dataclass
class BatchOptions:
    scope: ScopeRules = field(default_factory=ScopeRules)
    opinions: bool = False
    title: str = DEFAULT_TITLE
    grading: GradingConfig | None = None
    standards: tuple[Standard, ...] = ()  # the bureau's 支出标准 (formats.md §5); none: no cost comparison
    ex_ante_min_yuan: float | None = None  # 事前绩效评估 threshold of EX_ANTE_MISSING
    load_parts: Callable[[Path], list] | None = None  # reads one path into FileParts (ingest.targets)


@dataclass
class BatchReport:
    rows: list[BatchRow]
    skipped: list[BatchRow]
    summary: dict[str, Any]
    timings: dict[str, float]
    opinion_files: list[Path]
    xlsx: Path
    summary_path: Path


def opinion_file_name(row: BatchRow, width: int) -> str:
    """'0012_常宁市教育局_农村中小学校舍维修改造项目.docx': 序号 first (unique), then unit and project."""
    parts = [f"{row.seq:0{width}d}"]
    for text, limit in ((row.submission.unit if row.submission else None, 20), (row.project, 40)):
        safe = _UNSAFE.sub("_", text or "").strip("._ ")[:limit].strip("._ ")
        if safe:
            parts.append(safe)
    return "_".join(parts) + ".docx"


def run_batch(
    paths: Iterable[Path],
    out_dir: Path,
    options: BatchOptions | None = None,
    progress: Progress | None = None,
) -> BatchReport:
    from assistant.checks import check_submission, load_catalog

    options = options or BatchOptions()
    if options.load_parts is None:
        from ingest.targets import load_submission_parts

        options.load_parts = load_submission_parts
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    rows = read_rows(paths, options.load_parts, progress)
    apply_scope(rows, options.scope)
    skipped: list[BatchRow] = []
    if options.scope.out_of_scope == "skip":
        skipped = [r for r in rows if r.out_of_scope]
        rows = [r for r in rows if not r.out_of_scope]
        for seq, row in enumerate(rows, 1):
            row.seq = seq
    timings["read"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    catalog = load_catalog()
    check = partial(
        check_submission,
        grading=options.grading,
        catalog=catalog,
        standards=options.standards,
        ex_ante_min_yuan=options.ex_ante_min_yuan,
    )
    check_rows(rows, check, progress)
    timings["check"] = time.perf_counter() - t0

    out_dir.mkdir(parents=True, exist_ok=True)
    opinion_files: list[Path] = []
    if options.opinions:
        t0 = time.perf_counter()
        opinion_files = write_opinions(rows, out_dir / OPINIONS_DIR, progress)
        timings["opinions"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    titles = {r.id: r.title for r in catalog.rules}
    xlsx = out_dir / FILE_NAME
    write_report(xlsx, rows, title=options.title, skipped=skipped, titles=titles, opinions=options.opinions)
    summary = summarize(rows, options.scope, skipped, titles)
    summary_path = out_dir / SUMMARY_NAME
    summary_path.write_text(json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    timings["report"] = time.perf_counter() - t0
    return BatchReport(rows, skipped, summary, timings, opinion_files, xlsx, summary_path)


def write_opinions(rows: list[BatchRow], folder: Path, progress: Progress | None = None) -> list[Path]:
    """One draft 审核意见 per checked row (rules only), named by 序号, unit and project."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.iterdir():
        if old.is_file() and _OURS.match(old.name):
            old.unlink()
    writer = OpinionDocxWriter()
    todo = [(r, r.submission, r.graded) for r in rows if r.submission is not None and r.graded is not None]
    width = max(3, len(str(len(rows))))
    written: list[Path] = []
    for done, (row, sub, result) in enumerate(todo, 1):
        if sub is None or result is None:
            continue
        text = opinion_text(sub, result)
        if row.out_of_scope:
            text = (
                text.rstrip("\n") + f"\n注：本项目不在本轮审核范围（{row.out_of_scope}），本意见仅供参考。\n"
            )
        name = opinion_file_name(row, width)
        path = folder / name
        path.write_bytes(writer.render(sub, result, text, row.seq))
        row.opinion_file = name
        written.append(path)
        if progress and (done % 25 == 0 or done == len(todo)):
            progress("生成审核意见", done, len(todo))
    return written
