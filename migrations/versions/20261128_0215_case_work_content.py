"""Case work content: journal notes, plan van aanpak, interventions (with the seeded kinds), casusoverleg.

The plan's next evaluation date is ``case.next_evaluation_on``, added with the case lifecycle.

Revision ID: 6932d9398656
Revises: 2f20ec4569aa
Create Date: 2026-11-28 01:37:53.310739
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# The kinds seeded at this revision; afterwards they are data, edited by the functional admin.
INTERVENTION_KINDS = [
    ("gesprek", "Gesprek", "Conversation", "prevention"),
    ("huisbezoek", "Huisbezoek", "Home visit", "prevention"),
    ("jongerenwerk", "Jongerenwerk", "Youth work", "prevention"),
    ("halt", "Halt-afdoening", "Halt (youth diversion)", "prevention"),
    ("buurtbemiddeling", "Buurtbemiddeling", "Neighbourhood mediation", "prevention"),
    ("zorgtraject", "Zorgtraject", "Care pathway", "care"),
    ("schuldhulpverlening", "Schuldhulpverlening", "Debt counselling", "care"),
    ("ggz_behandeling", "GGZ-behandeling", "Mental health treatment", "care"),
    ("verslavingszorg", "Verslavingszorg", "Addiction care", "care"),
    ("gezinsondersteuning", "Gezinsondersteuning", "Family support", "care"),
    ("reclassering", "Reclasseringstoezicht", "Probation supervision", "care"),
    ("last_onder_dwangsom", "Last onder dwangsom", "Order subject to penalty", "enforcement"),
    ("sluiting_pand", "Sluiting pand", "Closure of premises", "enforcement"),
    ("tijdelijk_huisverbod", "Tijdelijk huisverbod", "Temporary restraining order", "enforcement"),
    ("gebiedsverbod", "Gebiedsverbod", "Area ban", "enforcement"),
    ("wbmgp_woonverklaring", "Wbmgp-woonverklaring geweigerd", "Wbmgp housing permit refused", "enforcement"),
    ("strafrechtelijk_traject", "Strafrechtelijk traject", "Criminal proceedings", "enforcement"),
    ("aanhouding", "Aanhouding", "Arrest", "enforcement"),
]

revision: str = "6932d9398656"
down_revision: str | None = "2f20ec4569aa"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "intervention_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention_kind")),
        sa.UniqueConstraint("code", name=op.f("uq_intervention_kind_code")),
    )
    kinds = sa.table(
        "intervention_kind",
        sa.column("code", sa.String),
        sa.column("label_nl", sa.String),
        sa.column("label_en", sa.String),
        sa.column("category", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        kinds,
        [
            {"code": c, "label_nl": nl, "label_en": en, "category": cat, "position": i, "active": True}
            for i, (c, nl, en, cat) in enumerate(INTERVENTION_KINDS, start=1)
        ],
    )
    op.create_table(
        "meeting",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=True),
        sa.Column("organiser_organisation_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"], ["user_account.id"], name=op.f("fk_meeting_organiser_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["organiser_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_meeting_organiser_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting")),
    )
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_held_on"), ["held_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_organiser_id"), ["organiser_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_meeting_organiser_organisation_id"), ["organiser_organisation_id"], unique=False
        )

    op.create_table(
        "case_plan",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("case_manager_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_plan_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["case_manager_id"], ["user_account.id"], name=op.f("fk_case_plan_case_manager_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_plan")),
        sa.UniqueConstraint("case_id", name=op.f("uq_case_plan_case_id")),
    )
    with op.batch_alter_table("case_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_plan_case_manager_id"), ["case_manager_id"], unique=False)

    op.create_table(
        "intervention",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_intervention_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["kind_id"], ["intervention_kind.id"], name=op.f("fk_intervention_kind_id_intervention_kind")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_intervention_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(
            ["recorded_by_id"], ["user_account.id"], name=op.f("fk_intervention_recorded_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_intervention")),
        sa.UniqueConstraint("uuid", name=op.f("uq_intervention_uuid")),
    )
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.create_index("ix_intervention_case_date", ["case_id", "occurred_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_kind_id"), ["kind_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_organisation_id"), ["organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_intervention_recorded_by_id"), ["recorded_by_id"], unique=False)

    op.create_table(
        "meeting_agenda_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("added_by_id", sa.Integer(), nullable=True),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decision", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["added_by_id"], ["user_account.id"], name=op.f("fk_meeting_agenda_item_added_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_meeting_agenda_item_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_meeting_agenda_item_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_agenda_item_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_agenda_item")),
        sa.UniqueConstraint("meeting_id", "case_id", name=op.f("uq_meeting_agenda_item_meeting_id_case_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_meeting_agenda_item_uuid")),
    )
    with op.batch_alter_table("meeting_agenda_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_agenda_item_added_by_id"), ["added_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_agenda_item_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_agenda_item_decided_by_id"), ["decided_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_agenda_item_meeting_id"), ["meeting_id"], unique=False)

    op.create_table(
        "meeting_invitation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_meeting_invitation_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"], ["organisation.id"], name=op.f("fk_meeting_invitation_organisation_id_organisation")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meeting_invitation")),
        sa.UniqueConstraint(
            "meeting_id", "organisation_id", name=op.f("uq_meeting_invitation_meeting_id_organisation_id")
        ),
    )
    with op.batch_alter_table("meeting_invitation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_meeting_invitation_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_meeting_invitation_organisation_id"), ["organisation_id"], unique=False)

    op.create_table(
        "note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_organisation_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=32), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("body", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], name=op.f("fk_note_author_id_user_account")),
        sa.ForeignKeyConstraint(
            ["author_organisation_id"], ["organisation.id"], name=op.f("fk_note_author_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_note_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["corrects_id"], ["note.id"], name=op.f("fk_note_corrects_id_note")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_note")),
        sa.UniqueConstraint("corrects_id", name=op.f("uq_note_corrects_id")),
        sa.UniqueConstraint("uuid", name=op.f("uq_note_uuid")),
    )
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_note_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_author_organisation_id"), ["author_organisation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_note_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_note_case_time", ["case_id", "created_at"], unique=False)

    op.create_table(
        "plan_goal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_plan_goal_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_plan_goal_created_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_goal")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_goal_uuid")),
    )
    with op.batch_alter_table("plan_goal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_goal_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_goal_created_by_id"), ["created_by_id"], unique=False)

    op.create_table(
        "plan_action",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("owner_organisation_id", sa.Integer(), nullable=False),
        sa.Column("owner_user_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("description", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["meeting_agenda_item.id"],
            name=op.f("fk_plan_action_agenda_item_id_meeting_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_plan_action_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user_account.id"], name=op.f("fk_plan_action_created_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["goal_id"], ["plan_goal.id"], name=op.f("fk_plan_action_goal_id_plan_goal"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["owner_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_plan_action_owner_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["owner_user_id"], ["user_account.id"], name=op.f("fk_plan_action_owner_user_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action")),
        sa.UniqueConstraint("uuid", name=op.f("uq_plan_action_uuid")),
    )
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_action_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_created_by_id"), ["created_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_goal_id"), ["goal_id"], unique=False)
        batch_op.create_index("ix_plan_action_owner", ["owner_organisation_id", "owner_user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_owner_user_id"), ["owner_user_id"], unique=False)
        batch_op.create_index("ix_plan_action_tasks", ["status", "due_on"], unique=False)

    op.create_table(
        "plan_action_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action_id", sa.Integer(), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=False),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["action_id"],
            ["plan_action.id"],
            name=op.f("fk_plan_action_change_action_id_plan_action"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user_account.id"], name=op.f("fk_plan_action_change_changed_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_action_change")),
    )
    with op.batch_alter_table("plan_action_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_plan_action_change_action_id"), ["action_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_plan_action_change_changed_by_id"), ["changed_by_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("plan_action_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_action_change_changed_by_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_change_action_id"))

    op.drop_table("plan_action_change")
    with op.batch_alter_table("plan_action", schema=None) as batch_op:
        batch_op.drop_index("ix_plan_action_tasks")
        batch_op.drop_index(batch_op.f("ix_plan_action_owner_user_id"))
        batch_op.drop_index("ix_plan_action_owner")
        batch_op.drop_index(batch_op.f("ix_plan_action_goal_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_case_id"))
        batch_op.drop_index(batch_op.f("ix_plan_action_agenda_item_id"))

    op.drop_table("plan_action")
    with op.batch_alter_table("plan_goal", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_plan_goal_created_by_id"))
        batch_op.drop_index(batch_op.f("ix_plan_goal_case_id"))

    op.drop_table("plan_goal")
    with op.batch_alter_table("note", schema=None) as batch_op:
        batch_op.drop_index("ix_note_case_time")
        batch_op.drop_index(batch_op.f("ix_note_case_id"))
        batch_op.drop_index(batch_op.f("ix_note_author_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_note_author_id"))

    op.drop_table("note")
    with op.batch_alter_table("meeting_invitation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_invitation_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_invitation_meeting_id"))

    op.drop_table("meeting_invitation")
    with op.batch_alter_table("meeting_agenda_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_item_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_item_decided_by_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_item_case_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_agenda_item_added_by_id"))

    op.drop_table("meeting_agenda_item")
    with op.batch_alter_table("intervention", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_intervention_recorded_by_id"))
        batch_op.drop_index(batch_op.f("ix_intervention_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_intervention_kind_id"))
        batch_op.drop_index(batch_op.f("ix_intervention_case_id"))
        batch_op.drop_index("ix_intervention_case_date")

    op.drop_table("intervention")
    with op.batch_alter_table("case_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_plan_case_manager_id"))

    op.drop_table("case_plan")
    with op.batch_alter_table("meeting", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_meeting_organiser_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_organiser_id"))
        batch_op.drop_index(batch_op.f("ix_meeting_held_on"))

    op.drop_table("meeting")
    op.drop_table("intervention_kind")
