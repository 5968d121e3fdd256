"""A plan you can steer: goals with a target date, status and owner; the history of goal and action
edits, moves, reassignments and withdrawals (old text and reasons encrypted); version columns;
evaluations as records (participants, progress per goal, decision, the next date).

Revision ID: d0041862951d
Revises: e1a2b3c4d5f6
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d0041862951d"
down_revision: str | None = "e1a2b3c4d5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("plan_goal", schema=None) as batch_op:
        batch_op.add_column(sa.Column("target_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("status", sa.String(length=32), server_default="open", nullable=False))
        batch_op.add_column(sa.Column("owner_organisation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_foreign_key(
            batch_op.f("fk_plan_goal_owner_organisation_id_organisation"),
            "organisation",
            ["owner_organisation_id"],
            ["id"],
        )
        batch_op.create_index(batch_op.f("ix_plan_goal_owner_organisation_id"), ["owner_organisation_id"], unique=False)

    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))

    with op.batch_alter_table("plan_action_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uuid", sa.String(length=36), nullable=True))
        batch_op.add_column(sa.Column("kind", sa.String(length=32), server_default="status", nullable=False))
        batch_op.add_column(sa.Column("old_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("new_due_on", sa.Date(), nullable=True))
        for column in ("from_goal_id", "to_goal_id"):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_plan_action_change_{column}_plan_goal"),
                "plan_goal",
                [column],
                ["id"],
                ondelete="SET NULL",
            )
            batch_op.create_index(batch_op.f(f"ix_plan_action_change_{column}"), [column], unique=False)
        for column in ("from_owner_organisation_id", "to_owner_organisation_id"):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_plan_action_change_{column}_organisation"), "organisation", [column], ["id"]
            )
            batch_op.create_index(batch_op.f(f"ix_plan_action_change_{column}"), [column], unique=False)
        for column in ("from_owner_user_id", "to_owner_user_id"):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch_op.create_foreign_key(
                batch_op.f(f"fk_plan_action_change_{column}_user_account"), "user_account", [column], ["id"]
            )
            batch_op.create_index(batch_op.f(f"ix_plan_action_change_{column}"), [column], unique=False)
        batch_op.add_column(sa.Column("old_description", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.LargeBinary(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_plan_action_change_uuid"), ["uuid"])

    op.create_table(
        "plan_goal_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("fields", sa.String(length=120), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=False),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("old_target_on", sa.Date(), nullable=True),
        sa.Column("new_target_on", sa.Date(), nullable=True),
        sa.Column("from_owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("to_owner_organisation_id", sa.Integer(), nullable=True),
        sa.Column("old_text", sa.LargeBinary(), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["plan_goal.id"], name=op.f("fk_plan_goal_change_goal_id_plan_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_goal_change_from_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["to_owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_goal_change_to_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"], name=op.f("fk_plan_goal_change_changed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goal_change")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_goal_change_uuid")),
    )
    with op.batch_alter_table("plan_goal_change", schema=None) as batch_op:
        for column in ("goal_id", "from_owner_organisation_id", "to_owner_organisation_id", "changed_by_id"):
            batch_op.create_index(batch_op.f(f"ix_plan_goal_change_{column}"), [column], unique=False)

    op.create_table(
        "plan_evaluation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("decision", sa.String(length=32), nullable=False),
        sa.Column("next_evaluation_on", sa.Date(), nullable=True),
        sa.Column("case_version", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("other_participants", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_plan_evaluation_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_plan_evaluation_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_evaluation")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_evaluation_uuid")),
    )
    with op.batch_alter_table("plan_evaluation", schema=None) as batch_op:
        batch_op.create_index("ix_plan_evaluation_case_held", ["case_id", "held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_evaluation_recorded_by_id"), ["recorded_by_id"], unique=False)

    op.create_table(
        "plan_evaluation_participant",
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["plan_evaluation.id"],
            name=op.f("fk_plan_evaluation_participant_evaluation_id_plan_evaluation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_evaluation_participant_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("evaluation_id", "organisation_id", name=op.f("pk_plan_evaluation_participant")),
    )
    with op.batch_alter_table("plan_evaluation_participant", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_plan_evaluation_participant_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "plan_evaluation_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("evaluation_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=False),
        sa.Column("progress", sa.String(length=32), nullable=False),
        sa.Column("note", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evaluation_id"],
            ["plan_evaluation.id"],
            name=op.f("fk_plan_evaluation_goal_evaluation_id_plan_evaluation"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["plan_goal.id"], name=op.f("fk_plan_evaluation_goal_goal_id_plan_goal"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_evaluation_goal")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_evaluation_goal_uuid")),
    )
    with op.batch_alter_table("plan_evaluation_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_evaluation_goal_evaluation_id"), ["evaluation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_evaluation_goal_goal_id"), ["goal_id"], unique=False)


def downgrade() -> None:
    op.drop_table("plan_evaluation_goal")
    op.drop_table("plan_evaluation_participant")
    op.drop_table("plan_evaluation")
    op.drop_table("plan_goal_change")
    with op.batch_alter_table("plan_action_change", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_plan_action_change_uuid"), type_="unique")
        for column in (
            "from_goal_id",
            "to_goal_id",
            "from_owner_organisation_id",
            "to_owner_organisation_id",
            "from_owner_user_id",
            "to_owner_user_id",
        ):
            batch_op.drop_index(batch_op.f(f"ix_plan_action_change_{column}"))
        batch_op.drop_constraint(batch_op.f("fk_plan_action_change_from_goal_id_plan_goal"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_plan_action_change_to_goal_id_plan_goal"), type_="foreignkey")
        for column in ("from_owner_organisation_id", "to_owner_organisation_id"):
            batch_op.drop_constraint(batch_op.f(f"fk_plan_action_change_{column}_organisation"), type_="foreignkey")
        for column in ("from_owner_user_id", "to_owner_user_id"):
            batch_op.drop_constraint(batch_op.f(f"fk_plan_action_change_{column}_user_account"), type_="foreignkey")
        for column in (
            "reason",
            "old_description",
            "to_owner_user_id",
            "from_owner_user_id",
            "to_owner_organisation_id",
            "from_owner_organisation_id",
            "to_goal_id",
            "from_goal_id",
            "new_due_on",
            "old_due_on",
            "kind",
            "uuid",
        ):
            batch_op.drop_column(column)
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_column("version")
    with op.batch_alter_table("plan_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_goal_owner_organisation_id"))
        batch_op.drop_constraint(batch_op.f("fk_plan_goal_owner_organisation_id_organisation"), type_="foreignkey")
        batch_op.drop_column("version")
        batch_op.drop_column("owner_organisation_id")
        batch_op.drop_column("status")
        batch_op.drop_column("target_on")
