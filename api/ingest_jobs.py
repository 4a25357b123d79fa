"""Background ingestion of uploaded policy files: files saved under data_dir/uploads/<job>/, then
indexed by the app's single ingest worker while the job row records progress."""

from __future__ import annotations

import logging
from pathlib import Path, PurePath

from fastapi import UploadFile

from api.state import AppServices
from assistant.records import record_audit, transaction
from assistant.records.jobs import create_job, mark_finished, mark_progress
from core.errors import UnsupportedMediaType

log = logging.getLogger("jixiao.api")


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
    for upload, name in zip(uploads, names, strict=True):
        path = target / name
        path.write_bytes(await upload.read())
        paths.append(path)
    return paths


def start_job(services: AppServices, *, actor: str, files: list[str]) -> str:
    def work(session) -> str:
        job = create_job(session, created_by=actor, files=files)
        record_audit(
            session, actor=actor, action="document.upload", details={"job_id": job.id, "files": files}
        )
        return job.id

    return transaction(services.session_factory, work)


def run_job(services: AppServices, job_id: str, paths: list[Path], actor: str) -> None:
    """The worker body: index the files, recording progress; never raises."""

    def progress(done: int, total: int, name: str) -> None:
        transaction(
            services.session_factory,
            lambda session: mark_progress(session, job_id, done=done, total=total, current=name),
        )

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
        log.exception("ingest job %s failed", job_id)
        errors = [{"file": None, "message": f"索引失败（{type(exc).__name__}），请联系管理员查看日志。"}]
        failed, outcome = True, {"added": 0, "replaced": 0, "unchanged": 0}

    def finish(session) -> None:
        mark_finished(session, job_id, errors=errors, failed=failed, **outcome)
        record_audit(
            session,
            actor=actor,
            action="document.ingest",
            details={"job_id": job_id, "status": "failed" if failed else "done", **outcome, "errors": errors},
        )

    transaction(services.session_factory, finish)
