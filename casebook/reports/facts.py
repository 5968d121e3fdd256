"""Report facts: narrow copies of what the history reports count, rebuilt by ``casebook reports refresh``.

At a million cases the history reports (doorlooptijden, interventies, resultaten, jaaroverzicht)
spend their time deriving the same things again on every page: each case's first entry into
plan van aanpak and afschaling from millions of status changes, each closing's recurrence from the
subjects of every later case, and a join of a year's interventions to the wide, encrypted case rows.
These tables hold the derived values once, one narrow row per case, per approved closing and per
intervention, with the case's keys the scope and the filters need (type, wijk, lead organisation,
procesregisseur) copied beside them, so a report is one scan of a narrow table.

They hold no personal data and no content: ids, keys, moments and categories. The reader's scope is
still the policy's (``casebook.access.report_case_clause`` over these columns); the facts only make
it cheap. They are as fresh as their last refresh, which the page states ("stand van …"): the
refresh runs on a timer (``deploy/systemd/casebook-reports-refresh.timer``) and at the end of the
demo seed. The live figures of today (caseload, the signals waiting at the weegtafel) are never
read from here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base


class CaseKeys:
    """The case's keys that the scope and the filters select on, copied onto every fact."""

    case_type_id: Mapped[int]
    district_id: Mapped[int | None]
    lead_organisation_id: Mapped[int]
    process_coordinator_id: Mapped[int | None]


class ReportCaseFact(CaseKeys, Base):
    """One row per case: its moments, the first entries into the phases the throughput measures."""

    __tablename__ = "report_case_fact"

    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), primary_key=True)
    opened_at: Mapped[datetime] = mapped_column(index=True)
    closed_at: Mapped[datetime | None] = mapped_column(index=True)
    weighed_at: Mapped[datetime | None]  # the first weighing of the signals that led to the case
    plan_at: Mapped[datetime | None] = mapped_column(index=True)  # first entry into plan van aanpak
    afschaling_at: Mapped[datetime | None] = mapped_column(index=True)  # first entry into afschaling


class ReportClosingFact(CaseKeys, Base):
    """One row per approved closure (the closing steps are history: a case closed twice has two)."""

    __tablename__ = "report_closing_fact"
    __table_args__ = (Index("ix_report_closing_fact_closed_at", "closed_at"),)

    closure_step_id: Mapped[int] = mapped_column(
        ForeignKey("case_closure_step.id", ondelete="CASCADE"), primary_key=True
    )
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    closed_at: Mapped[datetime]
    result_code: Mapped[str | None] = mapped_column(String(40))
    recurrence: Mapped[str] = mapped_column(String(16))  # none | reopened | new_case (queries/results.py)


class ReportInterventionFact(CaseKeys, Base):
    """One row per intervention that took place: its date and its IVP category."""

    __tablename__ = "report_intervention_fact"
    __table_args__ = (Index("ix_report_intervention_fact_occurred_on", "occurred_on"),)

    intervention_id: Mapped[int] = mapped_column(ForeignKey("intervention.id", ondelete="CASCADE"), primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    occurred_on: Mapped[date]
    category: Mapped[str] = mapped_column(String(16))


class ReportFactState(Base):
    """The moment the facts were last rebuilt: one row, written in the refresh's own transaction."""

    __tablename__ = "report_fact_state"

    id: Mapped[int] = mapped_column(primary_key=True)  # always 1
    refreshed_at: Mapped[datetime]
    cases: Mapped[int]
    closings: Mapped[int]
    interventions: Mapped[int]
