"""Closing and handoffs that move responsibility: whose supervisors decide a pending proposal
(case), which participations closing ended (case_participant), so that reopening takes them up
again, and what a transfer's acceptance decided about the casusregisseur and the open actions
(handoff).

Revision ID: cf49b5339e29
Revises: ce684dff68ba (the steerable plan; it follows e1a2b3c4d5f6)
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cf49b5339e29"
down_revision: str | None = "ce684dff68ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closure_approver_organisation_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_case_closure_approver_organisation_id"), ["closure_approver_organisation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_case_closure_approver_organisation_id_organisation"),
            "organisation",
            ["closure_approver_organisation_id"],
            ["id"],
        )
    with op.batch_alter_table("case_participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_with_case", sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_case_manager_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("sender_actions", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_handoff_new_case_manager_id"), ["new_case_manager_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_handoff_new_case_manager_id_user_account"), "user_account", ["new_case_manager_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_handoff_new_case_manager_id_user_account"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_handoff_new_case_manager_id"))
        batch_op.drop_column("sender_actions")
        batch_op.drop_column("new_case_manager_id")
    with op.batch_alter_table("case_participant", schema=None) as batch_op:
        batch_op.drop_column("closed_with_case")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_case_closure_approver_organisation_id_organisation"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_case_closure_approver_organisation_id"))
        batch_op.drop_column("closure_approver_organisation_id")
