"""Round dashboard facts, the 支出标准 library, 事前绩效评估 records and training attempts.

- round_facts (assistant.rounds): per stored submission, its defect codes, budget, 主管部门 and counts;
- cost_standards (assistant.records.standards): one row per expenditure standard;
- exante_assessments (assistant.records.assessments): one versioned assessment per submission;
- training_attempts (assistant.records.training_attempts): each trainee's scored answers.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from assistant.records.migrations.helpers import create_table_if_missing

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade() -> None:
    create_table_if_missing(
        "round_facts",
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("codes", sa.Text(), nullable=False),
        sa.Column("budget_yuan", sa.Float(), nullable=True),
        sa.Column("department", sa.String(length=512), nullable=True),
        sa.Column("errors", sa.Integer(), nullable=False),
        sa.Column("warnings", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("submission_id"),
    )
    create_table_if_missing(
        "cost_standards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=256), nullable=False),
        sa.Column("keywords", sa.JSON(), nullable=False),
        sa.Column("unit", sa.String(length=64), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("region", sa.String(length=128), nullable=True),
        sa.Column("year", sa.Integer(), nullable=True),
        sa.Column("basis", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=512), nullable=True),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.PrimaryKeyConstraint("id"),
        index=[("ix_cost_standards_item", ["item"], False)],
    )
    create_table_if_missing(
        "exante_assessments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("submission_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("conclusion", sa.String(length=16), nullable=True),
        sa.Column("adjusted_budget_yuan", sa.Float(), nullable=True),
        sa.Column("total_score", sa.Float(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("assessor", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.Column("updated_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["submission_id"], ["submissions.id"]),
        sa.PrimaryKeyConstraint("id"),
        index=[("ix_exante_assessments_submission_id", ["submission_id"], True)],
    )
    create_table_if_missing(
        "training_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Integer(), nullable=False),
        sa.Column("precision", sa.Float(), nullable=False),
        sa.Column("recall", sa.Float(), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.Column("incorrect", sa.Integer(), nullable=False),
        sa.Column("missed", sa.Integer(), nullable=False),
        sa.Column("total_findings", sa.Integer(), nullable=False),
        sa.Column("marks", sa.JSON(), nullable=False),
        sa.Column("missed_codes", sa.JSON(), nullable=False),
        sa.Column("created_at", TZ, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"]),
        sa.PrimaryKeyConstraint("id"),
        index=[
            ("ix_training_attempts_case_id", ["case_id"], False),
            ("ix_training_attempts_user_id", ["user_id"], False),
        ],
    )


def downgrade() -> None:
    op.drop_table("training_attempts")
    op.drop_table("exante_assessments")
    op.drop_table("cost_standards")
    op.drop_table("round_facts")
