"""Background ingestion of uploaded policy files: the files are saved under data_dir/uploads/<folder>/ and a
queued job row names them; each app process runs an IngestWorker that leases jobs from the database
(assistant.records.jobs), indexes the files on the app's ingest executor while a heartbeat renews the lease,
and records progress and the outcome. A process killed mid-job stops renewing its lease, so another worker
(or the same service after a restart) takes the job over; queued jobs wait in the database, not in memory."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from pathlib import Path, PurePath
from typing import Any

from fastapi import UploadFile

from api.state import AppServices
from assistant.records import record_audit, transaction
from assistant.records.jobs import LeasedJob, claim_next, create_job, heartbeat, mark_finished, mark_progress
from core.errors import UnsupportedMediaType

log = logging.getLogger("jixiao.api")
POLL_S = 2.0  # how often an idle worker looks for queued or abandoned jobs


def _supported_suffixes() -> tuple[str, ...]:
    from vectorstore.ingestion import SUPPORTED_SUFFIXES

    return tuple(SUPPORTED_SUFFIXES)


async def save_uploads(services: AppServices, uploads: list[UploadFile], job_dir_name: str) -> list[Path]:
    suffixes = _supported_suffixes()
    names = [PurePath(u.filename or "未命名文件").name for u in uploads]
    for name in names:
        if not name.lower().endswith(suffixes):
            raise UnsupportedMediaType(
                f"文件“{name}”的类型不受支持：只接受 {'、'.join(suffixes)}。",
                code="unsupported_file_type",
                details={"file": name},
            )
    target = services.settings.data_dir / "uploads" / job_dir_name
    target.mkdir(parents=True, exist_ok=True)
    paths = []
    for upload, name in zip(uploads, _distinct_names(names), strict=True):
        path = target / name
        path.write_bytes(await upload.read())
        paths.append(path)
    return paths


def _distinct_names(names: list[str]) -> list[str]:
    """Two files with the same name in one upload are both kept: the later ones become 名称（2）.pdf …"""
    taken: set[str] = set()
    out = []
    for name in names:
        stem, dot, ext = name.rpartition(".") if "." in name else (name, "", "")
        candidate, n = name, 1
        while candidate.casefold() in taken:
            n += 1
            candidate = f"{stem}（{n}）{dot}{ext}"
        taken.add(candidate.casefold())
        out.append(candidate)
    return out


def start_job(services: AppServices, *, actor: str, paths: list[Path]) -> str:
    """Queue a job for files saved by save_uploads (all in one folder); a worker will lease it."""
    files = [p.name for p in paths]
    folder = paths[0].parent.name if paths else None

    def work(session) -> str:
        job = create_job(session, created_by=actor, files=files, folder=folder)
        record_audit(
            session, actor=actor, action="document.upload", details={"job_id": job.id, "files": files}
        )
        return job.id

    return transaction(services.session_factory, work)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class IngestWorker:
    """Leases ingest jobs for this process, one at a time, and runs them on the app's ingest executor."""

    def __init__(
        self, services: AppServices, *, lease_s: float, max_attempts: int, poll_s: float = POLL_S
    ) -> None:
        self.services = services
        self.name = worker_name()
        self.lease_s, self.max_attempts, self.poll_s = lease_s, max_attempts, poll_s
        self.heartbeat_s = max(lease_s / 4, 0.2)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()

    def start(self) -> None:
        with self._start_lock:
            if self._thread is None and not self._stop.is_set():
                self._thread = threading.Thread(target=self._loop, name="jixiao-ingest-lease", daemon=True)
                self._thread.start()

    def wake(self) -> None:
        """A job was queued: look now (starting the worker if the app's lifespan did not)."""
        self.start()
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                ran = self.run_once()
            except Exception:
                log.exception("ingest worker %s: claiming a job failed", self.name)
                ran = False
            if not ran:
                self._wake.wait(self.poll_s)
                self._wake.clear()

    def claim(self) -> LeasedJob | None:
        return transaction(
            self.services.session_factory,
            lambda session: claim_next(
                session, worker=self.name, lease_s=self.lease_s, max_attempts=self.max_attempts
            ),
        )

    def run_once(self) -> bool:
        """Lease one job and run it to the end (renewing the lease meanwhile); False when none waits."""
        job = self.claim()
        if job is None:
            return False
        log.info("ingest worker %s took job %s (attempt %d)", self.name, job.id, job.attempt)
        future = self.services.ingest_executor.submit(run_job, self.services, job, self.name)
        while True:
            try:
                future.result(timeout=self.heartbeat_s)
                return True
            except TimeoutError:
                pass
            except Exception:  # run_job never raises; a cancelled future means the app is closing
                log.exception("ingest job %s did not run to the end", job.id)
                return True
            if not self._renew(job.id):
                log.warning("ingest worker %s lost the lease of job %s to another worker", self.name, job.id)

    def _renew(self, job_id: str) -> bool:
        try:
            return transaction(
                self.services.session_factory,
                lambda session: heartbeat(session, job_id, worker=self.name, lease_s=self.lease_s),
            )
        except Exception:
            log.exception("heartbeat of ingest job %s failed", job_id)
            return True  # the next one may succeed; the lease is long enough for a few misses


def run_job(services: AppServices, job: LeasedJob, worker: str) -> None:
    """The job body: index the files, recording progress while `worker` holds the lease; never raises."""
    folder = services.settings.data_dir / "uploads" / (job.folder or "")
    paths = [folder / name for name in job.files]
    missing = [p.name for p in paths if job.folder is None or not p.is_file()]

    def progress(done: int, total: int, name: str) -> None:
        transaction(
            services.session_factory,
            lambda session: mark_progress(
                session, job.id, done=done, total=total, current=name, worker=worker
            ),
        )

    outcome: dict[str, Any] = {"added": 0, "replaced": 0, "unchanged": 0}
    if missing:
        errors = [
            {
                "file": name,
                "message": f"上传的文件“{name}”已不在服务器上（任务创建后被移走或删除），请重新上传。",
            }
            for name in missing
        ]
        failed = True
    else:
        try:
            report = services.knowledge_base().ingest_paths(paths, progress=progress)
            errors = [{"file": PurePath(f.file).name, "message": f.message} for f in report.failed]
            failed = bool(report.failed) and not (report.added or report.replaced or report.unchanged)
            outcome = {
                "added": len(report.added),
                "replaced": len(report.replaced),
                "unchanged": len(report.unchanged),
            }
        except Exception as exc:
            log.exception("ingest job %s failed", job.id)
            errors = [{"file": None, "message": f"索引失败（{type(exc).__name__}），请联系管理员查看日志。"}]
            failed = True

    def finish(session) -> None:
        if not mark_finished(session, job.id, errors=errors, failed=failed, worker=worker, **outcome):
            log.warning("ingest job %s: lease lost before the end, the retry's outcome stands", job.id)
            return
        record_audit(
            session,
            actor=job.created_by,
            action="document.ingest",
            details={
                "job_id": job.id,
                "status": "failed" if failed else "done",
                "attempt": job.attempt,
                **outcome,
                "errors": errors,
            },
        )

    try:
        transaction(services.session_factory, finish)
    except Exception:
        log.exception("ingest job %s: the outcome could not be recorded", job.id)
