"""Saved case-list filters (per user, the name encrypted, unique per user by its keyed digest).

The name-only blind index of family names (``person_search_index.index_name = 'family_name'``) and
the folding of Arabic and Berber particles need no schema change, but digests can only be computed
with the keyring, which a migration does not have: run ``casebook people reindex`` once after
upgrading, so persons stored before it are found by (part of) their family name.

Revision ID: be1f2a3b4c5d
Revises: ad0e1f2a3b4c
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "be1f2a3b4c5d"
down_revision: str | None = "ad0e1f2a3b4c"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "saved_case_filter",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.LargeBinary(), nullable=True),
        sa.Column("name_key", sa.String(length=32), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "name_key", name="uq_saved_case_filter_name"),
        sa.UniqueConstraint("uuid"),
    )
    op.create_index("ix_saved_case_filter_user_id", "saved_case_filter", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_saved_case_filter_user_id", table_name="saved_case_filter")
    op.drop_table("saved_case_filter")
