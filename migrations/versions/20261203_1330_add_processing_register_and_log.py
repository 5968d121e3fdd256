"""The register of processing activities (processing_activity, seeded with the PGA's activities)
and the processing log (processing_log, after Logboek Dataverwerkingen).

Revision ID: ce684dff68ba
Revises: e1a2b3c4d5f6
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "ce684dff68ba"
down_revision: str | None = "e1a2b3c4d5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEEDED_AT = datetime(2026, 12, 3, tzinfo=UTC)


def upgrade() -> None:
    activity = op.create_table(
        "processing_activity",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("controller", sa.String(length=200), nullable=False),
        sa.Column("purpose", sa.Text(), nullable=False),
        sa.Column("legal_basis", sa.Text(), nullable=False),
        sa.Column("categories_of_persons", sa.Text(), nullable=False),
        sa.Column("categories_of_data", sa.Text(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("retention", sa.Text(), nullable=False),
        sa.Column("log_retention_days", sa.Integer(), nullable=False),
        sa.Column("security_measures", sa.Text(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("valid_to", sa.DateTime(timezone=True), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", "version", name=op.f("pk_processing_activity")),
    )
    op.create_index("ix_processing_activity_current", "processing_activity", ["id", "valid_to"])
    # Version 1 of the PGA's register. ``SEED`` is frozen: the register changes by new versions
    # (the privacy officer's page), never by editing the seed, so this keeps inserting what it did.
    from casebook.privacy.register import seed_rows

    op.bulk_insert(activity, seed_rows(SEEDED_AT))

    op.create_table(
        "processing_log",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("trace_id", sa.String(length=32), nullable=False),
        sa.Column("span_id", sa.String(length=16), nullable=False),
        sa.Column("parent_span_id", sa.String(length=16), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("processing_activity_id", sa.String(length=64), nullable=False),
        sa.Column("data_subject_id", sa.String(length=64), nullable=False),
        sa.Column("data_subject_type", sa.String(length=32), nullable=False),
        sa.Column("foreign_operation", sa.String(length=128), nullable=True),
        sa.Column("foreign_span_id", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_log")),
    )
    op.create_index("ix_processing_log_trace_id", "processing_log", ["trace_id"])
    op.create_index("ix_processing_log_subject", "processing_log", ["data_subject_id", "started_at"])
    op.create_index("ix_processing_log_activity_end", "processing_log", ["processing_activity_id", "ended_at"])


def downgrade() -> None:
    op.drop_index("ix_processing_log_activity_end", table_name="processing_log")
    op.drop_index("ix_processing_log_subject", table_name="processing_log")
    op.drop_index("ix_processing_log_trace_id", table_name="processing_log")
    op.drop_table("processing_log")
    op.drop_index("ix_processing_activity_current", table_name="processing_activity")
    op.drop_table("processing_activity")
