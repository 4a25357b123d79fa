"""Policy documents: admin upload → background ingestion with progress (poll and SSE) → search → delete."""

from __future__ import annotations

import json
import time

import pytest
from support.review_env import parse_sse


def _wait_done(env, job_id: str, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = env.client.get(f"/v1/documents/jobs/{job_id}", headers=env.headers("admin1")).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} did not finish")


@pytest.mark.slow
def test_upload_ingest_search_delete(review_env, corpus_dir):
    env = review_env
    law = corpus_dir / "laws" / "审计法.md"
    bad = ("空白.md", b"", "text/markdown")
    response = env.client.post(
        "/v1/documents",
        files=[("file", (law.name, law.read_bytes(), "text/markdown")), ("file", bad)],
        headers=env.headers("admin1"),
    )
    assert response.status_code == 202, response.text
    job_id = response.json()["job_id"]
    job = _wait_done(env, job_id)
    assert job["status"] == "done" and job["total"] == 2 and job["done"] == 2
    assert job["added"] == 1 and [e["file"] for e in job["errors"]] == ["空白.md"]
    with env.client.stream(
        "GET", f"/v1/documents/jobs/{job_id}/events", headers=env.headers("admin1")
    ) as events:
        progress = parse_sse(events.read().decode("utf-8"))
    assert progress and progress[-1][0] == "progress" and progress[-1][1]["status"] == "done"

    docs = env.client.get("/v1/documents", headers=env.headers("unit1")).json()["items"]
    audit_doc = next(d for d in docs if d["short_title"] == "审计法")
    hits = env.client.get(
        "/v1/search",
        params={"q": "审计机关对本级预算执行情况进行审计监督", "k": 3, "doc": "审计法"},
        headers=env.headers("unit1"),
    ).json()["hits"]
    assert hits and all(h["doc"] == "审计法" for h in hits)

    removed = env.client.delete(f"/v1/documents/{audit_doc['doc_id']}", headers=env.headers("admin1")).json()
    assert removed["clauses_removed"] == audit_doc["clauses"]
    docs = env.client.get("/v1/documents", headers=env.headers("unit1")).json()["items"]
    assert all(d["short_title"] != "审计法" for d in docs)
    actions = [e["action"] for e in env.client.get("/v1/audit", headers=env.headers("admin1")).json()]
    assert {"document.upload", "document.ingest", "document.remove"} <= set(actions)


def test_only_admin_manages_documents(review_env):
    env = review_env
    files = {"file": ("a.md", "第一条 测试。".encode(), "text/markdown")}
    assert env.client.post("/v1/documents", files=files, headers=env.headers("reviewer1")).status_code == 403
    assert env.client.delete("/v1/documents/x", headers=env.headers("reviewer1")).status_code == 403
    missing = env.client.delete("/v1/documents/no-such-doc", headers=env.headers("admin1"))
    assert missing.status_code == 404 and "不存在" in missing.json()["error"]["message"]


def test_unsupported_document_type_is_415(review_env):
    env = review_env
    response = env.client.post(
        "/v1/documents",
        files={"file": ("表.xlsx", b"PK\x03\x04", "application/octet-stream")},
        headers=env.headers("admin1"),
    )
    assert response.status_code == 415 and "表.xlsx" in response.json()["error"]["message"]


def test_clause_not_found_is_404(review_env):
    response = review_env.client.get("/v1/clauses/nope", headers=review_env.headers("unit1"))
    assert response.status_code == 404 and json.loads(response.text)["error"]["code"] == "clause_not_found"
