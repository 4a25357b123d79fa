"""Engine and sessions for the review records (SQLite WAL by default, PostgreSQL by URL).

Two kinds of transaction:

- `session_scope(factory)` is a *writing* unit of work. On SQLite it starts with `BEGIN IMMEDIATE`, so
  writers queue for the one write lock up front (waiting up to the busy timeout) instead of reading a
  snapshot and failing with "database is locked" when they try to write after someone else did. Every
  state change therefore sees the latest committed state. On PostgreSQL the workflow takes row locks
  (`SELECT … FOR UPDATE`) inside it.
- `read_scope(factory)` is a read-only view (plain `BEGIN`: WAL readers never wait for writers).

`transaction(factory, work)` runs `work(session)` in a writing unit and retries it when the database is
busy (SQLite lock timeout, PostgreSQL serialization failure or deadlock); after the last attempt the user
gets a Chinese 503, never a 500.

The schema is managed by the Alembic revisions in assistant.records.migrations: `init_db` (every start of
the app and every CLI command that opens the records) applies the missing ones under a lock, so a database
made by any earlier version, or a brand-new one, ends at the newest revision.
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from assistant.records import migrations
from assistant.records.models import Base
from assistant.records.schema import upgrade_schema
from core.errors import Unavailable
from core.settings import Settings

log = logging.getLogger("jixiao.records")
T = TypeVar("T")

IMMEDIATE = "sqlite_begin_immediate"  # execution option: this transaction will write
BUSY_TIMEOUT_MS = 15_000
WRITE_ATTEMPTS = 5
BUSY_MESSAGE = "数据库繁忙，本次操作未执行，请稍后重试。"
MIGRATION_LOCK = 0x6A786462  # PostgreSQL advisory lock held while one process migrates
# PostgreSQL connections per process: the API's thread pool plus the ingest and callback workers
PG_POOL_SIZE, PG_MAX_OVERFLOW = 10, 20


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    # the driver must not open transactions on its own: _sqlite_begin emits BEGIN [IMMEDIATE]
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(IMMEDIATE) else "BEGIN")


def make_engine(settings: Settings) -> Engine:
    """An engine for settings.resolved_database_url; creates the SQLite folder if needed."""
    url = database_url(settings)
    is_sqlite = url.get_backend_name() == "sqlite"
    if is_sqlite and url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"pool_pre_ping": not is_sqlite}
    if is_sqlite:
        # the API serves requests from a thread pool; each connection is used by one thread at a time
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": BUSY_TIMEOUT_MS / 1000}
        kwargs["pool_size"], kwargs["max_overflow"] = 20, 20
    elif url.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 10, "application_name": "jixiao"}
        kwargs["pool_size"], kwargs["max_overflow"] = PG_POOL_SIZE, PG_MAX_OVERFLOW
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine, "connect", _sqlite_connect)
        event.listen(engine, "begin", _sqlite_begin)
    return engine


def database_url(settings: Settings) -> URL:
    """settings.resolved_database_url; a bare postgresql:// URL gets the psycopg 3 driver we ship."""
    url = make_url(settings.resolved_database_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def writer(engine: Engine) -> Engine:
    """The same engine, its transactions opened for writing (BEGIN IMMEDIATE on SQLite)."""
    return engine.execution_options(**{IMMEDIATE: True})


def init_db(engine: Engine) -> list[str]:
    """Bring the database to the newest schema revision and re-assert the audit log's guards; returns the
    revisions applied. One process at a time: several workers may start together."""
    with _reachable(engine), writer(engine).begin() as conn:  # BEGIN IMMEDIATE on SQLite
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
        applied = migrations.upgrade(conn)
        _create_unmigrated_tables(conn)
        upgrade_schema(conn)  # idempotent: re-installs guards someone dropped, chains unchained rows
    if applied:
        log.info("records schema upgraded: %s", " -> ".join(applied))
    return applied


def _create_unmigrated_tables(conn: Connection) -> None:
    """A model table no revision creates yet (a change still being written) is created as create_all would,
    with a warning; tests/records/test_migrations.py fails until a revision adds it."""
    present = set(inspect(conn).get_table_names())
    missing = [t for t in Base.metadata.sorted_tables if t.name not in present]
    if missing:
        log.warning("tables without a migration, created directly: %s", ", ".join(t.name for t in missing))
        Base.metadata.create_all(conn, tables=missing)


def schema_state(engine: Engine) -> migrations.SchemaState:
    """The database's schema revision against this code's newest (reads only)."""
    with _reachable(engine), engine.connect() as conn:
        return migrations.state(conn)


def safe_url(engine: Engine) -> str:
    """The engine's URL without its password (for messages and logs)."""
    return engine.url.render_as_string(hide_password=True)


@contextmanager
def _reachable(engine: Engine) -> Iterator[None]:
    """A database that cannot be reached becomes a Chinese 503 naming it (never a traceback)."""
    try:
        yield
    except OperationalError as exc:
        if is_busy(exc):
            raise
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0][:200]
        raise Unavailable(
            f"无法连接记录数据库 {safe_url(engine)}：{reason}。"
            "请检查 JIXIAO_DATABASE_URL、数据库服务是否已启动、账号口令与网络是否可达。",
            code="database_unreachable",
        ) from exc


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work that write (see the module docstring)."""
    return sessionmaker(bind=writer(engine), expire_on_commit=False)


def open_records(settings: Settings) -> sessionmaker[Session]:
    """Engine + tables + session factory in one call (CLI and app factory)."""
    engine = make_engine(settings)
    init_db(engine)
    return make_session_factory(engine)


def base_engine(factory: sessionmaker[Session]) -> Engine:
    bind = factory.kw["bind"]
    return bind.execution_options(**{IMMEDIATE: False})


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A writing unit of work that commits on success and rolls back on any error."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


@contextmanager
def read_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A read-only session: never takes the write lock, so reads never wait for writers."""
    session = Session(bind=base_engine(factory), expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()  # ends the read transaction; loaded objects stay usable (detached, not expired)


def is_busy(exc: BaseException) -> bool:
    """The database could not take a lock in time: worth retrying the whole unit of work."""
    if not isinstance(exc, DBAPIError):
        return False
    text = str(getattr(exc, "orig", exc)).lower()
    code = getattr(getattr(exc, "orig", None), "pgcode", None) or getattr(
        getattr(exc, "orig", None), "sqlstate", None
    )
    return (
        "database is locked" in text
        or "database table is locked" in text
        or "database is busy" in text
        or code in ("40001", "40P01", "55P03")  # serialization failure, deadlock, lock not available
    )


def transaction(
    factory: sessionmaker[Session],
    work: Callable[[Session], T],
    *,
    attempts: int = WRITE_ATTEMPTS,
    retry_on: Callable[[BaseException], bool] | None = None,
) -> T:
    """Run `work(session)` as one writing transaction; retried from scratch when the database is busy
    (or when `retry_on(exc)` says so, e.g. a unique key another request inserted meanwhile)."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(factory) as session:
                return work(session)
        except (DBAPIError, IntegrityError) as exc:
            retry = is_busy(exc) or (retry_on is not None and retry_on(exc))
            if not retry:
                raise
            if attempt == attempts:
                log.warning("giving up after %d busy attempts: %s", attempts, exc)
                raise Unavailable(BUSY_MESSAGE, code="database_busy") from exc
            time.sleep(min(0.05 * 2**attempt, 1.0) * (0.5 + random.random()))
    raise AssertionError("unreachable")
