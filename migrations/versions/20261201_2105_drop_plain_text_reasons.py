"""Drop the plain-text reasons: ``audit_event.reason``, ``break_glass_access.reason`` and
``review_note``.

Refuses (and leaves the database at the previous revision) while plain text has not yet been
moved to encrypted storage by ``casebook audit move-free-text``: dropping it first would lose
break-the-glass reasons, and the reasons the unkeyed part of the chain was hashed with. Plain
reasons of grants whose case no longer exists cannot be encrypted (no case key) and are dropped.

Revision ID: 192c262d2952
Revises: 211b5571a5b9
Create Date: 2026-12-01 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "192c262d2952"
down_revision: str | None = "211b5571a5b9"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

NOT_MOVED_EVENTS = (
    "SELECT COUNT(*) FROM audit_event WHERE reason IS NOT NULL AND seq NOT IN (SELECT seq FROM audit_unkeyed_reason)"
)
NOT_MOVED_GRANTS = (
    "SELECT COUNT(*) FROM break_glass_access WHERE case_id IS NOT NULL"
    " AND ((reason IS NOT NULL AND reason_encrypted IS NULL)"
    " OR (review_note IS NOT NULL AND review_note_encrypted IS NULL))"
)


def upgrade() -> None:
    bind = op.get_bind()
    events = bind.execute(sa.text(NOT_MOVED_EVENTS)).scalar()
    grants = bind.execute(sa.text(NOT_MOVED_GRANTS)).scalar()
    if events or grants:
        raise RuntimeError(
            f"{events} audit event reason(s) and {grants} break-the-glass reason(s) are still plain text: "
            "run `casebook audit move-free-text`, then `casebook db upgrade` again"
        )
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.drop_column("review_note")
        batch_op.drop_column("reason")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("reason")


def downgrade() -> None:
    # The plain text is not restored: it lives encrypted, and must not return to plain columns.
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("review_note", sa.String(length=500), nullable=True))
