"""Households carry a version (their member list is edited); interventions a status (planned, done,
cancelled), an optional plan goal and subject, and a version.

Revision ID: 2701710b9987
Revises: c7f56a0dbb6d
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2701710b9987"
down_revision: str | None = "c7f56a0dbb6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.add_column(sa.Column("status", sa.String(length=32), server_default="done", nullable=False))
        batch_op.add_column(sa.Column("goal_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("subject_person_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_index(batch_op.f("ix_intervention_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_subject_person_id"), ["subject_person_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_intervention_goal_id_plan_goal"), "plan_goal", ["goal_id"], ["id"], ondelete="SET NULL"
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_intervention_subject_person_id_person"),
            "person",
            ["subject_person_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_intervention_subject_person_id_person"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_intervention_goal_id_plan_goal"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_intervention_subject_person_id"))
        batch_op.drop_index(batch_op.f("ix_intervention_goal_id"))
        batch_op.drop_column("version")
        batch_op.drop_column("subject_person_id")
        batch_op.drop_column("goal_id")
        batch_op.drop_column("status")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_column("version")
