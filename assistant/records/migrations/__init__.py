"""Schema migrations of the review records (Alembic), run at every start of the app and by
`jixiao db upgrade`.

The revisions live in versions/ (0001 is the schema before migrations existed, commit ab6b42c; each later
one adds what a change of the code needed). `upgrade(connection)` brings a database to the newest revision
inside the caller's transaction: assistant.records.db.init_db holds the write lock (BEGIN IMMEDIATE on
SQLite, an advisory lock on PostgreSQL) around it, so several workers starting together migrate once and
the others find the work done. A brand-new database is built by the same revisions from 0001 (no
create_all shortcut), so the path every test and every fresh install takes is the path an old database
takes. A database from before the migrations (no alembic_version table) is upgraded the same way: revisions
0001–0003 create only what is missing (see helpers.py)."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection

from core.errors import Unavailable

MIGRATIONS_DIR = Path(__file__).resolve().parent
# alembic's `op` and `context` are module-level proxies: one migration at a time in this process
_RUN_LOCK = threading.Lock()


class SchemaTooNew(Unavailable):
    """The database was migrated by a newer version of jixiao than the one running."""


@dataclass(frozen=True)
class SchemaState:
    current: str | None  # the database's revision, None when never migrated
    head: str  # the newest revision this code knows
    pending: tuple[str, ...]  # revisions an upgrade would apply, oldest first

    @property
    def up_to_date(self) -> bool:
        return not self.pending


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


@lru_cache(maxsize=1)
def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(_config())


def head() -> str:
    revision = script_directory().get_current_head()
    assert revision is not None
    return revision


def state(connection: Connection) -> SchemaState:
    """Where the database stands against this code's revisions (reads only)."""
    script = script_directory()
    current = MigrationContext.configure(connection).get_current_revision()
    known = {s.revision for s in script.walk_revisions()}
    if current is not None and current not in known:
        raise SchemaTooNew(
            f"数据库结构版本为 {current}，本程序只认识到 {head()}：数据库已由更新版本的审核助手升级过，"
            "请使用相同或更新版本的程序，切勿用旧版本读写该数据库。",
            code="schema_too_new",
        )
    pending = [s.revision for s in script.iterate_revisions("head", current or "base")]
    return SchemaState(current=current, head=head(), pending=tuple(reversed(pending)))


def upgrade(connection: Connection, target: str = "head") -> list[str]:
    """Apply the missing revisions up to `target` inside the connection's transaction; the ids applied."""
    with _RUN_LOCK:
        before = state(connection)
        if before.up_to_date and target == "head":
            return []
        script = script_directory()
        applied: list[str] = []

        def steps(revision, _context):
            plan = script._upgrade_revs(target, revision)
            applied.extend(step.revision.revision for step in plan)
            return plan

        with EnvironmentContext(_config(), script, fn=steps, destination_rev=target) as env:
            env.configure(connection=connection)
            with env.begin_transaction():  # joins the caller's transaction
                env.run_migrations()
        return applied


def downgrade(connection: Connection, target: str) -> list[str]:
    """Undo revisions down to `target` ("base" for an empty database) inside the connection's transaction.
    For tests and for an operator rolling back by hand; nothing in the application calls it."""
    with _RUN_LOCK:
        script = script_directory()
        undone: list[str] = []

        def steps(revision, _context):
            plan = script._downgrade_revs(target, revision)
            undone.extend(step.revision.revision for step in plan)
            return plan

        with EnvironmentContext(_config(), script, fn=steps, destination_rev=target) as env:
            env.configure(connection=connection)
            with env.begin_transaction():
                env.run_migrations()
        return undone


def stamp(connection: Connection, revision: str) -> None:
    """Record `revision` as the database's without running anything (tests, repairs)."""
    with _RUN_LOCK:
        MigrationContext.configure(connection).stamp(script_directory(), revision)
