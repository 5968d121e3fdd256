"""Rebuilding the report facts (``casebook.reports.facts``): set-based, in one transaction.

Each table is emptied and filled again by one ``INSERT … SELECT`` that derives its values in the
database (no rows pass through Python), and the state row says when. Readers keep seeing the
previous facts until the refresh commits (a ``DELETE``, not a ``TRUNCATE``, which would lock them
out for the whole rebuild); a failed refresh rolls back and leaves the previous facts whole.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, text
from sqlalchemy.orm import Session

from casebook.cases.models import Case, CaseClosureStep, CaseResult, CaseStatusChange, ClosureStepKind, StatusType
from casebook.db import utcnow
from casebook.interventions.models import Intervention, InterventionKind, InterventionStatus
from casebook.reports.facts import ReportCaseFact, ReportClosingFact, ReportFactState, ReportInterventionFact

PLAN, AFSCHALING = "plan_van_aanpak", "afschaling"
KEY_COLUMNS = ("case_type_id", "district_id", "lead_organisation_id", "process_coordinator_id")


@dataclass(frozen=True)
class Refreshed:
    refreshed_at: datetime
    cases: int
    closings: int
    interventions: int


def first_entry(code: str, name: str) -> Any:
    """Per case, the first time it entered the status ``code`` (any type's status of that code)."""
    return (
        select(CaseStatusChange.case_id.label("case_id"), func.min(CaseStatusChange.changed_at).label("at"))
        .join(StatusType, StatusType.id == CaseStatusChange.to_status_id)
        .where(StatusType.code == code)
        .group_by(CaseStatusChange.case_id)
        .subquery(name)
    )


def _case_keys() -> list[Any]:
    return [getattr(Case, column) for column in KEY_COLUMNS]


def _case_facts() -> Any:
    from casebook.signals.models import Signal  # a domain model: imported late

    weighed = (
        select(Signal.case_id.label("case_id"), func.min(Signal.triaged_at).label("at"))
        .where(Signal.case_id.is_not(None))
        .group_by(Signal.case_id)
        .subquery("weighed")
    )
    plan, afschaling = first_entry(PLAN, "plan_entry"), first_entry(AFSCHALING, "afschaling_entry")
    return (
        select(Case.id, *_case_keys(), Case.opened_at, Case.closed_at, weighed.c.at, plan.c.at, afschaling.c.at)
        .outerjoin(weighed, weighed.c.case_id == Case.id)
        .outerjoin(plan, plan.c.case_id == Case.id)
        .outerjoin(afschaling, afschaling.c.case_id == Case.id)
    )


def _closing_facts() -> Any:
    from casebook.reports.queries.results import recurrence

    closing = (
        select(CaseClosureStep.id.label("step_id"), CaseClosureStep.case_id, CaseClosureStep.at.label("closed_at"))
        .add_columns(CaseClosureStep.result_id)
        .where(CaseClosureStep.kind == ClosureStepKind.APPROVED)
        .subquery("closing")
    )
    return (
        select(
            closing.c.step_id,
            closing.c.case_id,
            *_case_keys(),
            closing.c.closed_at,
            CaseResult.code,
            recurrence(closing),
        )
        .join(Case, Case.id == closing.c.case_id)
        .outerjoin(CaseResult, CaseResult.id == closing.c.result_id)
    )


def _intervention_facts() -> Any:
    return (
        select(
            Intervention.id, Intervention.case_id, *_case_keys(), Intervention.occurred_on, InterventionKind.category
        )
        .join(Case, Case.id == Intervention.case_id)
        .join(InterventionKind, InterventionKind.id == Intervention.kind_id)
        .where(Intervention.status == InterventionStatus.DONE)  # planned and cancelled ones did not take place
    )


def refresh_facts(session: Session, *, now: datetime | None = None) -> Refreshed:
    """Rebuild every fact table and the state row; flushes, the caller commits."""
    moment = now or utcnow()
    keys = list(KEY_COLUMNS)
    targets = (
        (
            ReportCaseFact,
            ["case_id", *keys, "opened_at", "closed_at", "weighed_at", "plan_at", "afschaling_at"],
            _case_facts(),
        ),
        (
            ReportClosingFact,
            ["closure_step_id", "case_id", *keys, "closed_at", "result_code", "recurrence"],
            _closing_facts(),
        ),
        (
            ReportInterventionFact,
            ["intervention_id", "case_id", *keys, "occurred_on", "category"],
            _intervention_facts(),
        ),
    )
    from casebook.reports.cache import forget_all

    forget_all(session)  # every kept report is of the old facts
    counts = []
    for model, columns, source in targets:
        session.execute(delete(model))
        session.execute(insert(model).from_select(columns, source))
        counts.append(session.scalar(select(func.count()).select_from(model)) or 0)
    state = session.get(ReportFactState, 1)
    if state is None:
        state = ReportFactState(id=1)
        session.add(state)
    state.refreshed_at, state.cases, state.closings, state.interventions = moment, *counts
    session.flush()
    if session.get_bind().dialect.name == "postgresql":
        # the planner's statistics of the new rows now, not at autovacuum's next visit: without them
        # it takes a million rows for a few thousand (no parallel scan, sorts spilled to disk)
        for model, _columns, _source in targets:
            session.execute(text(f"ANALYZE {model.__tablename__}"))
    return Refreshed(moment, *counts)


def refreshed_at(session: Session) -> datetime | None:
    """When the facts were last rebuilt (None: never — the history reports are empty until then)."""
    return session.scalar(select(ReportFactState.refreshed_at).where(ReportFactState.id == literal(1)))
