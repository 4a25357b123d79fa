"""Ingest jobs leased by workers: where the uploaded files are, which worker holds the job and until when,
how many times it was taken. Jobs left `running` or `queued` by the version before (which lost them on a
crash or restart) have no lease and are taken by the next worker; with no upload folder recorded they end
as failed with a Chinese message instead of hanging.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.records.migrations.helpers import add_column_if_missing, indexes

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    add_column_if_missing("ingest_jobs", sa.Column("folder", sa.String(length=64), nullable=True))
    add_column_if_missing("ingest_jobs", sa.Column("leased_by", sa.String(length=128), nullable=True))
    add_column_if_missing("ingest_jobs", sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
    add_column_if_missing(
        "ingest_jobs", sa.Column("attempts", sa.Integer(), nullable=False, server_default=sa.text("0"))
    )
    if "ix_ingest_jobs_status" not in indexes("ingest_jobs"):
        op.create_index("ix_ingest_jobs_status", "ingest_jobs", ["status"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_ingest_jobs_status", table_name="ingest_jobs")
    for column in ("attempts", "lease_until", "leased_by", "folder"):
        op.drop_column("ingest_jobs", column)
