"""Document ingest jobs: created by an upload, leased from the database by a worker, polled by the UI.

A job is worked on by one worker at a time, under a lease: `claim_next` gives the oldest job that is queued,
or running under a lease that has expired (its worker crashed or was killed), to the calling worker with
`leased_by` = that worker and `lease_until` = now + the lease; the worker renews the lease with `heartbeat`
while it runs and ends it with `mark_finished`. Progress and the outcome are only written by the worker
holding the lease, so a worker that lost its lease cannot overwrite the retry's result. A job taken
`max_attempts` times without finishing is failed with a Chinese message instead of being retried again.

Only one job runs at a time in the whole deployment (all worker processes share one index): a worker finds
nothing to claim while another holds a live lease. Claims are serialised by the write lock on SQLite
(BEGIN IMMEDIATE) and by an advisory transaction lock on PostgreSQL.

Time is the workers' clock (UTC): the machines running workers must keep their clocks in sync (NTP).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from assistant.records.audit import record_audit
from assistant.records.models import IngestJob, as_utc, utcnow

FINISHED = ("done", "failed")
LEASE_S = 60.0  # a worker that stops renewing its lease for this long is taken for dead
MAX_ATTEMPTS = 3
_PG_CLAIM_LOCK = 0x6A786A62  # advisory lock serialising claims on PostgreSQL


def create_job(
    session: Session, *, created_by: str, files: list[str], folder: str | None = None
) -> IngestJob:
    """A queued job for `files`, saved under data_dir/uploads/<folder>/."""
    job = IngestJob(
        id=uuid.uuid4().hex, created_by=created_by, files=files, total=len(files), folder=folder, attempts=0
    )
    session.add(job)
    return job


def get_job(session: Session, job_id: str) -> IngestJob | None:
    return session.get(IngestJob, job_id)


@dataclass(frozen=True)
class LeasedJob:
    """What the worker needs of the job it now holds (plain values: usable after the session closed)."""

    id: str
    files: list[str]
    folder: str | None
    created_by: str
    attempt: int


def abandoned_message(attempts: int) -> str:
    return (
        f"入库任务已尝试 {attempts} 次，每次处理进程都在完成前中断（进程崩溃、被终止或机器重启），"
        "已停止重试。请检查文件是否过大或损坏后重新上传；如反复出现请联系管理员查看日志。"
    )


def claim_next(
    session: Session,
    *,
    worker: str,
    lease_s: float = LEASE_S,
    max_attempts: int = MAX_ATTEMPTS,
    now: datetime | None = None,
) -> LeasedJob | None:
    """Lease the oldest job waiting for a worker to `worker`; None when there is none or another job is
    running under a live lease. Jobs whose attempts are used up are failed on the way (and audited)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_CLAIM_LOCK})
    now = now or utcnow()
    busy = session.scalar(
        select(IngestJob.id)
        .where(IngestJob.status == "running", IngestJob.lease_until >= now, IngestJob.leased_by.is_not(None))
        .limit(1)
    )
    if busy is not None:
        return None
    waiting = or_(
        IngestJob.status == "queued",
        (IngestJob.status == "running") & (or_(IngestJob.lease_until.is_(None), IngestJob.lease_until < now)),
    )
    for job in session.scalars(select(IngestJob).where(waiting).order_by(IngestJob.created_at, IngestJob.id)):
        if job.attempts >= max_attempts:
            _abandon(session, job, now)
            continue
        job.status, job.leased_by, job.lease_until = "running", worker, now + timedelta(seconds=lease_s)
        job.attempts += 1
        job.updated_at = now
        session.flush()
        return LeasedJob(
            id=job.id,
            files=list(job.files),
            folder=job.folder,
            created_by=job.created_by,
            attempt=job.attempts,
        )
    return None


def _abandon(session: Session, job: IngestJob, now: datetime) -> None:
    errors = [{"file": None, "message": abandoned_message(job.attempts)}]
    job.status, job.errors, job.current = "failed", errors, None
    job.leased_by, job.lease_until, job.updated_at = None, None, now
    record_audit(
        session,
        actor="system",
        action="document.ingest",
        details={"job_id": job.id, "status": "failed", "attempts": job.attempts, "errors": errors},
    )


def _held(session: Session, job_id: str, worker: str | None) -> IngestJob | None:
    """The job if `worker` still holds its lease (any worker when None)."""
    job = session.get(IngestJob, job_id)
    if job is None or job.status in FINISHED:
        return None
    if worker is not None and job.leased_by != worker:
        return None
    return job


def heartbeat(session: Session, job_id: str, *, worker: str, lease_s: float = LEASE_S) -> bool:
    """Renew the lease; False when the worker no longer holds it (another worker took the job over)."""
    job = _held(session, job_id, worker)
    if job is None:
        return False
    now = utcnow()
    job.lease_until, job.updated_at = now + timedelta(seconds=lease_s), now
    return True


def mark_progress(
    session: Session, job_id: str, *, done: int, total: int, current: str | None, worker: str | None = None
) -> None:
    job = _held(session, job_id, worker)
    if job is None:
        return
    job.status, job.done, job.total, job.current, job.updated_at = "running", done, total, current, utcnow()


def mark_finished(
    session: Session,
    job_id: str,
    *,
    added: int,
    replaced: int,
    unchanged: int,
    errors: list[dict[str, Any]],
    failed: bool,
    worker: str | None = None,
) -> bool:
    """Record the outcome and end the lease; False (nothing written) when `worker` lost the lease."""
    job = _held(session, job_id, worker)
    if job is None:
        return False
    job.status = "failed" if failed else "done"
    job.done, job.current, job.updated_at = job.total, None, utcnow()
    job.added, job.replaced, job.unchanged, job.errors = added, replaced, unchanged, errors
    job.leased_by, job.lease_until = None, None
    return True


def job_public(job: IngestJob) -> dict[str, Any]:
    created, updated = as_utc(job.created_at), as_utc(job.updated_at)
    return {
        "job_id": job.id,
        "status": job.status,
        "done": job.done,
        "total": job.total,
        "current": job.current,
        "errors": job.errors,
        "added": job.added,
        "replaced": job.replaced,
        "unchanged": job.unchanged,
        "files": job.files,
        "attempts": job.attempts,
        "created_by": job.created_by,
        "created_at": created.isoformat() if created else None,
        "updated_at": updated.isoformat() if updated else None,
    }
