"""Real `jixiao serve` processes on 127.0.0.1 against SQLite and PostgreSQL.

- SIGKILL during ingest, then restart: the killed server's job is taken over after its lease expires and
  finished, the job queued behind it survives the restart, no job is left `queued` or `running`, and the
  job's event stream on the new server ends;
- `jixiao serve --workers 2`: a burst of mixed requests from several clients gets no 5xx, a revoked token is
  refused at once by every worker process, and an upload is ingested exactly once.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select
from support.review_env import USERS, parse_sse, seed_starter_index

from assistant.records import (
    AuditEntry,
    IngestJob,
    create_user,
    issue_token,
    open_records,
    read_scope,
    revoke_tokens,
    session_scope,
)
from core.settings import Settings

pytestmark = pytest.mark.slow
REPO = Path(__file__).resolve().parents[2]
LEASE_S = 3.0


@dataclass
class Server:
    proc: subprocess.Popen
    base_url: str
    log: Path

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, sig)  # the server and its worker processes (its own session)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=30)

    def children(self) -> list[int]:
        pids = []
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.proc.pid:
                pids.append(int(stat.parent.name))
        return pids


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(data_dir: Path, db_url: str | None, *, workers: int = 1, timeout_s: float = 180) -> Server:
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("JIXIAO_")}
    env.update(
        JIXIAO_DATA_DIR=str(data_dir),
        JIXIAO_JOB_LEASE_S=str(LEASE_S),
        PYTHONPATH=str(REPO),
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
    )
    if db_url:
        env["JIXIAO_DATABASE_URL"] = db_url
    log = data_dir.parent / f"server-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "jixiao.cli.main",
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(proc=proc, base_url=f"http://127.0.0.1:{port}", log=log)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{server.base_url}/v1/health", timeout=2).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    server.stop(signal.SIGKILL)
    raise AssertionError(f"server did not start: {log.read_text()[-3000:]}")


def _prepare(data_dir: Path, db_url: str | None, starter_index: Path) -> tuple[dict[str, str], Settings]:
    data_dir.mkdir(parents=True, exist_ok=True)
    seed_starter_index(starter_index, data_dir)
    settings = Settings(data_dir=data_dir, database_url=db_url, _env_file=None)
    factory = open_records(settings)
    tokens = {}
    with session_scope(factory) as session:
        for username, (role, display) in USERS.items():
            create_user(session, username=username, role=role, display_name=display, actor="tests")
            tokens[username] = issue_token(session, username=username, actor="tests")
    factory.kw["bind"].dispose()
    return tokens, settings


def _client(server: Server, token: str) -> httpx.Client:
    return httpx.Client(base_url=server.base_url, timeout=60, headers={"Authorization": f"Bearer {token}"})


def _job(client: httpx.Client, job_id: str) -> dict:
    response = client.get(f"/v1/documents/jobs/{job_id}")
    assert response.status_code == 200, response.text
    return response.json()


def _wait_job(client: httpx.Client, job_id: str, statuses: tuple[str, ...], timeout_s: float = 240) -> dict:
    deadline = time.monotonic() + timeout_s
    job = _job(client, job_id)
    while job["status"] not in statuses:
        assert time.monotonic() < deadline, f"job {job_id} still {job['status']}"
        time.sleep(0.05)
        job = _job(client, job_id)
    return job


def _upload(client: httpx.Client, paths: list[Path]) -> str:
    files = [("file", (p.name, p.read_bytes(), "text/markdown")) for p in paths]
    response = client.post("/v1/documents", files=files)
    assert response.status_code == 202, response.text
    return response.json()["job_id"]


def _unfinished(settings: Settings) -> list[tuple[str, str]]:
    factory = open_records(settings)
    try:
        with read_scope(factory) as session:
            return list(
                session.execute(
                    select(IngestJob.id, IngestJob.status).where(IngestJob.status.in_(("queued", "running")))
                )
            )
    finally:
        factory.kw["bind"].dispose()


def test_sigkill_during_ingest_then_restart_leaves_no_job_stuck(tmp_path, db_url, starter_index, corpus_dir):
    data_dir = tmp_path / "var"
    tokens, settings = _prepare(data_dir, db_url, starter_index)
    laws = [corpus_dir / "laws" / name for name in ("财政违法行为处罚处分条例.md", "审计法.md")]
    first = _start(data_dir, db_url)
    try:
        with _client(first, tokens["admin1"]) as admin:
            big = _upload(admin, laws)
            queued = _upload(admin, laws[1:])
            running = _wait_job(admin, big, ("running", "done", "failed"))
            assert running["status"] == "running", running  # killed while it works on the files
            first.stop(signal.SIGKILL)
    finally:
        first.stop(signal.SIGKILL)
    left = dict(_unfinished(settings))
    assert left == {big: "running", queued: "queued"}  # what a crash leaves behind

    second = _start(data_dir, db_url)
    try:
        with _client(second, tokens["admin1"]) as admin:
            with admin.stream("GET", f"/v1/documents/jobs/{big}/events", timeout=300) as events:
                progress = parse_sse(events.read().decode("utf-8"))  # returns only when the stream ends
            assert progress[-1][1]["status"] == "done", progress[-1]
            done = _wait_job(admin, big, ("done", "failed"))
            assert done["status"] == "done" and done["attempts"] == 2, done
            assert done["added"] + done["replaced"] + done["unchanged"] == len(laws)
            after = _wait_job(admin, queued, ("done", "failed"))
            assert after["status"] == "done" and after["attempts"] == 1, after
            hits = admin.get("/v1/search", params={"q": "财政违法行为处罚处分", "k": 3}).json()["hits"]
            assert any("财政违法行为处罚处分条例" in h["doc"] for h in hits), hits
    finally:
        second.stop()
    assert _unfinished(settings) == []


def test_two_workers_serve_a_burst_without_server_errors(
    tmp_path, db_url, starter_index, data_dir_shared, corpus_dir
):
    data_dir = tmp_path / "var"
    tokens, settings = _prepare(data_dir, db_url, starter_index)
    dev = json.loads((data_dir_shared / "targets_dev.json").read_text("utf-8"))["submissions"]
    server = _start(data_dir, db_url, workers=2)
    codes: Counter[int] = Counter()
    latencies: list[float] = []
    lock = threading.Lock()

    def timed(call) -> httpx.Response:
        started = time.perf_counter()
        response = call()
        with lock:
            codes[response.status_code] += 1
            latencies.append(time.perf_counter() - started)
        return response

    def client_loop(n: int, stop_at: float) -> None:
        with (
            _client(server, tokens["unit1"]) as unit,
            _client(server, tokens["reviewer1"]) as reviewer,
            _client(server, tokens["approver1"]) as approver,
        ):
            i = 0
            while time.monotonic() < stop_at:
                body = dict(dev[(n + i) % len(dev)], id=f"W{n}-{i}")
                created = timed(lambda b=body: unit.post("/v1/submissions", json=b))
                if created.status_code == 201:
                    sid = created.json()["items"][0]["id"]
                    timed(lambda s=sid: reviewer.post(f"/v1/reviews/{s}/draft"))
                    timed(lambda s=sid: approver.post(f"/v1/reviews/{s}/approve", json={"comment": "同意"}))
                    timed(lambda s=sid: unit.get(f"/v1/submissions/{s}"))
                timed(lambda: reviewer.get("/v1/submissions"))
                timed(lambda: unit.get("/v1/health"))
                i += 1

    try:
        assert len(server.children()) >= 2, "uvicorn did not start two worker processes"
        stop_at = time.monotonic() + 20
        threads = [threading.Thread(target=client_loop, args=(n, stop_at)) for n in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        server_errors = {c: n for c, n in codes.items() if c >= 500}
        assert server_errors == {}, (server_errors, server.log.read_text()[-3000:])
        assert codes[201] >= 6 and sum(codes.values()) >= 60, codes
        latencies.sort()
        p95 = latencies[int(len(latencies) * 0.95) - 1]
        print(
            f"\n2 workers, {'PostgreSQL' if db_url else 'SQLite'}: {sum(codes.values())} requests "
            f"{dict(codes)}, p95 {p95 * 1000:.0f} ms"
        )

        # a revoked token is refused at once by both worker processes (no per-process cache)
        factory = open_records(settings)
        with session_scope(factory) as session:
            create_user(session, username="temp1", role="reviewer", display_name="临时审核", actor="tests")
            token = issue_token(session, username="temp1", actor="tests")
        with _client(server, token) as temp:
            assert [temp.get("/v1/me").status_code for _ in range(10)] == [200] * 10
            with session_scope(factory) as session:
                assert revoke_tokens(session, username="temp1", actor="tests") == 1
            assert [temp.get("/v1/me").status_code for _ in range(20)] == [401] * 20
        factory.kw["bind"].dispose()

        # an upload is leased by one of the two workers and ingested once
        with _client(server, tokens["admin1"]) as admin:
            job_id = _upload(admin, [corpus_dir / "laws" / "审计法.md"])
            job = _wait_job(admin, job_id, ("done", "failed"))
            assert job["status"] == "done" and job["attempts"] == 1 and job["added"] == 1, job
    finally:
        server.stop()
    assert _unfinished(settings) == []
    factory = open_records(settings)
    with read_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(IngestJob)) == 1
        ingests = session.scalars(select(AuditEntry).where(AuditEntry.action == "document.ingest")).all()
        assert [e.details["job_id"] for e in ingests] == [job_id]  # ingested once, by one worker
    factory.kw["bind"].dispose()
