"""Documents (stukken) on a case: documents, their append-only versions, and the document types.

The document types seeded here are reference data afterwards, kept by the functional admin. The
files themselves are not in the database: a version names its ciphertext by a random storage key.

Revision ID: d0c5a1b2c3d4
Revises: cf2a3b4c5d6e
Create Date: 2026-12-02 16:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "d0c5a1b2c3d4"
down_revision: str | None = "cf2a3b4c5d6e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, label_nl, label_en (the demo data uses the codes)
DOCUMENT_TYPES = [
    ("proces_verbaal", "Proces-verbaal", "Police report"),
    ("rapportage", "Rapportage", "Report"),
    ("brief", "Brief", "Letter"),
    ("toestemmingsverklaring", "Toestemmingsverklaring", "Declaration of consent"),
    ("plan", "Plan", "Plan"),
    ("verslag", "Verslag", "Minutes"),
    ("overig", "Overig", "Other"),
]


def upgrade() -> None:
    op.create_table(
        "document_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_type")),
        sa.UniqueConstraint("code", name=op.f("uq_document_type_code")),
    )
    types = sa.table(
        "document_type",
        sa.column("code", sa.String),
        sa.column("label_nl", sa.String),
        sa.column("label_en", sa.String),
        sa.column("position", sa.Integer),
        sa.column("active", sa.Boolean),
    )
    op.bulk_insert(
        types,
        [
            {"code": code, "label_nl": nl, "label_en": en, "position": i, "active": True}
            for i, (code, nl, en) in enumerate(DOCUMENT_TYPES, start=1)
        ],
    )
    op.create_table(
        "document",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("type_id", sa.Integer(), nullable=False),
        sa.Column("document_date", sa.Date(), nullable=True),
        sa.Column("visibility", sa.String(length=32), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("author_organisation_id", sa.Integer(), nullable=False),
        sa.Column("plan_goal_id", sa.Integer(), nullable=True),
        sa.Column("agenda_item_id", sa.Integer(), nullable=True),
        sa.Column("signal_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("title", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agenda_item_id"],
            ["meeting_agenda_item.id"],
            name=op.f("fk_document_agenda_item_id_meeting_agenda_item"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["author_id"], ["user_account.id"], name=op.f("fk_document_author_id_user_account")),
        sa.ForeignKeyConstraint(
            ["author_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_document_author_organisation_id_organisation"),
        ),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_document_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["plan_goal_id"], ["plan_goal.id"], name=op.f("fk_document_plan_goal_id_plan_goal"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["signal_id"], ["signal.id"], name=op.f("fk_document_signal_id_signal"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["type_id"], ["document_type.id"], name=op.f("fk_document_type_id_document_type")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document")),
        sa.UniqueConstraint("uuid", name=op.f("uq_document_uuid")),
    )
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_agenda_item_id"), ["agenda_item_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_author_id"), ["author_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_document_author_organisation_id"), ["author_organisation_id"], unique=False
        )
        batch_op.create_index("ix_document_case_created", ["case_id", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_plan_goal_id"), ["plan_goal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_signal_id"), ["signal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_type_id"), ["type_id"], unique=False)

    op.create_table(
        "document_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("scanned", sa.Boolean(), nullable=False),
        sa.Column("data_key_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_organisation_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("filename", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["data_key_id"], ["data_key.id"], name=op.f("fk_document_version_data_key_id_data_key")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["document.id"], name=op.f("fk_document_version_document_id_document"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"], ["user_account.id"], name=op.f("fk_document_version_uploaded_by_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_organisation_id"],
            ["organisation.id"],
            name=op.f("fk_document_version_uploaded_by_organisation_id_organisation"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_version")),
        sa.UniqueConstraint("document_id", "number", name=op.f("uq_document_version_document_id_number")),
        sa.UniqueConstraint("storage_key", name=op.f("uq_document_version_storage_key")),
        sa.UniqueConstraint("uuid", name=op.f("uq_document_version_uuid")),
    )
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_document_version_data_key_id"), ["data_key_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_version_document_id"), ["document_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_document_version_uploaded_by_id"), ["uploaded_by_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_document_version_uploaded_by_organisation_id"), ["uploaded_by_organisation_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("document_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_version_uploaded_by_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_document_version_uploaded_by_id"))
        batch_op.drop_index(batch_op.f("ix_document_version_document_id"))
        batch_op.drop_index(batch_op.f("ix_document_version_data_key_id"))

    op.drop_table("document_version")
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_document_type_id"))
        batch_op.drop_index(batch_op.f("ix_document_signal_id"))
        batch_op.drop_index(batch_op.f("ix_document_plan_goal_id"))
        batch_op.drop_index(batch_op.f("ix_document_case_id"))
        batch_op.drop_index("ix_document_case_created")
        batch_op.drop_index(batch_op.f("ix_document_author_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_document_author_id"))
        batch_op.drop_index(batch_op.f("ix_document_agenda_item_id"))

    op.drop_table("document")
    op.drop_table("document_type")
