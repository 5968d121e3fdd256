"""Initial schema: organisations, districts, users, persons, households, cases, audit events.

Revision ID: 5ee3bc75c1db
Revises:
Create Date: 2026-11-28 01:24:54.496976
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5ee3bc75c1db"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_user_id", sa.Integer(), nullable=True),
        sa.Column("actor_username", sa.String(length=80), nullable=True),
        sa.Column("actor_organisation", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("object_type", sa.String(length=40), nullable=True),
        sa.Column("object_id", sa.String(length=64), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("client_ip", sa.String(length=64), nullable=True),
        sa.Column("user_agent", sa.String(length=300), nullable=True),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_event")),
        sa.UniqueConstraint("seq", name=op.f("uq_audit_event_seq")),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_action"), ["action"], unique=False)
        batch_op.create_index("ix_audit_event_actor_time", ["actor_user_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_audit_event_case_time", ["case_id", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_occurred_at"), ["occurred_at"], unique=False)
        batch_op.create_index("ix_audit_event_org_time", ["actor_organisation", "occurred_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_request_id"), ["request_id"], unique=False)

    op.create_table(
        "case_reference_counter",
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("year", name=op.f("pk_case_reference_counter")),
    )
    op.create_table(
        "case_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("default_confidentiality", sa.Integer(), nullable=False),
        sa.Column("retention_period", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_type")),
        sa.UniqueConstraint("code", name=op.f("uq_case_type_code")),
    )
    op.create_table(
        "district",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_district")),
        sa.UniqueConstraint("code", name=op.f("uq_district_code")),
    )
    op.create_table(
        "organisation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("slug", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation")),
        sa.UniqueConstraint("slug", name=op.f("uq_organisation_slug")),
    )
    op.create_table(
        "person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("family_name", sa.String(length=200), nullable=False),
        sa.Column("given_names", sa.String(length=200), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("bsn", sa.String(length=9), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_person")),
        sa.UniqueConstraint("uuid", name=op.f("uq_person_uuid")),
    )
    op.create_table(
        "household",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_household_district_id_district")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household")),
        sa.UniqueConstraint("reference", name=op.f("uq_household_reference")),
    )
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_district_id"), ["district_id"], unique=False)

    op.create_table(
        "status_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("is_end", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_type_id"], ["case_type.id"], name=op.f("fk_status_type_case_type_id_case_type"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_type")),
        sa.UniqueConstraint("case_type_id", "code", name=op.f("uq_status_type_case_type_id_code")),
        sa.UniqueConstraint("case_type_id", "position", name=op.f("uq_status_type_case_type_id_position")),
    )
    with op.batch_alter_table("status_type", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_type_case_type_id"), ["case_type_id"], unique=False)

    op.create_table(
        "user_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=80), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_user_account_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_account")),
        sa.UniqueConstraint("username", name=op.f("uq_user_account_username")),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "case",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("reference", sa.String(length=20), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("status_id", sa.Integer(), nullable=False),
        sa.Column("confidentiality", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=False),
        sa.Column("referring_organisation_id", sa.Integer(), nullable=True),
        sa.Column("process_coordinator_id", sa.Integer(), nullable=True),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["case_type_id"], ["case_type.id"], name=op.f("fk_case_case_type_id_case_type")),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_case_district_id_district")),
        sa.ForeignKeyConstraint(["household_id"], ["household.id"], name=op.f("fk_case_household_id_household")),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"], ["organisation.id"], name=op.f("fk_case_lead_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["process_coordinator_id"], ["user_account.id"], name=op.f("fk_case_process_coordinator_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["referring_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_case_referring_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["status_id"], ["status_type.id"], name=op.f("fk_case_status_id_status_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case")),
        sa.UniqueConstraint("reference", name=op.f("uq_case_reference")),
        sa.UniqueConstraint("uuid", name=op.f("uq_case_uuid")),
    )
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_case_type_id"), ["case_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_district_id"), ["district_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_lead_organisation_id"), ["lead_organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_opened_at"), ["opened_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_process_coordinator_id"), ["process_coordinator_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_case_referring_organisation_id"), ["referring_organisation_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_case_status_id"), ["status_id"], unique=False)
        batch_op.create_index("ix_case_type_status", ["case_type_id", "status_id"], unique=False)

    op.create_table(
        "household_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_member_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_household_member_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_member")),
        sa.UniqueConstraint("household_id", "person_id", name=op.f("uq_household_member_household_id_person_id")),
    )
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_household_member_household_id"), ["household_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_household_member_person_id"), ["person_id"], unique=False)

    op.create_table(
        "user_role",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_user_role_user_id_user_account"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_role")),
        sa.UniqueConstraint("user_id", "role", name=op.f("uq_user_role_user_id_role")),
    )
    with op.batch_alter_table("user_role", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_role_user_id"), ["user_id"], unique=False)

    op.create_table(
        "case_participant",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("involvement", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_participant_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_case_participant_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_case_participant_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_participant")),
    )
    with op.batch_alter_table("case_participant", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_participant_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_case_participant_scope", ["organisation_id", "ended_at", "case_id"], unique=False)
        batch_op.create_index("ix_case_participant_user_scope", ["user_id", "ended_at", "case_id"], unique=False)

    op.create_table(
        "case_subject",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_subject_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_case_subject_person_id_person")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_subject")),
        sa.UniqueConstraint("case_id", "person_id", name=op.f("uq_case_subject_case_id_person_id")),
    )
    with op.batch_alter_table("case_subject", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_subject_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_subject_person_id"), ["person_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("case_subject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_subject_person_id"))
        batch_op.drop_index(batch_op.f("ix_case_subject_case_id"))

    op.drop_table("case_subject")
    with op.batch_alter_table("case_participant", schema=None) as batch_op:
        batch_op.drop_index("ix_case_participant_user_scope")
        batch_op.drop_index("ix_case_participant_scope")
        batch_op.drop_index(batch_op.f("ix_case_participant_case_id"))

    op.drop_table("case_participant")
    with op.batch_alter_table("user_role", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_role_user_id"))

    op.drop_table("user_role")
    with op.batch_alter_table("household_member", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_member_person_id"))
        batch_op.drop_index(batch_op.f("ix_household_member_household_id"))

    op.drop_table("household_member")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_index("ix_case_type_status")
        batch_op.drop_index(batch_op.f("ix_case_status_id"))
        batch_op.drop_index(batch_op.f("ix_case_referring_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_case_process_coordinator_id"))
        batch_op.drop_index(batch_op.f("ix_case_opened_at"))
        batch_op.drop_index(batch_op.f("ix_case_lead_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_case_household_id"))
        batch_op.drop_index(batch_op.f("ix_case_district_id"))
        batch_op.drop_index(batch_op.f("ix_case_case_type_id"))

    op.drop_table("case")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_organisation_id"))

    op.drop_table("user_account")
    with op.batch_alter_table("status_type", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_type_case_type_id"))

    op.drop_table("status_type")
    with op.batch_alter_table("household", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_district_id"))

    op.drop_table("household")
    op.drop_table("person")
    op.drop_table("organisation")
    op.drop_table("district")
    op.drop_table("case_type")
    op.drop_table("case_reference_counter")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_request_id"))
        batch_op.drop_index("ix_audit_event_org_time")
        batch_op.drop_index(batch_op.f("ix_audit_event_occurred_at"))
        batch_op.drop_index("ix_audit_event_case_time")
        batch_op.drop_index("ix_audit_event_actor_time")
        batch_op.drop_index(batch_op.f("ix_audit_event_action"))

    op.drop_table("audit_event")
