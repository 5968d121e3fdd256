"""Destruction lists (vernietigingslijsten) and their items: retention and destruction.

Revision ID: 7c3e91a4b2d8
Revises: 2701710b9987
Create Date: 2026-12-03 13:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7c3e91a4b2d8"
down_revision: str | None = "2701710b9987"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "destruction_list",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("drawn_up_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("supervisor_approved_by_id", sa.Integer(), nullable=True),
        sa.Column("supervisor_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("privacy_approved_by_id", sa.Integer(), nullable=True),
        sa.Column("privacy_approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supervisor_approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_destruction_list_supervisor_approved_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["privacy_approved_by_id"],
            ["user_account.id"],
            name=op.f("fk_destruction_list_privacy_approved_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_list")),
    )
    op.create_index(op.f("ix_destruction_list_status"), "destruction_list", ["status"])
    op.create_table(
        "destruction_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("list_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=40), nullable=False),
        sa.Column("type_code", sa.String(length=64), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("rule", sa.String(length=120), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("withheld_reason", sa.String(length=32), nullable=True),
        sa.Column("withheld_by_id", sa.Integer(), nullable=True),
        sa.Column("withheld_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("destroyed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("pending_blobs", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["list_id"],
            ["destruction_list.id"],
            name=op.f("fk_destruction_item_list_id_destruction_list"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"], ["destruction_item.id"], name=op.f("fk_destruction_item_parent_id_destruction_item")
        ),
        sa.ForeignKeyConstraint(
            ["withheld_by_id"], ["user_account.id"], name=op.f("fk_destruction_item_withheld_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_destruction_item")),
    )
    op.create_index(op.f("ix_destruction_item_list_id"), "destruction_item", ["list_id"])
    op.create_index(op.f("ix_destruction_item_parent_id"), "destruction_item", ["parent_id"])
    op.create_index("ix_destruction_item_object", "destruction_item", ["kind", "object_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_destruction_item_object", table_name="destruction_item")
    op.drop_index(op.f("ix_destruction_item_parent_id"), table_name="destruction_item")
    op.drop_index(op.f("ix_destruction_item_list_id"), table_name="destruction_item")
    op.drop_table("destruction_item")
    op.drop_index(op.f("ix_destruction_list_status"), table_name="destruction_list")
    op.drop_table("destruction_list")
