"""The weegtafel's work on a signal: assignment, optimistic locking, a pausable working-day clock,
and information requests to partner organisations (question and answer encrypted).

Revision ID: 40fca2dacd9a
Revises: 7c3e91a4b2d8
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "40fca2dacd9a"
down_revision: str | None = "7c3e91a4b2d8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("assigned_to_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("clock_origin_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("clock_paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("clock_paused_age", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
        batch_op.create_index(batch_op.f("ix_signal_assigned_to_id"), ["assigned_to_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_signal_assigned_to_id_user_account"), "user_account", ["assigned_to_id"], ["id"]
        )
    op.create_table(
        "signal_information_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("asked_by_id", sa.Integer(), nullable=False),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("question", sa.LargeBinary(), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Integer(), nullable=True),
        sa.Column("answer", sa.LargeBinary(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["signal_id"],
            ["signal.id"],
            name=op.f("fk_signal_information_request_signal_id_signal"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_signal_information_request_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["user_account.id"], name=op.f("fk_signal_information_request_asked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["user_account.id"],
            name=op.f("fk_signal_information_request_answered_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_information_request")),
        sa.UniqueConstraint("uuid", name=op.f("uq_signal_information_request_uuid")),
    )
    with op.batch_alter_table("signal_information_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_information_request_signal_id"), ["signal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_information_request_asked_by_id"), ["asked_by_id"], unique=False)
        batch_op.create_index("ix_signal_information_request_inbox", ["organisation_id", "answered_at"], unique=False)


def downgrade() -> None:
    op.drop_table("signal_information_request")
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_signal_assigned_to_id_user_account"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_signal_assigned_to_id"))
        batch_op.drop_column("version")
        batch_op.drop_column("clock_paused_age")
        batch_op.drop_column("clock_paused_at")
        batch_op.drop_column("clock_origin_on")
        batch_op.drop_column("assigned_to_id")
