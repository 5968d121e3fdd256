"""Encrypt person data with per-person data keys: the data_key table; person fields become ciphertext.

Existing plain rows cannot be converted by SQL (encryption needs the keyring), so the upgrade
refuses to run over a database that already holds persons; no release had plain persons.

Revision ID: cd519d65cff8
Revises: 5ee3bc75c1db
Create Date: 2026-11-28 01:31:06
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cd519d65cff8"
down_revision: str | None = "5ee3bc75c1db"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PERSON_FIELDS = ("family_name", "given_names", "birth_date", "bsn", "address", "phone")


def _refuse_if_persons(direction: str) -> None:
    count = op.get_bind().execute(sa.text("SELECT COUNT(*) FROM person")).scalar()
    if count:
        raise RuntimeError(f"cannot {direction}: the person table holds {count} rows; start from an empty database")


def upgrade() -> None:
    _refuse_if_persons("encrypt person data in SQL")
    op.create_table(
        "data_key",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_type", sa.String(length=20), nullable=False),
        sa.Column("owner_ref", sa.String(length=36), nullable=False),
        sa.Column("kek_id", sa.String(length=64), nullable=False),
        sa.Column("wrapped", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("rewrapped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("shredded_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_data_key")),
        sa.UniqueConstraint("owner_type", "owner_ref", name=op.f("uq_data_key_owner_type_owner_ref")),
    )
    with op.batch_alter_table("data_key", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_data_key_kek_id"), ["kek_id"], unique=False)
    with op.batch_alter_table("person", schema=None) as batch_op:
        for name in PERSON_FIELDS:
            batch_op.drop_column(name)
    with op.batch_alter_table("person", schema=None) as batch_op:
        for name in PERSON_FIELDS:
            batch_op.add_column(sa.Column(name, sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    _refuse_if_persons("drop encrypted person data")
    with op.batch_alter_table("person", schema=None) as batch_op:
        for name in PERSON_FIELDS:
            batch_op.drop_column(name)
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.add_column(sa.Column("family_name", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("given_names", sa.String(length=200), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("bsn", sa.String(length=9), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("phone", sa.String(length=40), nullable=True))
    with op.batch_alter_table("person", schema=None) as batch_op:
        batch_op.alter_column("family_name", server_default=None)
        batch_op.alter_column("given_names", server_default=None)
    with op.batch_alter_table("data_key", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_data_key_kek_id"))
    op.drop_table("data_key")
