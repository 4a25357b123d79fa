"""Policy knowledge: search, one clause, the document list, uploads with background ingestion."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from sse_starlette.sse import EventSourceResponse
from starlette.datastructures import UploadFile

from api.deps import CurrentUser, DocAdmin, ServicesDep, SessionDep
from api.ingest_jobs import save_uploads, start_job
from assistant.citations import TRUST_LABELS, TRUST_NOTES, clause_trust
from assistant.records import read_scope, record_audit, transaction
from assistant.records.jobs import FINISHED, get_job, job_public
from core.errors import NotFound, UnsupportedMediaType, UserError

router = APIRouter(tags=["政策知识库"])
JOB_POLL_S = 0.3


@router.get("/search", summary="检索政策条文")
def search(
    _user: CurrentUser,
    services: ServicesDep,
    q: Annotated[str, Query(min_length=1, max_length=500)],
    k: Annotated[int, Query(ge=1, le=50)] = 5,
    doc: str | None = None,
    kind: str | None = None,
    region: str | None = None,
) -> dict[str, Any]:
    hits = services.knowledge_base().retrieve(q, k, doc=doc, kind=kind, region=region)
    return {"hits": [h.public() for h in hits]}


@router.get("/clauses/{clause_id}", summary="查看一条条文")
def clause(clause_id: str, _user: CurrentUser, services: ServicesDep) -> dict[str, Any]:
    found = services.knowledge_base().get_clause(clause_id)
    if found is None:
        raise NotFound(f"条文“{clause_id}”不存在（可能所属文件已被移除）。", code="clause_not_found")
    return {
        "clause_id": found.id,
        "doc": found.doc_short,
        "doc_title": found.doc_title,
        "doc_no": found.doc_no,
        "article": found.article,
        "citation": found.citation,
        "path": found.path,
        "text": found.text,
        "page": found.page,
        "source": found.source,
        "confidence": found.confidence,
        **trust_fields(found),
    }


@router.get("/documents", summary="已入库的政策文件")
def documents(_user: CurrentUser, services: ServicesDep) -> dict[str, Any]:
    return {"items": [d.model_dump(mode="json") for d in services.knowledge_base().list_documents()]}


@router.post(
    "/documents",
    status_code=202,
    summary="上传政策文件（后台入库）",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "properties": {
                            "file": {"type": "array", "items": {"type": "string", "format": "binary"}}
                        },
                    }
                }
            },
        }
    },
)
async def upload_documents(request: Request, user: DocAdmin, services: ServicesDep) -> dict[str, Any]:
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise UnsupportedMediaType("请以 multipart/form-data 上传文件（字段名 file）。")
    form = await request.form()
    uploads = [v for key in ("file", "files") for v in form.getlist(key) if isinstance(v, UploadFile)]
    if not uploads:
        raise UserError("请以 multipart 字段 file 上传政策文件（.pdf/.docx/.md/.txt）。", code="file_missing")
    paths = await save_uploads(services, uploads, uuid.uuid4().hex)
    job_id = await run_in_threadpool(start_job, services, actor=user.username, paths=paths)
    services.ingest_worker.wake()  # whichever worker process is free leases it (api/ingest_jobs.py)
    return {"job_id": job_id}


def _job_or_404(session, job_id: str):
    job = get_job(session, job_id)
    if job is None:
        raise NotFound(f"入库任务“{job_id}”不存在。", code="job_not_found")
    return job


@router.get("/documents/jobs/{job_id}", summary="入库任务进度")
def job_status(job_id: str, _user: DocAdmin, session: SessionDep) -> dict[str, Any]:
    return job_public(_job_or_404(session, job_id))


@router.get("/documents/jobs/{job_id}/events", summary="入库任务进度（SSE）")
def job_events(
    job_id: str, _user: DocAdmin, session: SessionDep, services: ServicesDep
) -> EventSourceResponse:
    _job_or_404(session, job_id)

    def snapshot() -> dict[str, Any]:
        with read_scope(services.session_factory) as s:
            return job_public(get_job(s, job_id))

    async def stream() -> AsyncIterator[dict[str, Any]]:
        last = None
        while True:
            state = await run_in_threadpool(snapshot)
            if state != last:
                yield {"event": "progress", "data": json.dumps(state, ensure_ascii=False)}
                last = state
            if state["status"] in FINISHED:
                return
            await asyncio.sleep(JOB_POLL_S)

    return EventSourceResponse(stream())


@router.delete("/documents/{doc_id}", summary="移除政策文件及其条文")
def delete_document(doc_id: str, user: DocAdmin, services: ServicesDep) -> dict[str, Any]:
    removed = services.knowledge_base().remove_document(doc_id)
    if removed == 0:
        raise NotFound(f"政策文件“{doc_id}”不存在。", code="document_not_found")
    transaction(
        services.session_factory,
        lambda session: record_audit(
            session,
            actor=user.username,
            action="document.remove",
            details={"doc_id": doc_id, "clauses_removed": removed},
        ),
    )
    return {"doc_id": doc_id, "clauses_removed": removed}


def trust_fields(clause) -> dict[str, Any]:
    """已核实 / 要点（转述） / 条款号待核对 of a clause, worded as everywhere else (assistant.citations)."""
    trust = clause_trust(clause)
    return {"trust": trust.value, "trust_label": TRUST_LABELS[trust], "trust_note": TRUST_NOTES[trust]}
