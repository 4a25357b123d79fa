"""Document ingest jobs: created by an upload, advanced by the background worker, polled by the UI."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.orm import Session

from assistant.records.models import IngestJob, as_utc, utcnow

FINISHED = ("done", "failed")


def create_job(session: Session, *, created_by: str, files: list[str]) -> IngestJob:
    job = IngestJob(id=uuid.uuid4().hex, created_by=created_by, files=files, total=len(files))
    session.add(job)
    return job


def get_job(session: Session, job_id: str) -> IngestJob | None:
    return session.get(IngestJob, job_id)


def mark_progress(session: Session, job_id: str, *, done: int, total: int, current: str | None) -> None:
    job = session.get(IngestJob, job_id)
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
) -> None:
    job = session.get(IngestJob, job_id)
    if job is None:
        return
    job.status = "failed" if failed else "done"
    job.done, job.current, job.updated_at = job.total, None, utcnow()
    job.added, job.replaced, job.unchanged, job.errors = added, replaced, unchanged, errors


def job_public(job: IngestJob) -> dict[str, Any]:
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
        "created_by": job.created_by,
        "created_at": as_utc(job.created_at).isoformat(),
        "updated_at": as_utc(job.updated_at).isoformat(),
    }
