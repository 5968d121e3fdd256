"""Notifications: one table of in-app notices (handoff notices folded in), preferences, e-mail address.

``notification`` holds references only (kind, event, case and object ids) and a dedupe key unique
per recipient; the handoff notices of ``handoff_notification`` move into it as kind
``handoff_outcome`` and that table goes. ``notification_preference`` holds each user's channel per
kind; ``user_account.email`` the work address for digest e-mails.

Revision ID: ad0e1f2a3b4c
Revises: 9c0d1e2f3a4b
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "ad0e1f2a3b4c"
down_revision: str | None = "9c0d1e2f3a4b"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("object_type", sa.String(length=32), nullable=True),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=100), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("mailed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["user_account.id"],
            name=op.f("fk_notification_recipient_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_notification_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification")),
        sa.UniqueConstraint("recipient_id", "dedupe_key", name=op.f("uq_notification_recipient_id_dedupe_key")),
    )
    with op.batch_alter_table("notification") as batch:
        batch.create_index(batch.f("ix_notification_case_id"), ["case_id"], unique=False)
        batch.create_index("ix_notification_recipient_read", ["recipient_id", "read_at"], unique=False)
        batch.create_index("ix_notification_recipient_created", ["recipient_id", "created_at", "id"], unique=False)
        batch.create_index("ix_notification_mail_pending", ["mailed_at", "read_at"], unique=False)
    op.create_table(
        "notification_preference",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_notification_preference_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notification_preference")),
        sa.UniqueConstraint("user_id", "kind", name=op.f("uq_notification_preference_user_id_kind")),
    )
    with op.batch_alter_table("notification_preference") as batch:
        batch.create_index(batch.f("ix_notification_preference_user_id"), ["user_id"], unique=False)
    # the handoff notices, each a notification of kind handoff_outcome (the handoff is the reference
    # when there is one, else the request), then the old table goes
    op.execute(
        """
        INSERT INTO notification (recipient_id, kind, event, case_id, object_type, object_id, dedupe_key, created_at, read_at)
        SELECT n.recipient_id, 'handoff_outcome', n.event,
               COALESCE(h.case_id, r.case_id),
               CASE WHEN n.handoff_id IS NOT NULL THEN 'handoff' ELSE 'transfer_request' END,
               COALESCE(n.handoff_id, n.request_id),
               'legacy:' || CAST(n.id AS VARCHAR(20)),
               n.created_at, n.read_at
        FROM handoff_notification n
        LEFT JOIN handoff h ON h.id = n.handoff_id
        LEFT JOIN transfer_request r ON r.id = n.request_id
        """
    )
    op.drop_table("handoff_notification")


def downgrade() -> None:
    op.create_table(
        "handoff_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoff.id"], name=op.f("fk_handoff_notification_handoff_id_handoff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["user_account.id"],
            name=op.f("fk_handoff_notification_recipient_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["transfer_request.id"],
            name=op.f("fk_handoff_notification_request_id_transfer_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_notification")),
    )
    with op.batch_alter_table("handoff_notification") as batch:
        batch.create_index(batch.f("ix_handoff_notification_handoff_id"), ["handoff_id"], unique=False)
        batch.create_index("ix_handoff_notification_recipient_read", ["recipient_id", "read_at"], unique=False)
        batch.create_index(batch.f("ix_handoff_notification_request_id"), ["request_id"], unique=False)
    op.execute(
        """
        INSERT INTO handoff_notification (recipient_id, event, handoff_id, request_id, created_at, read_at)
        SELECT recipient_id, event,
               CASE WHEN object_type = 'handoff' THEN object_id END,
               CASE WHEN object_type = 'transfer_request' THEN object_id END,
               created_at, read_at
        FROM notification WHERE kind = 'handoff_outcome'
        """
    )
    op.drop_table("notification_preference")
    op.drop_table("notification")
    # not a batch (which on SQLite recreates the table, and dropping the old one would cascade into
    # every row that refers to a user); SQLite >= 3.35 and PostgreSQL drop a column in place
    op.execute("ALTER TABLE user_account DROP COLUMN email")
