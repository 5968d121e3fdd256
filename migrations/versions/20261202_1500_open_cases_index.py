"""A partial index for the case list over open cases: ``(opened_at, id) WHERE closed_at IS NULL``.

The case list hides closed cases unless asked; in a city most cases are closed, so its pages and
its capped count read the open cases' index instead of scanning past the closed ones
(tests/scale/test_query_plans.py).

Revision ID: cf2a3b4c5d6e
Revises: be1f2a3b4c5d
Create Date: 2026-12-02 15:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "cf2a3b4c5d6e"
down_revision: str | None = "be1f2a3b4c5d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OPEN = sa.text("closed_at IS NULL")


def upgrade() -> None:
    op.create_index("ix_case_open_opened_at_id", "case", ["opened_at", "id"], postgresql_where=OPEN, sqlite_where=OPEN)


def downgrade() -> None:
    op.drop_index("ix_case_open_opened_at_id", table_name="case")
