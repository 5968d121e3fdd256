"""Blind indexes of persons: the person_search_index table (HMAC digests of BSN and family name + birth date).

The digests need the keyring, so SQL cannot fill the table: persons that already exist are
indexed by ``casebook people reindex`` (the application maintains it from then on).

Revision ID: 059b1ce437f7
Revises: 1d83306adfd9
Create Date: 2026-11-28 01:35:15
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "059b1ce437f7"
down_revision: str | None = "1d83306adfd9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "person_search_index",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("index_name", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_search_index_person_id_person"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_search_index")),
        sa.UniqueConstraint(
            "person_id", "index_name", "value", name=op.f("uq_person_search_index_person_id_index_name_value")
        ),
    )
    with op.batch_alter_table("person_search_index", schema=None) as batch_op:
        batch_op.create_index("ix_person_search_index_lookup", ["index_name", "value"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("person_search_index", schema=None) as batch_op:
        batch_op.drop_index("ix_person_search_index_lookup")
    op.drop_table("person_search_index")
