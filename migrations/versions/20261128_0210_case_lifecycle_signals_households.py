"""Case lifecycle, signals and households: status/closure/field histories, closing results,
closing and evaluation fields on cases, who added/ended participations, signals with their
persons, and the household's procesregisseur.

Existing cases get no back-filled status history (their timeline starts at this revision).

Revision ID: 2f20ec4569aa
Revises: 1c5bb79b2d6d
Create Date: 2026-11-28 01:39:21
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "2f20ec4569aa"
down_revision: str | None = "1c5bb79b2d6d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "case_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_type_id"], ["case_type.id"], name=op.f("fk_case_result_case_type_id_case_type"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_result")),
        sa.UniqueConstraint("case_type_id", "code", name=op.f("uq_case_result_case_type_id_code")),
    )
    with op.batch_alter_table("case_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_result_case_type_id"), ["case_type_id"], unique=False)

    op.create_table(
        "household_coordination",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=False),
        sa.Column("process_coordinator_id", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["household_id"],
            ["household.id"],
            name=op.f("fk_household_coordination_household_id_household"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["process_coordinator_id"],
            ["user_account.id"],
            name=op.f("fk_household_coordination_process_coordinator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_id"], ["user_account.id"], name=op.f("fk_household_coordination_set_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_household_coordination")),
        sa.UniqueConstraint("household_id", name=op.f("uq_household_coordination_household_id")),
    )
    with op.batch_alter_table("household_coordination", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_household_coordination_process_coordinator_id"), ["process_coordinator_id"], unique=False
        )

    op.create_table(
        "case_closure_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("result_id", sa.Integer(), nullable=True),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(["by_id"], ["user_account.id"], name=op.f("fk_case_closure_step_by_id_user_account")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_closure_step_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["result_id"], ["case_result.id"], name=op.f("fk_case_closure_step_result_id_case_result")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_closure_step")),
        sa.UniqueConstraint("uuid", name=op.f("uq_case_closure_step_uuid")),
    )
    with op.batch_alter_table("case_closure_step", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_closure_step_by_id"), ["by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_closure_step_case_id"), ["case_id"], unique=False)

    op.create_table(
        "case_field_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("old_value", sa.String(length=200), nullable=True),
        sa.Column("new_value", sa.String(length=200), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_field_change_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"], name=op.f("fk_case_field_change_changed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_field_change")),
    )
    with op.batch_alter_table("case_field_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_field_change_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_field_change_changed_by_id"), ["changed_by_id"], unique=False)

    op.create_table(
        "case_status_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_status_id", sa.Integer(), nullable=True),
        sa.Column("to_status_id", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("reopened", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_case_status_change_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"], name=op.f("fk_case_status_change_changed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["from_status_id"], ["status_type.id"], name=op.f("fk_case_status_change_from_status_id_status_type")
        ),
        sa.ForeignKeyConstraint(
            ["to_status_id"], ["status_type.id"], name=op.f("fk_case_status_change_to_status_id_status_type")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_status_change")),
        sa.UniqueConstraint("uuid", name=op.f("uq_case_status_change_uuid")),
    )
    with op.batch_alter_table("case_status_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_status_change_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_status_change_changed_by_id"), ["changed_by_id"], unique=False)

    op.create_table(
        "signal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("source_organisation_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("description", sa.LargeBinary(), nullable=True),
        sa.Column("subject_informed", sa.Boolean(), nullable=False),
        sa.Column("not_informed_reason", sa.LargeBinary(), nullable=True),
        sa.Column("registered_by_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("triaged_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("triaged_by_id", sa.Integer(), nullable=True),
        sa.Column("criterion_a", sa.Boolean(), nullable=True),
        sa.Column("criterion_b", sa.Boolean(), nullable=True),
        sa.Column("criterion_c", sa.Boolean(), nullable=True),
        sa.Column("criterion_d", sa.Boolean(), nullable=True),
        sa.Column("decision", sa.String(length=32), nullable=True),
        sa.Column("decision_reason", sa.LargeBinary(), nullable=True),
        sa.Column("referred_to_id", sa.Integer(), nullable=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_signal_case_id_case")),
        sa.ForeignKeyConstraint(["case_type_id"], ["case_type.id"], name=op.f("fk_signal_case_type_id_case_type")),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"], name=op.f("fk_signal_district_id_district")),
        sa.ForeignKeyConstraint(
            ["referred_to_id"], ["organisation.id"], name=op.f("fk_signal_referred_to_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["registered_by_id"], ["user_account.id"], name=op.f("fk_signal_registered_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["source_organisation_id"], ["organisation.id"], name=op.f("fk_signal_source_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["triaged_by_id"], ["user_account.id"], name=op.f("fk_signal_triaged_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal")),
        sa.UniqueConstraint("uuid", name=op.f("uq_signal_uuid")),
    )
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_case_type_id"), ["case_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_district_id"), ["district_id"], unique=False)
        batch_op.create_index("ix_signal_queue", ["triaged_at", "received_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_registered_by_id"), ["registered_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_source_organisation_id"), ["source_organisation_id"], unique=False)

    op.create_table(
        "signal_person",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("signal_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"], name=op.f("fk_signal_person_person_id_person")),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signal.id"], name=op.f("fk_signal_person_signal_id_signal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signal_person")),
        sa.UniqueConstraint("signal_id", "person_id", name=op.f("uq_signal_person_signal_id_person_id")),
    )
    with op.batch_alter_table("signal_person", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signal_person_person_id"), ["person_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_signal_person_signal_id"), ["signal_id"], unique=False)

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("next_evaluation_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("closure_proposed_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("result_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("closing_summary", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("archive_action_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_case_archive_action_on"), ["archive_action_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_closure_proposed_at"), ["closure_proposed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_next_evaluation_on"), ["next_evaluation_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_result_id"), ["result_id"], unique=False)
        batch_op.create_foreign_key(batch_op.f("fk_case_result_id_case_result"), "case_result", ["result_id"], ["id"])

    with op.batch_alter_table("case_participant", schema=None) as batch_op:
        batch_op.add_column(sa.Column("added_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ended_by_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_case_participant_ended_by_id_user_account"), "user_account", ["ended_by_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_case_participant_added_by_id_user_account"), "user_account", ["added_by_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("case_participant", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_case_participant_added_by_id_user_account"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_case_participant_ended_by_id_user_account"), type_="foreignkey")
        batch_op.drop_column("ended_by_id")
        batch_op.drop_column("added_by_id")

    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_case_result_id_case_result"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_case_result_id"))
        batch_op.drop_index(batch_op.f("ix_case_next_evaluation_on"))
        batch_op.drop_index(batch_op.f("ix_case_closure_proposed_at"))
        batch_op.drop_index(batch_op.f("ix_case_archive_action_on"))
        batch_op.drop_column("archive_action_on")
        batch_op.drop_column("closing_summary")
        batch_op.drop_column("result_id")
        batch_op.drop_column("closure_proposed_at")
        batch_op.drop_column("next_evaluation_on")

    with op.batch_alter_table("signal_person", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_person_signal_id"))
        batch_op.drop_index(batch_op.f("ix_signal_person_person_id"))

    op.drop_table("signal_person")
    with op.batch_alter_table("signal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_signal_source_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_signal_registered_by_id"))
        batch_op.drop_index("ix_signal_queue")
        batch_op.drop_index(batch_op.f("ix_signal_district_id"))
        batch_op.drop_index(batch_op.f("ix_signal_case_type_id"))
        batch_op.drop_index(batch_op.f("ix_signal_case_id"))

    op.drop_table("signal")
    with op.batch_alter_table("case_status_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_status_change_changed_by_id"))
        batch_op.drop_index(batch_op.f("ix_case_status_change_case_id"))

    op.drop_table("case_status_change")
    with op.batch_alter_table("case_field_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_field_change_changed_by_id"))
        batch_op.drop_index(batch_op.f("ix_case_field_change_case_id"))

    op.drop_table("case_field_change")
    with op.batch_alter_table("case_closure_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_closure_step_case_id"))
        batch_op.drop_index(batch_op.f("ix_case_closure_step_by_id"))

    op.drop_table("case_closure_step")
    with op.batch_alter_table("household_coordination", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_household_coordination_process_coordinator_id"))

    op.drop_table("household_coordination")
    with op.batch_alter_table("case_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_result_case_type_id"))

    op.drop_table("case_result")
    # ### end Alembic commands ###
