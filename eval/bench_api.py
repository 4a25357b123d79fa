"""`jixiao eval bench-api`: latency of POST /v1/prechecks on a live uvicorn (rules-only).

The server runs in its own process (a fresh temporary data dir, rules-only mode) so the clients do
not share its interpreter; N concurrent clients each post one submission repeatedly. Reports
p50/p95/p99 latency and throughput; the bar is p95 < 100 ms.
"""

from __future__ import annotations

import asyncio
import json
import math
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer

from eval.cli import eval_app

DEFAULT_DATASET = Path(__file__).resolve().parents[2] / "shared" / "data" / "targets_dev.json"
P95_BAR_MS = 100.0
_CACHE_PREFIX = "jixiao-bench-starter-"


def starter_cache_dir() -> Path:
    """Where the starter pack's index is kept between runs, so only the first run pays for the embeddings.

    Keyed by the indexing code and the pack's files: any change to either builds a fresh index.
    """
    import hashlib

    import vectorstore
    from assistant.knowledge import starter_pack_dir

    digest = hashlib.sha256()
    sources = sorted(Path(vectorstore.__file__).parent.glob("*.py")) + sorted(
        Path(starter_pack_dir()).rglob("*")
    )
    for path in sources:
        if path.is_file():
            digest.update(path.name.encode() + path.read_bytes())
    return Path(tempfile.gettempdir()) / f"{_CACHE_PREFIX}{digest.hexdigest()[:12]}"


def remove_stale_caches(keep: Path) -> None:
    """Starter indexes cached for older code or packs: nothing will read them again."""
    for stale in keep.parent.glob(f"{_CACHE_PREFIX}*"):
        if stale != keep and stale.is_dir():
            shutil.rmtree(stale, ignore_errors=True)


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(q / 100 * len(ordered))))
    return ordered[rank - 1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _bench_token(data_dir: Path) -> str:
    from assistant.records import create_user, issue_token, open_records, session_scope
    from core.settings import Settings

    factory = open_records(Settings(_env_file=None, data_dir=data_dir))
    with session_scope(factory) as session:
        create_user(session, username="bench", role="submitter", display_name="基准测试", actor="bench")
        return issue_token(session, username="bench", actor="bench")


def start_server(data_dir: Path, port: int, workers: int = 1) -> subprocess.Popen:
    """The server's output goes to data_dir/server.log (a pipe nobody reads would fill up and stall it)."""
    env = {
        **os.environ,
        "JIXIAO_DATA_DIR": str(data_dir),
        "JIXIAO_LLM_BASE_URL": "",
        "JIXIAO_LLM_MODEL": "",
        "JIXIAO_DATABASE_URL": "",
        "HF_HUB_OFFLINE": "1",
    }
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:create_app",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
        "--workers",
        str(workers),
    ]
    log = (data_dir / "server.log").open("wb")
    try:
        return subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    finally:
        log.close()  # the child holds its own descriptor


def wait_ready(base_url: str, server: subprocess.Popen, log_path: Path, timeout_s: float = 600) -> None:
    """Until /v1/health says "ok": the knowledge base is loaded and the service is in its steady state."""
    import httpx

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("服务进程启动失败：" + _log_tail(log_path))
        try:
            if httpx.get(f"{base_url}/v1/health", timeout=2).json().get("status") == "ok":
                return
        except (httpx.HTTPError, ValueError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"服务在 {timeout_s:.0f} 秒内没有就绪：" + _log_tail(log_path))


def _log_tail(log_path: Path, chars: int = 800) -> str:
    try:
        return log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
    except OSError:
        return "（无日志）"


def copy_index(source: Path, target: Path) -> None:
    for name in ("chroma", "index"):
        if (source / name).is_dir():
            shutil.copytree(source / name, target / name, dirs_exist_ok=True)


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


async def _run_clients(
    base_url: str,
    token: str,
    body: bytes,
    clients: int,
    per_client: int,
    warmup: int,
    on_done: Callable[[], None],
) -> tuple[list[float], int, float]:
    """Each client warms its connection up, all start measuring together.

    Returns (latencies, errors, wall seconds)."""
    import httpx

    latencies: list[float] = []
    errors = 0
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    barrier = asyncio.Barrier(clients + 1)

    async def client_loop() -> None:
        nonlocal errors
        async with httpx.AsyncClient(base_url=base_url, timeout=30) as client:
            for _ in range(warmup):
                await client.post("/v1/prechecks", content=body, headers=headers)
            await barrier.wait()
            for _ in range(per_client):
                start = time.perf_counter()
                response = await client.post("/v1/prechecks", content=body, headers=headers)
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code == 200:
                    latencies.append(elapsed)
                else:
                    errors += 1
                on_done()

    async def timed() -> float:
        await barrier.wait()
        return time.perf_counter()

    tasks = [asyncio.create_task(client_loop()) for _ in range(clients)]
    started = await timed()
    await asyncio.gather(*tasks)
    return latencies, errors, time.perf_counter() - started


def run_bench(
    submission: dict, *, clients: int, per_client: int, warmup: int, workers: int = 1, on_done=lambda: None
) -> dict:
    """Start a server, warm it up, measure; returns {p50, p95, p99, mean, rps, ok, errors} (ms)."""
    body = json.dumps(submission, ensure_ascii=False).encode("utf-8")
    with tempfile.TemporaryDirectory(prefix="jixiao-bench-") as tmp:
        data_dir = Path(tmp) / "var"
        cache = starter_cache_dir()
        cached = (cache / "index").is_dir()
        if cached:
            copy_index(cache, data_dir)
        token = _bench_token(data_dir)
        port = free_port()
        base_url = f"http://127.0.0.1:{port}"
        server = start_server(data_dir, port, workers)
        try:
            wait_ready(base_url, server, data_dir / "server.log")
            latencies, errors, wall = asyncio.run(
                _run_clients(base_url, token, body, clients, per_client, warmup, on_done)
            )
        finally:
            stop(server)
        if not cached:
            copy_index(data_dir, cache)
            remove_stale_caches(keep=cache)
    if not latencies:
        raise RuntimeError(f"全部 {errors} 个请求失败")
    return {
        "p50": percentile(latencies, 50),
        "p95": percentile(latencies, 95),
        "p99": percentile(latencies, 99),
        "mean": statistics.fmean(latencies),
        "rps": len(latencies) / wall,
        "ok": len(latencies),
        "errors": errors,
    }


@eval_app.command("bench-api")
def bench_api_command(
    clients: Annotated[int, typer.Option("--clients", min=1, help="并发客户端数")] = 20,
    per_client: Annotated[int, typer.Option("--requests-per-client", min=1, help="每个客户端的请求数")] = 25,
    warmup: Annotated[int, typer.Option("--warmup", min=0, help="每个客户端正式计时前的预热请求数")] = 3,
    dataset: Annotated[Path, typer.Option("--dataset", help="申报数据（canonical JSON）")] = DEFAULT_DATASET,
    submission_id: Annotated[str, typer.Option("--id", help="使用数据集中哪个申报项目")] = "D07",
    workers: Annotated[int, typer.Option("--workers", min=1, help="服务工作进程数")] = 1,
) -> None:
    """接口性能基准：本机启动服务（规则模式），N 个并发客户端向 /v1/prechecks 提交同一项目，
    报告 p50/p95/p99。"""
    from rich.console import Console
    from rich.progress import Progress

    console = Console()
    if not dataset.is_file():
        console.print(f"[red]数据文件“{dataset}”不存在，请用 --dataset 指定。[/red]")
        raise typer.Exit(2)
    data = json.loads(dataset.read_text(encoding="utf-8"))
    items = data["submissions"] if isinstance(data, dict) else data if isinstance(data, list) else [data]
    chosen = next((s for s in items if str(s.get("id")) == submission_id), None)
    if chosen is None:
        console.print(f"[red]数据文件“{dataset.name}”中没有编号为“{submission_id}”的申报项目。[/red]")
        raise typer.Exit(2)
    total = clients * per_client
    if not (starter_cache_dir() / "index").is_dir():
        console.print("首次运行：服务需先建立入门知识索引（约1分钟），之后的运行会复用该索引。")
    with Progress(console=console, transient=True) as progress:
        task = progress.add_task(f"{clients} 个并发客户端，共 {total} 个请求…", total=total)
        try:
            stats = run_bench(
                chosen,
                clients=clients,
                per_client=per_client,
                warmup=warmup,
                workers=workers,
                on_done=lambda: progress.advance(task),
            )
        except RuntimeError as exc:
            console.print(f"[red]基准测试失败：{exc}[/red]")
            raise typer.Exit(1) from exc
    verdict = "达标" if stats["p95"] < P95_BAR_MS else "未达标"
    console.print(
        f"请求成功 {stats['ok']} 个，失败 {stats['errors']} 个；吞吐 {stats['rps']:.1f} 请求/秒；"
        f"平均 {stats['mean']:.1f} ms。p95 要求 < {P95_BAR_MS:.0f} ms：{verdict}。"
    )
    typer.echo(
        f"bench-api: workers={workers} clients={clients} requests={total} "
        f"p50={stats['p50']:.1f}ms p95={stats['p95']:.1f}ms "
        f"p99={stats['p99']:.1f}ms rps={stats['rps']:.1f} errors={stats['errors']} ({verdict})"
    )
