"""Ingest jobs leased from the database, on SQLite and PostgreSQL: one worker holds a job at a time under a
lease it renews; a job whose worker died (lease expired) is taken over by another, at most a bounded number
of times, then failed with a Chinese message; the worker that lost a lease cannot overwrite the outcome;
queued jobs wait in the database; the job's event stream ends when the job does."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from support.review_env import parse_sse

from assistant.records import AuditEntry, IngestJob, open_records, read_scope, transaction
from assistant.records.jobs import (
    abandoned_message,
    claim_next,
    create_job,
    get_job,
    heartbeat,
    mark_finished,
    mark_progress,
)
from assistant.records.models import utcnow
from core.settings import Settings

DEAD = "dead-host:4242:abcdef"  # the worker name a crashed process leaves on its job


@pytest.fixture()
def factory(tmp_data_dir, db_url):
    factory = open_records(Settings(data_dir=tmp_data_dir, database_url=db_url, _env_file=None))
    yield factory
    factory.kw["bind"].dispose()


def _create(factory, name: str, folder: str = "f") -> str:
    return transaction(factory, lambda s: create_job(s, created_by="admin1", files=[name], folder=folder).id)


def _claim(factory, worker: str, **kw):
    return transaction(factory, lambda s: claim_next(s, worker=worker, **kw))


def _job(factory, job_id: str) -> IngestJob:
    with read_scope(factory) as session:
        job = get_job(session, job_id)
        assert job is not None
        return job


def test_a_dead_workers_job_is_taken_over_and_the_loser_cannot_overwrite(factory):
    first, second = _create(factory, "一.md"), _create(factory, "二.md")
    a = _claim(factory, "A", lease_s=30)
    assert (a.id, a.attempt, a.files, a.folder) == (first, 1, ["一.md"], "f")
    held = _job(factory, first)
    assert (held.status, held.leased_by, held.attempts) == ("running", "A", 1)
    assert _claim(factory, "B", lease_s=30) is None  # one job at a time across all workers
    assert transaction(factory, lambda s: heartbeat(s, first, worker="A", lease_s=30))

    # A stops renewing (crashed): once its lease has run out, B takes the job over
    later = utcnow() + timedelta(seconds=31)
    b = _claim(factory, "B", lease_s=30, now=later)
    assert (b.id, b.attempt) == (first, 2)
    assert not transaction(factory, lambda s: heartbeat(s, first, worker="A", lease_s=30))
    transaction(factory, lambda s: mark_progress(s, first, done=1, total=1, current="一.md", worker="A"))
    lost = transaction(
        factory,
        lambda s: mark_finished(
            s, first, added=9, replaced=0, unchanged=0, errors=[], failed=False, worker="A"
        ),
    )
    assert lost is False
    job = _job(factory, first)
    assert (job.status, job.leased_by, job.added, job.done) == ("running", "B", 0, 0)

    assert transaction(
        factory,
        lambda s: mark_finished(
            s, first, added=1, replaced=0, unchanged=0, errors=[], failed=False, worker="B"
        ),
    )
    job = _job(factory, first)
    assert (job.status, job.leased_by, job.lease_until, job.added) == ("done", None, None, 1)
    nxt = _claim(factory, "A", lease_s=30)
    assert nxt.id == second and nxt.attempt == 1


def test_attempts_are_bounded_then_the_job_fails_in_chinese(factory):
    doomed, fine = _create(factory, "大文件.pdf"), _create(factory, "小文件.md")
    moment = utcnow()
    for attempt in (1, 2, 3):  # three workers, each killed while holding the job
        moment += timedelta(seconds=31)
        taken = _claim(factory, f"W{attempt}", lease_s=30, max_attempts=3, now=moment)
        assert (taken.id, taken.attempt) == (doomed, attempt)
    moment += timedelta(seconds=31)
    taken = _claim(factory, "W4", lease_s=30, max_attempts=3, now=moment)
    assert taken.id == fine  # the doomed job was failed on the way
    job = _job(factory, doomed)
    assert job.status == "failed" and job.leased_by is None and job.attempts == 3
    assert job.errors == [{"file": None, "message": abandoned_message(3)}]
    assert "已尝试 3 次" in job.errors[0]["message"]
    with read_scope(factory) as session:
        audited = session.scalars(select(AuditEntry).where(AuditEntry.action == "document.ingest")).all()
    assert [(e.actor, e.details["job_id"], e.details["status"]) for e in audited] == [
        ("system", doomed, "failed")
    ]


def test_jobs_left_running_by_the_version_before_are_not_stuck(factory):
    """Rows the old code left 'running' without a lease (its worker died) and without an upload folder."""
    old = transaction(factory, lambda s: create_job(s, created_by="admin1", files=["旧.md"]).id)

    def leave_running(session):
        job = session.get(IngestJob, old)
        job.status = "running"

    transaction(factory, leave_running)
    taken = _claim(factory, "A", lease_s=30)
    assert taken.id == old and taken.folder is None  # the worker then fails it: the files are unknown


# --- through the app: the real worker, the real knowledge base ---------------------------------------------


def _wait(env, job_id: str, timeout_s: float = 180) -> dict:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        job = env.client.get(f"/v1/documents/jobs/{job_id}", headers=env.headers("admin1")).json()
        if job["status"] in ("done", "failed"):
            return job
        time.sleep(0.1)
    raise AssertionError(f"job {job_id} still {job['status']}")


def _events(env, job_id: str) -> list[tuple[str, dict]]:
    with env.client.stream("GET", f"/v1/documents/jobs/{job_id}/events", headers=env.headers("admin1")) as r:
        return parse_sse(r.read().decode("utf-8"))


def test_the_app_worker_takes_over_a_crashed_job_and_its_stream_ends(review_env):
    env = review_env
    services = env.app.state.services
    factory = services.session_factory
    folder = services.settings.data_dir / "uploads" / "crashed"
    folder.mkdir(parents=True)
    (folder / "试行办法.md").write_text(
        "# 某市项目支出绩效目标管理试行办法\n\n第一条 为规范项目支出绩效目标管理，制定本办法。\n\n"
        "第二条 绩效目标应当指向明确、细化量化、合理可行、相应匹配。\n",
        encoding="utf-8",
    )
    crashed = _create(factory, "试行办法.md", folder="crashed")
    doomed = _create(factory, "试行办法.md", folder="crashed")

    def as_left_by_a_dead_worker(session):
        for job_id, attempts in ((crashed, 1), (doomed, 3)):
            job = session.get(IngestJob, job_id)
            job.status, job.leased_by, job.attempts = "running", DEAD, attempts
            job.lease_until = utcnow() - timedelta(seconds=1)

    transaction(factory, as_left_by_a_dead_worker)
    services.ingest_worker.wake()
    done = _wait(env, crashed)
    assert done["status"] == "done" and done["attempts"] == 2 and done["added"] == 1, done
    failed = _wait(env, doomed)
    assert failed["status"] == "failed" and "已尝试 3 次" in failed["errors"][0]["message"]
    for job_id, status in ((crashed, "done"), (doomed, "failed")):
        events = _events(env, job_id)  # returns: the stream ended
        assert events[-1][1]["status"] == status
    with read_scope(factory) as session:
        stuck = session.scalar(select(func.count()).where(IngestJob.status.in_(("queued", "running"))))
    assert stuck == 0


def test_an_upload_is_queued_in_the_database_and_leased(review_env, corpus_dir):
    env = review_env
    law = corpus_dir / "laws" / "审计法.md"
    response = env.client.post(
        "/v1/documents",
        files=[("file", (law.name, law.read_bytes(), "text/markdown"))],
        headers=env.headers("admin1"),
    )
    assert response.status_code == 202, response.text
    job = _wait(env, response.json()["job_id"])
    assert job["status"] == "done" and job["attempts"] == 1 and job["added"] == 1
    with read_scope(env.app.state.services.session_factory) as session:
        row = get_job(session, job["job_id"])
        assert row.leased_by is None and row.folder and row.lease_until is None
