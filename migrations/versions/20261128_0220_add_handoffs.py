"""Handoffs: transfers, referrals, shared items, requests for a case, notifications, and the
data-driven rules (legal bases, BSN processing per organisation kind, receivers of restricted types).

Legal bases and BSN rules are seeded here so every installation has them; the allow-list of
receivers per restricted case type is seeded with the demo case types (case types are data).

Revision ID: 5e031368179e
Revises: 6932d9398656
Create Date: 2026-11-28 01:38:50
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "5e031368179e"
down_revision: str | None = "6932d9398656"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bsn_processing_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_kind", sa.String(length=32), nullable=False),
        sa.Column("may_process", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bsn_processing_rule")),
        sa.UniqueConstraint("organisation_kind", name=op.f("uq_bsn_processing_rule_organisation_kind")),
    )
    op.create_table(
        "legal_basis",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=200), nullable=False),
        sa.Column("label_en", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_basis")),
        sa.UniqueConstraint("code", name=op.f("uq_legal_basis_code")),
    )
    op.create_table(
        "restricted_type_receiver_kind",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("organisation_kind", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_type_id"],
            ["case_type.id"],
            name=op.f("fk_restricted_type_receiver_kind_case_type_id_case_type"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_restricted_type_receiver_kind")),
        sa.UniqueConstraint(
            "case_type_id",
            "organisation_kind",
            name=op.f("uq_restricted_type_receiver_kind_case_type_id_organisation_kind"),
        ),
    )
    with op.batch_alter_table("restricted_type_receiver_kind", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_restricted_type_receiver_kind_case_type_id"), ["case_type_id"], unique=False
        )

    op.create_table(
        "transfer_request",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("requesting_organisation_id", sa.Integer(), nullable=False),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=False),
        sa.Column("requested_by_id", sa.Integer(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("motivation", sa.LargeBinary(), nullable=True),
        sa.Column("decline_reason", sa.LargeBinary(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_transfer_request_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_transfer_request_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["lead_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_transfer_request_lead_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["requested_by_id"], ["user_account.id"], name=op.f("fk_transfer_request_requested_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["requesting_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_transfer_request_requesting_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_transfer_request")),
        sa.UniqueConstraint("uuid", name=op.f("uq_transfer_request_uuid")),
    )
    with op.batch_alter_table("transfer_request", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_transfer_request_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfer_request_decided_by_id"), ["decided_by_id"], unique=False)
        batch_op.create_index("ix_transfer_request_lead_status", ["lead_organisation_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_transfer_request_requested_by_id"), ["requested_by_id"], unique=False)
        batch_op.create_index(
            "ix_transfer_request_requester_status", ["requesting_organisation_id", "status"], unique=False
        )
        batch_op.create_index("ix_transfer_request_status_expires", ["status", "expires_at"], unique=False)

    op.create_table(
        "handoff",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("sender_organisation_id", sa.Integer(), nullable=False),
        sa.Column("receiver_organisation_id", sa.Integer(), nullable=False),
        sa.Column("receiver_involvement", sa.String(length=32), nullable=True),
        sa.Column("sender_after", sa.String(length=32), nullable=True),
        sa.Column("legal_basis_id", sa.Integer(), nullable=False),
        sa.Column("person_informed", sa.Boolean(), nullable=False),
        sa.Column("bsn_shared", sa.Boolean(), nullable=False),
        sa.Column("summary", sa.LargeBinary(), nullable=True),
        sa.Column("rejection_reason", sa.LargeBinary(), nullable=True),
        sa.Column("plan_action_id", sa.Integer(), nullable=True),
        sa.Column("origin_request_id", sa.Integer(), nullable=True),
        sa.Column("drafted_by_id", sa.Integer(), nullable=False),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("new_process_coordinator_id", sa.Integer(), nullable=True),
        sa.Column("completed_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_handoff_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["completed_by_id"], ["user_account.id"], name=op.f("fk_handoff_completed_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["user_account.id"], name=op.f("fk_handoff_decided_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["drafted_by_id"], ["user_account.id"], name=op.f("fk_handoff_drafted_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["legal_basis_id"], ["legal_basis.id"], name=op.f("fk_handoff_legal_basis_id_legal_basis")
        ),
        sa.ForeignKeyConstraint(
            ["new_process_coordinator_id"],
            ["user_account.id"],
            name=op.f("fk_handoff_new_process_coordinator_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["origin_request_id"], ["transfer_request.id"], name=op.f("fk_handoff_origin_request_id_transfer_request")
        ),
        sa.ForeignKeyConstraint(
            ["receiver_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_handoff_receiver_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(
            ["sender_organisation_id"], ["organisation.id"], name=op.f("fk_handoff_sender_organisation_id_organisation")
        ),
        sa.ForeignKeyConstraint(["sent_by_id"], ["user_account.id"], name=op.f("fk_handoff_sent_by_id_user_account")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff")),
        sa.UniqueConstraint("uuid", name=op.f("uq_handoff_uuid")),
    )
    with op.batch_alter_table("handoff", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_completed_by_id"), ["completed_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_decided_by_id"), ["decided_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_drafted_by_id"), ["drafted_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_legal_basis_id"), ["legal_basis_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_handoff_new_process_coordinator_id"), ["new_process_coordinator_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_handoff_origin_request_id"), ["origin_request_id"], unique=False)
        batch_op.create_index("ix_handoff_receiver_status", ["receiver_organisation_id", "status"], unique=False)
        batch_op.create_index("ix_handoff_sender_status", ["sender_organisation_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_sent_by_id"), ["sent_by_id"], unique=False)
        batch_op.create_index("ix_handoff_status_expires", ["status", "expires_at"], unique=False)
        batch_op.create_index(
            "uq_handoff_one_pending_transfer",
            ["case_id"],
            unique=True,
            sqlite_where=sa.text("status = 'pending' AND kind = 'transfer'"),
            postgresql_where=sa.text("status = 'pending' AND kind = 'transfer'"),
        )

    op.create_table(
        "handoff_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=False),
        sa.Column("item_kind", sa.String(length=32), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoff.id"], name=op.f("fk_handoff_item_handoff_id_handoff"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_item")),
        sa.UniqueConstraint(
            "handoff_id", "item_kind", "item_id", name=op.f("uq_handoff_item_handoff_id_item_kind_item_id")
        ),
    )
    with op.batch_alter_table("handoff_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_item_handoff_id"), ["handoff_id"], unique=False)

    op.create_table(
        "handoff_notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("recipient_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("handoff_id", sa.Integer(), nullable=True),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("read_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["handoff_id"], ["handoff.id"], name=op.f("fk_handoff_notification_handoff_id_handoff"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["user_account.id"],
            name=op.f("fk_handoff_notification_recipient_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["transfer_request.id"],
            name=op.f("fk_handoff_notification_request_id_transfer_request"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_notification")),
    )
    with op.batch_alter_table("handoff_notification", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_handoff_notification_handoff_id"), ["handoff_id"], unique=False)
        batch_op.create_index("ix_handoff_notification_recipient_read", ["recipient_id", "read_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_handoff_notification_request_id"), ["request_id"], unique=False)
    _seed()


LEGAL_BASES = [
    ("zvh_convenant", "Privacyconvenant Zorg- en Veiligheidshuis", "Privacy covenant of the Safety House"),
    ("wettelijke_taak", "Wettelijke taak (AVG art. 6 lid 1 sub e)", "Statutory task (GDPR art. 6(1)(e))"),
    ("wettelijke_plicht", "Wettelijke verplichting (AVG art. 6 lid 1 sub c)", "Legal obligation (GDPR art. 6(1)(c))"),
    ("vitaal_belang", "Vitaal belang (AVG art. 6 lid 1 sub d)", "Vital interest (GDPR art. 6(1)(d))"),
    ("toestemming", "Toestemming van de betrokkene", "Consent of the person concerned"),
    ("meldcode", "Meldcode huiselijk geweld en kindermishandeling", "Reporting code domestic violence and child abuse"),
]
# Housing corporations, youth work and organisations of an unknown kind may not process the BSN.
BSN_FORBIDDEN = {"housing_corporation", "youth_work", "other"}
ORGANISATION_KINDS = [
    "zvh", "wijkteam", "police", "public_prosecutor", "veilig_thuis", "youth_work",
    "housing_corporation", "mental_health", "probation", "municipality", "other",
]  # fmt: skip


def _seed() -> None:
    legal_basis = sa.table(
        "legal_basis",
        sa.column("code", sa.String),
        sa.column("label_nl", sa.String),
        sa.column("label_en", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        legal_basis,
        [
            {"code": code, "label_nl": nl, "label_en": en, "position": position, "active": True}
            for position, (code, nl, en) in enumerate(LEGAL_BASES, start=1)
        ],
    )
    rules = sa.table(
        "bsn_processing_rule", sa.column("organisation_kind", sa.String), sa.column("may_process", sa.Boolean)
    )
    op.bulk_insert(rules, [{"organisation_kind": k, "may_process": k not in BSN_FORBIDDEN} for k in ORGANISATION_KINDS])


def downgrade() -> None:
    for table in (
        "handoff_notification",
        "handoff_item",
        "handoff",
        "transfer_request",
        "restricted_type_receiver_kind",
        "legal_basis",
        "bsn_processing_rule",
    ):
        op.drop_table(table)
