"""The person register: one person per BSN, pending BSNs, and "mogelijk bekend" matches.

- ``person.bsn_pending``: the typed BSN is already the register's for a person the registering
  user may not see; it is indexed as ``bsn_pending`` instead of ``bsn``.
- ``person_match``: such registrations (and name + birth-date matches outside the user's scope),
  for the ZVH to resolve.
- A partial unique index keeps the register's BSN index unique. Duplicates written before (the
  signal flow could register a BSN twice) are kept: every person but the first of a BSN becomes
  pending, with a match to the first, so the ZVH sees them.

Revision ID: 7b1c2d3e4f50
Revises: 192c262d2952
Create Date: 2026-12-01 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7b1c2d3e4f50"
down_revision: str | None = "192c262d2952"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # a plain ADD COLUMN: a batch copy of ``person`` on SQLite would cascade-delete its index rows
    op.add_column("person", sa.Column("bsn_pending", sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        "person_match",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("matched_person_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("signal_id", sa.Integer(), nullable=True),
        sa.Column("case_type_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_person_match_case_id_case"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["case_type_id"], ["case_type.id"], name=op.f("fk_person_match_case_type_id_case_type")
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_person_match_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["matched_person_id"],
            ["person.id"],
            name=op.f("fk_person_match_matched_person_id_person"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["person.id"], name=op.f("fk_person_match_person_id_person"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"], ["user_account.id"], name=op.f("fk_person_match_resolved_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signal.id"], name=op.f("fk_person_match_signal_id_signal"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person_match")),
    )
    op.create_index(op.f("ix_person_match_case_id"), "person_match", ["case_id"], unique=False)
    op.create_index(op.f("ix_person_match_matched_person_id"), "person_match", ["matched_person_id"], unique=False)
    op.create_index("ix_person_match_open", "person_match", ["resolved_at", "created_at"], unique=False)
    op.create_index(op.f("ix_person_match_person_id"), "person_match", ["person_id"], unique=False)
    op.create_index(op.f("ix_person_match_signal_id"), "person_match", ["signal_id"], unique=False)

    # Earlier duplicates of a BSN: all but the first person become pending, matched to the first.
    duplicates = sa.text(
        "SELECT i.person_id, i.value, (SELECT MIN(f.person_id) FROM person_search_index f"
        " WHERE f.index_name = 'bsn' AND f.value = i.value) AS first_id"
        " FROM person_search_index i WHERE i.index_name = 'bsn'"
        " AND i.person_id > (SELECT MIN(f.person_id) FROM person_search_index f"
        " WHERE f.index_name = 'bsn' AND f.value = i.value)"
    )
    connection = op.get_bind()
    for person_id, value, first_id in connection.execute(duplicates).all():
        connection.execute(
            sa.text(
                "UPDATE person_search_index SET index_name = 'bsn_pending'"
                " WHERE person_id = :p AND index_name = 'bsn' AND value = :v"
            ),
            {"p": person_id, "v": value},
        )
        connection.execute(sa.text("UPDATE person SET bsn_pending = :t WHERE id = :p"), {"t": True, "p": person_id})
        connection.execute(
            sa.text(
                "INSERT INTO person_match (person_id, matched_person_id, kind, created_at)"
                " VALUES (:p, :m, 'bsn', CURRENT_TIMESTAMP)"
            ),
            {"p": person_id, "m": first_id},
        )
    op.create_index(
        "uq_person_search_index_bsn",
        "person_search_index",
        ["value"],
        unique=True,
        sqlite_where=sa.text("index_name = 'bsn'"),
        postgresql_where=sa.text("index_name = 'bsn'"),
    )


def downgrade() -> None:
    op.drop_index("uq_person_search_index_bsn", table_name="person_search_index")
    op.execute("UPDATE person_search_index SET index_name = 'bsn' WHERE index_name = 'bsn_pending'")
    op.drop_table("person_match")
    op.drop_column("person", "bsn_pending")  # native DROP COLUMN (SQLite >= 3.35): no table copy
