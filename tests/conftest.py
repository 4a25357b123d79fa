"""Shared fixtures. Test data is read from ../shared (never copied into the repo).

Records and API tests run against SQLite and against a real PostgreSQL server: `db_url` is parametrised
over both for the tests `pytest_generate_tests` selects (every test of tests/api that uses `review_env`,
tests/records, and the records modules named in BOTH_BACKENDS). The PostgreSQL runs need
JIXIAO_TEST_PG_URL (`export JIXIAO_TEST_PG_URL=$(bash scripts/pg-test.sh)`, which .ci/run does); without it
they are skipped, except under CI=true where a missing server is a failure. Each PostgreSQL test gets a
database of its own, created empty before and dropped after it.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("JIXIAO_SHARED", REPO.parent / "shared")).resolve()
PG_URL_ENV = "JIXIAO_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")
# besides tests/api (tests using review_env) and tests/records: modules whose tests run on both databases
BOTH_BACKENDS = (
    "tests/records/",
    "tests/assistant/test_workflow_review.py",
    "tests/assistant/test_conversations.py",
    "tests/assistant/test_records_users_audit.py",
    "tests/assistant/test_audit_chain.py",
)
# tests of those modules that are about SQLite itself (its file, WAL, raw sqlite3 access)
SQLITE_ONLY = {
    "test_sqlite_runs_in_wal_mode",
    "test_raw_sql_cannot_update_or_delete_audit_rows",
    "test_tampering_behind_the_triggers_is_detected",
    "test_rows_from_before_the_chain_are_chained_at_upgrade",
}
_db_counter = itertools.count(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_url" not in metafunc.fixturenames or metafunc.function.__name__ in SQLITE_ONLY:
        return
    path = Path(str(metafunc.definition.fspath)).resolve().relative_to(REPO).as_posix()
    api = path.startswith("tests/api/") and "review_env" in metafunc.fixturenames
    if api or path.startswith(BOTH_BACKENDS):
        metafunc.parametrize("db_url", BACKENDS, indirect=True)


@pytest.fixture(scope="session")
def pg_admin():
    """An AUTOCOMMIT engine on the JIXIAO_TEST_PG_URL database (creates and drops the test databases)."""
    url = os.environ.get(PG_URL_ENV)
    if not url:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(
                f"CI=true but {PG_URL_ENV} is not set: .ci/run must start PostgreSQL (scripts/pg-test.sh)"
            )
        pytest.skip(
            f"{PG_URL_ENV} not set: PostgreSQL runs skipped (export {PG_URL_ENV}=$(bash scripts/pg-test.sh))"
        )
    from sqlalchemy import create_engine

    engine = create_engine(url, isolation_level="AUTOCOMMIT", pool_size=1, max_overflow=2)
    yield engine
    engine.dispose()


def _migrated(url: str) -> bool:
    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT to_regclass('alembic_version')").scalar() is not None
    finally:
        engine.dispose()


@pytest.fixture()
def db_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The records database of one test: None for the default SQLite file in the data dir, or the URL of
    a fresh, empty PostgreSQL database dropped after the test."""
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield None
        return
    admin = request.getfixturevalue("pg_admin")
    name = f"jixiao_t_{os.getpid()}_{next(_db_counter)}"
    _drop_database(admin, name)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = admin.url.set(database=name).render_as_string(hide_password=False)
    try:
        yield url
        # a PostgreSQL run that never reached its database would be a SQLite run under a false name
        assert _migrated(url), f"{request.node.nodeid} ran on PostgreSQL but never opened its database"
    finally:
        _drop_database(admin, name)


def _drop_database(admin, name: str) -> None:
    """DROP DATABASE … WITH (FORCE), retried: an autovacuum worker on it cannot be ended by our role."""
    import time

    from sqlalchemy.exc import DBAPIError

    for attempt in range(50):
        try:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            return
        except DBAPIError:
            if attempt == 49:
                raise
            time.sleep(0.2)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"../shared not found at {SHARED}; set JIXIAO_SHARED")
    return SHARED


@pytest.fixture(scope="session")
def corpus_dir(shared_dir: Path) -> Path:
    return shared_dir / "corpus"


@pytest.fixture(scope="session")
def data_dir_shared(shared_dir: Path) -> Path:
    return shared_dir / "data"


@pytest.fixture()
def tmp_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, db_url: str | None) -> Path:
    """A fresh JIXIAO_DATA_DIR for one test, with the settings cache cleared; JIXIAO_DATABASE_URL names the
    test's PostgreSQL database when the test runs on PostgreSQL (see `db_url`)."""
    from core.settings import get_settings

    d = tmp_path / "var"
    monkeypatch.setenv("JIXIAO_DATA_DIR", str(d))
    for k in (
        "JIXIAO_LLM_BASE_URL",
        "JIXIAO_LLM_MODEL",
        "JIXIAO_LLM_API_KEY",
        "JIXIAO_CHROMA_URL",
        "JIXIAO_DATABASE_URL",
    ):
        monkeypatch.delenv(k, raising=False)
    if db_url is not None:
        monkeypatch.setenv("JIXIAO_DATABASE_URL", db_url)
    get_settings.cache_clear()
    yield d
    get_settings.cache_clear()
