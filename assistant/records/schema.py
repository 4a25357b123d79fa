"""What `create_all` cannot do on a database created by an older version: add the columns newer code
expects, give old audit rows their place in the hash chain, and install the database-level guards that
keep the audit log append-only (a trigger on SQLite and on PostgreSQL). Idempotent; runs at every start
inside the same write transaction as `create_all`."""

from __future__ import annotations

from typing import cast

from sqlalchemy import Connection, Table, inspect, select, update

from assistant.records.audit import GENESIS, entry_hash
from assistant.records.models import AuditEntry

NEW_COLUMNS: dict[str, dict[str, str]] = {
    "audit_log": {"prev_hash": "VARCHAR(64)", "hash": "VARCHAR(64)"},
}
APPEND_ONLY = "audit_log is append-only"

_SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
)
_SQLITE_DROP = ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete")

_PG_GUARDS = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$fn$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $fn$",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
_PG_DROP = (
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
)

# one row per predecessor: two appends that read the same chain head cannot both be stored
_CHAIN_INDEX = "CREATE UNIQUE INDEX IF NOT EXISTS ux_audit_log_prev_hash ON audit_log (prev_hash)"


def upgrade_schema(conn: Connection) -> None:
    dialect = conn.dialect.name
    inspector = inspect(conn)
    for table, columns in NEW_COLUMNS.items():
        present = {c["name"] for c in inspector.get_columns(table)}
        for name, ddl in columns.items():
            if name not in present:
                conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {name} {ddl}")
    if _unchained_rows(conn):
        for statement in _SQLITE_DROP if dialect == "sqlite" else _PG_DROP if dialect == "postgresql" else ():
            conn.exec_driver_sql(statement)
        chain_old_rows(conn)
    conn.exec_driver_sql(_CHAIN_INDEX)
    for statement in _SQLITE_GUARDS if dialect == "sqlite" else _PG_GUARDS if dialect == "postgresql" else ():
        conn.exec_driver_sql(statement)


def _unchained_rows(conn: Connection) -> bool:
    return conn.execute(select(AuditEntry.id).where(AuditEntry.hash.is_(None)).limit(1)).first() is not None


def chain_old_rows(conn: Connection) -> int:
    """Give rows written before the hash chain existed their hashes, in id order (once, at upgrade)."""
    table = cast(Table, AuditEntry.__table__)
    prev, count = GENESIS, 0
    rows = conn.execute(select(table).order_by(table.c.id)).all()
    for row in rows:
        if row.hash is not None and row.prev_hash == prev:
            prev = row.hash
            continue
        digest = entry_hash(
            prev_hash=prev,
            at=row.at,
            actor=row.actor,
            action=row.action,
            submission_id=row.submission_id,
            details=row.details or {},
        )
        conn.execute(update(table).where(table.c.id == row.id).values(prev_hash=prev, hash=digest))
        prev, count = digest, count + 1
    return count
