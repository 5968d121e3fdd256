"""Requests of persons concerned (subject_request), rectification history, restriction of processing.

Revision ID: 343c34e1c265
Revises: cf49b5339e29 (the register and processing log, merged from privacy-log)
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "343c34e1c265"
down_revision: str | None = "cf49b5339e29"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case") as batch:
        batch.add_column(sa.Column("processing_restricted_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("person") as batch:
        batch.add_column(sa.Column("processing_restricted_at", sa.DateTime(timezone=True), nullable=True))
    op.create_table(
        "subject_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("given_bsn", sa.LargeBinary(), nullable=True),
        sa.Column("given_name", sa.LargeBinary(), nullable=True),
        sa.Column("given_birth_date", sa.LargeBinary(), nullable=True),
        sa.Column("description", sa.LargeBinary(), nullable=True),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("extended_due_on", sa.Date(), nullable=True),
        sa.Column("extension_reason", sa.LargeBinary(), nullable=True),
        sa.Column("extended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.LargeBinary(), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_subject_request_person_id_person"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["user_account.id"], name=op.f("fk_subject_request_registered_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_subject_request")),
        sa.UniqueConstraint("reference", name=op.f("uq_subject_request_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_subject_request_uuid")),
    )
    op.create_index("ix_subject_request_open_due", "subject_request", ["status", "due_on"])
    op.create_index(op.f("ix_subject_request_person_id"), "subject_request", ["person_id"])
    op.create_index(op.f("ix_subject_request_registered_by_id"), "subject_request", ["registered_by_id"])
    op.create_table(
        "person_rectification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.LargeBinary(), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["user_account.id"], name=op.f("fk_person_rectification_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_rectification_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_request.id"],
            name=op.f("fk_person_rectification_request_id_subject_request"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_rectification")),
        sa.UniqueConstraint("uuid", name=op.f("uq_person_rectification_uuid")),
    )
    op.create_index("ix_person_rectification_person_time", "person_rectification", ["person_id", "created_at"])
    op.create_index(op.f("ix_person_rectification_request_id"), "person_rectification", ["request_id"])
    op.create_index(op.f("ix_person_rectification_by_id"), "person_rectification", ["by_id"])
    op.create_table(
        "processing_restriction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by_id", sa.Integer(), nullable=True),
        sa.Column("lift_reason", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_processing_restriction_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_processing_restriction_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["subject_request.id"],
            name=op.f("fk_processing_restriction_request_id_subject_request"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"], ["user_account.id"], name=op.f("fk_processing_restriction_started_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["lifted_by_id"], ["user_account.id"], name=op.f("fk_processing_restriction_lifted_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_processing_restriction")),
        sa.UniqueConstraint("uuid", name=op.f("uq_processing_restriction_uuid")),
    )
    op.create_index(op.f("ix_processing_restriction_person_id"), "processing_restriction", ["person_id"])
    op.create_index(op.f("ix_processing_restriction_case_id"), "processing_restriction", ["case_id"])
    op.create_index(op.f("ix_processing_restriction_request_id"), "processing_restriction", ["request_id"])


def downgrade() -> None:
    op.drop_table("processing_restriction")
    op.drop_table("person_rectification")
    op.drop_table("subject_request")
    with op.batch_alter_table("person") as batch:
        batch.drop_column("processing_restricted_at")
    with op.batch_alter_table("case") as batch:
        batch.drop_column("processing_restricted_at")
