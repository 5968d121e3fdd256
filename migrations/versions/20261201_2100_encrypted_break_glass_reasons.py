"""Free text leaves the audit chain: encrypted break-the-glass reasons and review notes, and a
table for the reasons of events written before the chain was keyed.

The plain ``break_glass_access.reason`` becomes nullable (new grants no longer write it). Moving
existing plain text needs the keyring, which a migration does not have: ``casebook audit
move-free-text`` does it, and the next revision drops the plain columns only after that.

Revision ID: 211b5571a5b9
Revises: 7a3d2c91e4b0
Create Date: 2026-12-01 21:00:00
"""

import uuid
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "211b5571a5b9"
down_revision: str | None = "7a3d2c91e4b0"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_unkeyed_reason",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_unkeyed_reason")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_unkeyed_reason_seq")),
        sa.UniqueConstraint("uuid", name=op.f("uq_audit_unkeyed_reason_uuid")),
    )
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("reason_encrypted", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("review_note_encrypted", sa.LargeBinary(), nullable=True))
        batch_op.alter_column("reason", existing_type=sa.Text(), nullable=True)
    bind = op.get_bind()
    for (grant_id,) in bind.execute(sa.text("SELECT id FROM break_glass_access")).all():
        bind.execute(
            sa.text("UPDATE break_glass_access SET uuid = :uuid WHERE id = :id"),
            {"uuid": str(uuid.uuid4()), "id": grant_id},
        )
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.alter_column("uuid", existing_type=sa.String(length=36), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_break_glass_access_uuid"), ["uuid"])


def downgrade() -> None:
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_break_glass_access_uuid"), type_="unique")
        batch_op.drop_column("review_note_encrypted")
        batch_op.drop_column("reason_encrypted")
        batch_op.drop_column("uuid")
        batch_op.alter_column("reason", existing_type=sa.Text(), nullable=False)
    op.drop_table("audit_unkeyed_reason")
