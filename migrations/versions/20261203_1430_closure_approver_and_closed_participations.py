"""Closing and handoffs that move responsibility: whose supervisors decide a pending proposal
(case), which participations closing ended (case_participant), so that reopening takes them up
again, and what a transfer's acceptance decided about the casusregisseur and the open actions
(handoff).

Revision ID: cf49b5339e29
Revises: ce684dff68ba
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cf49b5339e29"
down_revision: str | None = "ce684dff68ba"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _add_reference(table: str, column: str, target: str) -> None:
    """A nullable column referring to ``target``, with its index and foreign key, without rebuilding
    ``table``: on SQLite a batch rebuild drops the old table, and with foreign keys on that deletes
    every row that cascades from it (a case's notes, plan, documents …). SQLite's own ``ADD COLUMN``
    takes the reference inline; PostgreSQL gets the named constraint."""
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f'ALTER TABLE "{table}" ADD COLUMN {column} INTEGER REFERENCES {target} (id)')
    else:
        op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
        op.create_foreign_key(op.f(f"fk_{table}_{column}_{target}"), table, target, [column], ["id"])
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)


def upgrade() -> None:
    _add_reference("case", "closure_approver_organisation_id", "organisation")
    op.add_column(
        "case_participant", sa.Column("closed_with_case", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    _add_reference("handoff", "new_case_manager_id", "user_account")
    op.add_column("handoff", sa.Column("sender_actions", sa.String(length=32), nullable=True))


def _drop_reference(table: str, column: str, target: str) -> None:
    op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)
    if op.get_bind().dialect.name == "sqlite":
        # the inline reference has no name; SQLite (3.35+) drops the column with it only through a rebuild
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column(column)
    else:
        op.drop_constraint(op.f(f"fk_{table}_{column}_{target}"), table, type_="foreignkey")
        op.drop_column(table, column)


def downgrade() -> None:
    op.drop_column("handoff", "sender_actions")
    _drop_reference("handoff", "new_case_manager_id", "user_account")
    op.drop_column("case_participant", "closed_with_case")
    _drop_reference("case", "closure_approver_organisation_id", "organisation")
