"""The dossier's summary (probleemanalyse, hulpvraag; encrypted) and signaleringen (flags) on a case.

The flag types seeded here are data afterwards, kept by the functional admin.

Revision ID: 9c0d1e2f3a4b
Revises: 8b9c0d1e2f3a
Create Date: 2026-12-02 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9c0d1e2f3a4b"
down_revision: str | None = "8b9c0d1e2f3a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# code, label_nl, label_en, safety (the demo data, casebook/demo/data.py FLAG_TYPES, repeats them)
FLAG_TYPES = [
    ("veiligheidsrisico_huisbezoek", "Veiligheidsrisico bij huisbezoek", "Safety risk on home visits", True),
    ("wapenbezit", "Wapenbezit", "Possession of weapons", True),
    ("agressie", "Agressie", "Aggression", True),
    ("drugs_verslaving", "Drugs / verslaving", "Drugs / addiction", False),
    ("zorgmijder", "Zorgmijder", "Avoids care", False),
    ("taalbarriere", "Taalbarrière", "Language barrier", False),
    ("minderjarige_kinderen", "Minderjarige kinderen in huis", "Minor children in the home", False),
]


def upgrade() -> None:
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.add_column(sa.Column("problem_analysis", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("help_request", sa.LargeBinary(), nullable=True))

    op.create_table(
        "case_flag_type",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("label_nl", sa.String(length=120), nullable=False),
        sa.Column("label_en", sa.String(length=120), nullable=False),
        sa.Column("safety", sa.Boolean(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_flag_type")),
        sa.UniqueConstraint("code", name=op.f("uq_case_flag_type_code")),
    )
    types = sa.table(
        "case_flag_type",
        sa.column("code", sa.String),
        sa.column("label_nl", sa.String),
        sa.column("label_en", sa.String),
        sa.column("safety", sa.Boolean),
        sa.column("active", sa.Boolean),
        sa.column("position", sa.Integer),
    )
    op.bulk_insert(
        types,
        [
            {"code": c, "label_nl": nl, "label_en": en, "safety": safety, "active": True, "position": i}
            for i, (c, nl, en, safety) in enumerate(FLAG_TYPES, start=1)
        ],
    )

    op.create_table(
        "case_flag",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("flag_type_id", sa.Integer(), nullable=False),
        sa.Column("set_by_id", sa.Integer(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ended_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["case.id"], name=op.f("fk_case_flag_case_id_case"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["flag_type_id"], ["case_flag_type.id"], name=op.f("fk_case_flag_flag_type_id_case_flag_type")
        ),
        sa.ForeignKeyConstraint(["set_by_id"], ["user_account.id"], name=op.f("fk_case_flag_set_by_id_user_account")),
        sa.ForeignKeyConstraint(
            ["ended_by_id"], ["user_account.id"], name=op.f("fk_case_flag_ended_by_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_flag")),
    )
    with op.batch_alter_table("case_flag", schema=None) as batch_op:
        batch_op.create_index("ix_case_flag_case_current", ["case_id", "ended_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_flag_flag_type_id"), ["flag_type_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_flag_set_by_id"), ["set_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_flag_ended_by_id"), ["ended_by_id"], unique=False)


def downgrade() -> None:
    op.drop_table("case_flag")
    op.drop_table("case_flag_type")
    with op.batch_alter_table("case", schema=None) as batch_op:
        batch_op.drop_column("help_request")
        batch_op.drop_column("problem_analysis")
