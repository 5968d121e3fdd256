"""Indexes for the case list's and the audit trail's orders (tests/scale/test_query_plans.py).

The case list pages newest first by ``(opened_at, id)``; the audit searches by user, case,
organisation and time by ``(occurred_at, id)``: each single- or two-column index they used is
replaced by one that ends in that order: the same number of indexes to write, each now serving
both the filter and the order.

Revision ID: 8b9c0d1e2f3a
Revises: 7a8b9c0d1e2f
Create Date: 2026-12-02 10:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "8b9c0d1e2f3a"
down_revision: str | None = "7a8b9c0d1e2f"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (table, name, columns before, columns after)
REPLACED = (
    ("case", ("ix_case_opened_at", ["opened_at"]), ("ix_case_opened_at_id", ["opened_at", "id"])),
    ("audit_event", ("ix_audit_event_occurred_at", ["occurred_at"]), ("ix_audit_event_time", ["occurred_at", "id"])),
    (
        "audit_event",
        ("ix_audit_event_actor_time", ["actor_user_id", "occurred_at"]),
        ("ix_audit_event_actor_time", ["actor_user_id", "occurred_at", "id"]),
    ),
    (
        "audit_event",
        ("ix_audit_event_case_time", ["case_id", "occurred_at"]),
        ("ix_audit_event_case_time", ["case_id", "occurred_at", "id"]),
    ),
    (
        "audit_event",
        ("ix_audit_event_org_time", ["actor_organisation", "occurred_at"]),
        ("ix_audit_event_org_time", ["actor_organisation", "occurred_at", "id"]),
    ),
)


def upgrade() -> None:
    for table, (old, _old_columns), (new, columns) in REPLACED:
        op.drop_index(old, table_name=table)
        op.create_index(new, table, columns)


def downgrade() -> None:
    for table, (old, old_columns), (new, _columns) in REPLACED:
        op.drop_index(new, table_name=table)
        op.create_index(old, table, old_columns)
