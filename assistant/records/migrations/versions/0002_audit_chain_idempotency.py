"""Review workflow under concurrency (commit 7778620): the audit log's hash chain and its database guards,
and the stored responses of idempotent POSTs.

- audit_log.prev_hash / audit_log.hash; rows written before the chain get their hashes in id order;
- a unique index on prev_hash (two appends that read the same chain head cannot both be stored);
- triggers refusing UPDATE and DELETE on audit_log (SQLite), and UPDATE, DELETE and TRUNCATE (PostgreSQL);
- idempotency_keys.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.records.audit import GENESIS, entry_hash
from assistant.records.migrations.helpers import add_column_if_missing, create_table_if_missing

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

APPEND_ONLY = "audit_log is append-only"
SQLITE_GUARDS = (
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_update BEFORE UPDATE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
    "CREATE TRIGGER IF NOT EXISTS audit_log_no_delete BEFORE DELETE ON audit_log "
    f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END",
)
SQLITE_UNGUARD = ("DROP TRIGGER IF EXISTS audit_log_no_update", "DROP TRIGGER IF EXISTS audit_log_no_delete")
PG_GUARDS = (
    "CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS "
    f"$fn$ BEGIN RAISE EXCEPTION '{APPEND_ONLY}'; END $fn$",
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log "
    "FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
    "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
    "FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only()",
)
PG_UNGUARD = (
    "DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log",
    "DROP TRIGGER IF EXISTS audit_log_no_truncate ON audit_log",
)

_audit = sa.table(
    "audit_log",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("submission_id", sa.Integer()),
    sa.column("details", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def _execute_all(statements: tuple[str, ...]) -> None:
    for statement in statements:
        op.execute(statement)


def _guards(dialect: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    if dialect == "sqlite":
        return SQLITE_GUARDS, SQLITE_UNGUARD
    if dialect == "postgresql":
        return PG_GUARDS, PG_UNGUARD
    return (), ()


def _chain_rows(bind: sa.Connection) -> None:
    """Hashes for rows from before the chain, in id order (rows already chained are kept as they are)."""
    prev = GENESIS
    for row in bind.execute(sa.select(_audit).order_by(_audit.c.id)).all():
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
        bind.execute(sa.update(_audit).where(_audit.c.id == row.id).values(prev_hash=prev, hash=digest))
        prev = digest


def upgrade() -> None:
    bind = op.get_bind()
    guards, unguard = _guards(bind.dialect.name)
    add_column_if_missing("audit_log", sa.Column("prev_hash", sa.String(length=64), nullable=True))
    add_column_if_missing("audit_log", sa.Column("hash", sa.String(length=64), nullable=True))
    unchained = bind.execute(sa.select(_audit.c.id).where(_audit.c.hash.is_(None)).limit(1)).first()
    if unchained is not None:
        _execute_all(unguard)  # the guards of a half-upgraded database would refuse the chaining
        _chain_rows(bind)
    op.execute("CREATE UNIQUE INDEX IF NOT EXISTS ux_audit_log_prev_hash ON audit_log (prev_hash)")
    _execute_all(guards)
    create_table_if_missing(
        "idempotency_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("method", sa.String(length=8), nullable=False),
        sa.Column("path", sa.String(length=256), nullable=False),
        sa.Column("request_sha256", sa.String(length=64), nullable=False),
        sa.Column("status_code", sa.Integer(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "key"),
        index=[("ix_idempotency_keys_user_id", ["user_id"], False)],
    )


def downgrade() -> None:
    bind = op.get_bind()
    _guards_, unguard = _guards(bind.dialect.name)
    op.drop_table("idempotency_keys")
    _execute_all(unguard)
    if bind.dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS audit_log_append_only()")
    op.execute("DROP INDEX IF EXISTS ux_audit_log_prev_hash")
    op.drop_column("audit_log", "hash")
    op.drop_column("audit_log", "prev_hash")
