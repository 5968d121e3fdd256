"""Optimistic locking of a casusoverleg decision (``meeting_agenda_item.decision_version``).

Recording or amending a decision names the version it was made from; a stale one is refused (409)
instead of silently overwriting the decision another participant recorded. Existing decisions
start at version 1, items without one at 0.

Revision ID: 7a8b9c0d1e2f
Revises: 6f7a8b9c0d1e
Create Date: 2026-12-01 21:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7a8b9c0d1e2f"
down_revision: str | None = "6f7a8b9c0d1e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_agenda_item") as batch:
        batch.add_column(sa.Column("decision_version", sa.Integer(), server_default="0", nullable=False))
    op.execute("UPDATE meeting_agenda_item SET decision_version = 1 WHERE decided_at IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table("meeting_agenda_item") as batch:
        batch.drop_column("decision_version")
