"""The UI language a user chose (nl, en), remembered across sessions; NULL means the default.

Revision ID: 1c5bb79b2d6d
Revises: 1382e4cd6369
Create Date: 2026-11-28 01:34:44
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1c5bb79b2d6d"
down_revision: str | None = "1382e4cd6369"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locale", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("locale")
