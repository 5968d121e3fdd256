"""Casusoverleg prepared and recorded: time, location, chair, minute-taker, invited persons and attendance.

Revision ID: c7f56a0dbb6d
Revises: 7f3c9a2d5e10
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "c7f56a0dbb6d"
down_revision: str | None = "7f3c9a2d5e10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_PEOPLE = ("chair_id", "minute_taker_id")


def upgrade() -> None:
    with op.batch_alter_table("meeting") as batch:
        batch.add_column(sa.Column("starts_at", sa.Time(), nullable=True))
        batch.add_column(sa.Column("ends_at", sa.Time(), nullable=True))
        batch.add_column(sa.Column("location", sa.String(length=200), nullable=True))
        for column in _PEOPLE:
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_index(batch.f(f"ix_meeting_{column}"), [column])
            batch.create_foreign_key(batch.f(f"fk_meeting_{column}_user_account"), "user_account", [column], ["id"])
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("attendance_recorded_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("meeting_invitation") as batch:
        batch.add_column(sa.Column("present", sa.Boolean(), nullable=True))
    op.create_table(
        "meeting_attendee",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Boolean(), nullable=False),
        sa.Column("present", sa.Boolean(), nullable=True),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_attendee_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_meeting_attendee_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_attendee")),
        sa.UniqueConstraint("meeting_id", "user_id", name=op.f("uq_meeting_attendee_meeting_id_user_id")),
    )
    op.create_index(op.f("ix_meeting_attendee_meeting_id"), "meeting_attendee", ["meeting_id"])
    op.create_index(op.f("ix_meeting_attendee_user_id"), "meeting_attendee", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_meeting_attendee_user_id"), table_name="meeting_attendee")
    op.drop_index(op.f("ix_meeting_attendee_meeting_id"), table_name="meeting_attendee")
    op.drop_table("meeting_attendee")
    with op.batch_alter_table("meeting_invitation") as batch:
        batch.drop_column("present")
    with op.batch_alter_table("meeting") as batch:
        for column in ("version", "attendance_recorded_at", "updated_at"):
            batch.drop_column(column)
        for column in _PEOPLE:
            batch.drop_constraint(batch.f(f"fk_meeting_{column}_user_account"), type_="foreignkey")
            batch.drop_index(batch.f(f"ix_meeting_{column}"))
            batch.drop_column(column)
        for column in ("location", "ends_at", "starts_at"):
            batch.drop_column(column)
