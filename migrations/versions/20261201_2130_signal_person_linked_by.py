"""Who linked a person to a signal (``signal_person.linked_by_id``).

A signal shows a linked person to its viewer only when they may see the person, linked them
themselves, or weigh the signal; links made before this revision have no linker recorded.

Revision ID: 5e6f7a8b9c0d
Revises: 7b1c2d3e4f50
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e6f7a8b9c0d"
down_revision: str | None = "7b1c2d3e4f50"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("signal_person") as batch:
        batch.add_column(sa.Column("linked_by_id", sa.Integer(), nullable=True))
        batch.create_index(batch.f("ix_signal_person_linked_by_id"), ["linked_by_id"])
        batch.create_foreign_key(
            batch.f("fk_signal_person_linked_by_id_user_account"), "user_account", ["linked_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("signal_person") as batch:
        batch.drop_constraint(batch.f("fk_signal_person_linked_by_id_user_account"), type_="foreignkey")
        batch.drop_index(batch.f("ix_signal_person_linked_by_id"))
        batch.drop_column("linked_by_id")
