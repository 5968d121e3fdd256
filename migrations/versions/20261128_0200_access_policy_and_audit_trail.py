"""Access policy and audit trail: authorisations, break-the-glass grants, an append-only audit table.

On PostgreSQL, triggers reject UPDATE, DELETE and TRUNCATE on ``audit_event`` (even for its owner,
unless a superuser disables them); see README, "Audit trail".

Revision ID: 1382e4cd6369
Revises: 059b1ce437f7
Create Date: 2026-11-28 01:35:00.499656
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "1382e4cd6369"
down_revision: str | None = "059b1ce437f7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$
"""


def _install_append_only_triggers() -> None:
    op.execute(APPEND_ONLY_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_event_no_update_delete BEFORE UPDATE OR DELETE ON audit_event"
        " FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()"
    )
    op.execute(
        "CREATE TRIGGER audit_event_no_truncate BEFORE TRUNCATE ON audit_event"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only()"
    )


def upgrade() -> None:
    op.create_table(
        "authorisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("organisation_id", sa.Integer(), nullable=True),
        sa.Column("role", sa.String(length=32), nullable=True),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("actions", sa.JSON(), nullable=False),
        sa.Column("max_confidentiality", sa.Integer(), nullable=False),
        sa.Column("granted_by_id", sa.Integer(), nullable=True),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "(user_id IS NOT NULL AND organisation_id IS NULL AND role IS NULL) OR (user_id IS NULL AND role IS NOT NULL)",
            name=op.f("ck_authorisation_user_or_org_role"),
        ),
        sa.ForeignKeyConstraint(
            ["case_type_id"], ["case_type.id"], name=op.f("fk_authorisation_case_type_id_case_type"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["granted_by_id"], ["user_account.id"], name=op.f("fk_authorisation_granted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_authorisation_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["revoked_by_id"], ["user_account.id"], name=op.f("fk_authorisation_revoked_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_authorisation_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_authorisation")),
    )
    with op.batch_alter_table("authorisation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_authorisation_case_type_id"), ["case_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_authorisation_granted_by_id"), ["granted_by_id"], unique=False)
        batch_op.create_index(
            "ix_authorisation_org_role_type", ["organisation_id", "role", "case_type_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_authorisation_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_authorisation_revoked_by_id"), ["revoked_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_authorisation_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_authorisation_user_type", ["user_id", "case_type_id"], unique=False)

    op.create_table(
        "break_glass_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("review_status", sa.String(length=32), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("review_note", sa.String(length=500), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_break_glass_access_case_id_case"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"], ["user_account.id"], name=op.f("fk_break_glass_access_reviewed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_break_glass_access_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_break_glass_access")),
    )
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_break_glass_access_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_break_glass_access_reviewed_by_id"), ["reviewed_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_break_glass_access_user_id"), ["user_id"], unique=False)
        batch_op.create_index("ix_break_glass_review", ["review_status", "started_at"], unique=False)
        batch_op.create_index("ix_break_glass_user_case_expiry", ["user_id", "case_id", "expires_at"], unique=False)

    if op.get_bind().dialect.name == "postgresql":
        _install_append_only_triggers()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_truncate ON audit_event")
        op.execute("DROP TRIGGER IF EXISTS audit_event_no_update_delete ON audit_event")
        op.execute("DROP FUNCTION IF EXISTS audit_event_append_only()")
    with op.batch_alter_table("break_glass_access", schema=None) as batch_op:
        batch_op.drop_index("ix_break_glass_user_case_expiry")
        batch_op.drop_index("ix_break_glass_review")
        batch_op.drop_index(batch_op.f("ix_break_glass_access_user_id"))
        batch_op.drop_index(batch_op.f("ix_break_glass_access_reviewed_by_id"))
        batch_op.drop_index(batch_op.f("ix_break_glass_access_case_id"))

    op.drop_table("break_glass_access")
    with op.batch_alter_table("authorisation", schema=None) as batch_op:
        batch_op.drop_index("ix_authorisation_user_type")
        batch_op.drop_index(batch_op.f("ix_authorisation_user_id"))
        batch_op.drop_index(batch_op.f("ix_authorisation_revoked_by_id"))
        batch_op.drop_index(batch_op.f("ix_authorisation_organisation_id"))
        batch_op.drop_index("ix_authorisation_org_role_type")
        batch_op.drop_index(batch_op.f("ix_authorisation_granted_by_id"))
        batch_op.drop_index(batch_op.f("ix_authorisation_case_type_id"))

    op.drop_table("authorisation")
