"""Report facts: narrow per-case, per-closing and per-intervention rows the history reports count,
the moment of their last refresh (casebook.reports.facts), and the reports built from them
(report_result, casebook.reports.cache).

Revision ID: 7f3c9a2d5e10
Revises: e1a2b3c4d5f6
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "7f3c9a2d5e10"
down_revision: str | None = "e1a2b3c4d5f6"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _case_keys() -> list[sa.Column]:
    return [
        sa.Column("case_type_id", sa.Integer(), nullable=False),
        sa.Column("district_id", sa.Integer(), nullable=True),
        sa.Column("lead_organisation_id", sa.Integer(), nullable=False),
        sa.Column("process_coordinator_id", sa.Integer(), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "report_case_fact",
        *_case_keys(),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("weighed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("plan_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("afschaling_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_report_case_fact_case_id_case"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_report_case_fact")),
    )
    for column in ("opened_at", "closed_at", "plan_at", "afschaling_at"):
        op.create_index(op.f(f"ix_report_case_fact_{column}"), "report_case_fact", [column])
    op.create_table(
        "report_closing_fact",
        *_case_keys(),
        sa.Column("closure_step_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("result_code", sa.String(length=40), nullable=True),
        sa.Column("recurrence", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_report_closing_fact_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["closure_step_id"],
            ["case_closure_step.id"],
            name=op.f("fk_report_closing_fact_closure_step_id_case_closure_step"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("closure_step_id", name=op.f("pk_report_closing_fact")),
    )
    op.create_index(op.f("ix_report_closing_fact_case_id"), "report_closing_fact", ["case_id"])
    op.create_index("ix_report_closing_fact_closed_at", "report_closing_fact", ["closed_at"])
    op.create_table(
        "report_intervention_fact",
        *_case_keys(),
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("occurred_on", sa.Date(), nullable=False),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["case.id"], name=op.f("fk_report_intervention_fact_case_id_case"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["intervention.id"],
            name=op.f("fk_report_intervention_fact_intervention_id_intervention"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("intervention_id", name=op.f("pk_report_intervention_fact")),
    )
    op.create_index(op.f("ix_report_intervention_fact_case_id"), "report_intervention_fact", ["case_id"])
    op.create_index("ix_report_intervention_fact_occurred_on", "report_intervention_fact", ["occurred_on"])
    op.create_table(
        "report_fact_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("cases", sa.Integer(), nullable=False),
        sa.Column("closings", sa.Integer(), nullable=False),
        sa.Column("interventions", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_report_fact_state")),
    )
    op.create_table(
        "report_result",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tables", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_report_result")),
    )


def downgrade() -> None:
    op.drop_table("report_result")
    op.drop_table("report_fact_state")
    op.drop_table("report_intervention_fact")
    op.drop_table("report_closing_fact")
    op.drop_table("report_case_fact")
