"""Retrieval benchmark: index the whole corpus from scratch (timed), then warm query latency p50/p95.

Latency is measured per query after one warm-up pass: hybrid (learned fusion), hybrid with RRF,
BM25 alone and dense alone.
"""

from __future__ import annotations

import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import BaseModel

from core.errors import UserError
from core.settings import Settings
from vectorstore.knowledge_base import KnowledgeBase


class LatencyStats(BaseModel):
    mode: str
    n: int
    p50_ms: float
    p95_ms: float


class BenchReport(BaseModel):
    files: int
    documents: int
    clauses: int
    failed: list[str]
    ingest_s: float
    reingest_s: float  # second pass over the same files: everything unchanged
    latency: list[LatencyStats]

    def summary_line(self) -> str:
        parts = [
            (
                f"bench-retrieval: ingest={self.ingest_s:.1f}s reingest={self.reingest_s:.1f}s "
                f"docs={self.documents} clauses={self.clauses}"
            )
        ]
        parts += [f"{s.mode}_p50={s.p50_ms:.1f}ms {s.mode}_p95={s.p95_ms:.1f}ms" for s in self.latency]
        return " ".join(parts)


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def measure_latency(
    kb: KnowledgeBase, queries: Sequence[str], mode: str, *, repeats: int = 3
) -> LatencyStats:
    for query in queries:  # warm-up: models loaded, caches built
        kb.retrieve(query, k=5, mode=mode)
    timings = []
    for _ in range(repeats):
        for query in queries:
            start = time.perf_counter()
            kb.retrieve(query, k=5, mode=mode)
            timings.append((time.perf_counter() - start) * 1000)
    return LatencyStats(
        mode=mode, n=len(timings), p50_ms=statistics.median(timings), p95_ms=percentile(timings, 0.95)
    )


def run_bench(
    corpus: Path,
    queries: Sequence[str],
    *,
    repeats: int = 3,
    progress: Callable[[int, int, str], None] | None = None,
) -> BenchReport:
    if not corpus.is_dir():
        raise UserError(f"语料目录“{corpus}”不存在。")
    if not queries:
        raise UserError("基准测试需要至少一个查询。")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        kb = KnowledgeBase.open(Settings(data_dir=Path(tmp), chroma_url=None))
        try:
            start = time.perf_counter()
            report = kb.ingest_paths([corpus], progress=progress)
            ingest_s = time.perf_counter() - start
            start = time.perf_counter()
            kb.ingest_paths([corpus])
            reingest_s = time.perf_counter() - start
            latency = [
                measure_latency(kb, queries, mode, repeats=repeats) for mode in ("hybrid", "lexical", "dense")
            ]
            rrf_kb = kb.with_fusion("rrf")
            rrf = measure_latency(rrf_kb, queries, "hybrid", repeats=repeats)
            latency.insert(1, rrf.model_copy(update={"mode": "hybrid_rrf"}))
            stats = kb.stats()
        finally:
            kb.close()
    return BenchReport(
        files=len(report.added) + len(report.replaced) + len(report.unchanged) + len(report.failed),
        documents=stats["documents"],
        clauses=stats["clauses"],
        failed=[f.message for f in report.failed],
        ingest_s=ingest_s,
        reingest_s=reingest_s,
        latency=latency,
    )
