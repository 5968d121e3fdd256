"""Intervention rules: logging what was done and the balance per category. Every read and change is audited.

- Reading needs ``VIEW_CASE``; logging needs ``ADD_INTERVENTION`` (writing participants).
- The kind is an active kind from the data-driven list; the organisation took part in the case.
- A done intervention's date is not in the future; a planned one may lie ahead. A planned one is
  later marked done (on its real date, not in the future) or cancelled, from the version the user
  saw (optimistic locking); done and cancelled ones stay as they are.
- Optionally tied to a goal of the case's plan and to a person who is a subject of the case.
- The balance and the reports count done interventions only: a plan is not yet a deed.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import Action, deny, require_audited
from casebook.auth.models import User
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.errors import Conflict, RuleViolation
from casebook.interventions.models import Intervention, InterventionCategory, InterventionKind, InterventionStatus
from casebook.organisations.models import Organisation
from casebook.pagination import Order, Page, PageRequest, paginate
from casebook.people.models import Person
from casebook.plans.models import PlanGoal

MAX_OUTCOME_LENGTH = 4_000


class InterventionRefused(RuleViolation):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StaleIntervention(Conflict):
    """The intervention changed after the form was loaded: nothing was written."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"intervention changed; now at version {current_version}")
        self.current_version = current_version


class NotPlanned(RuleViolation):
    """Only a planned intervention is marked done or cancelled (409 in the API: about its state)."""

    about_state = True


def active_kinds() -> list[InterventionKind]:
    return list(
        db.session.scalars(
            select(InterventionKind)
            .where(InterventionKind.active)
            .order_by(InterventionKind.category, InterventionKind.position, InterventionKind.label_nl)
        )
    )


def participating_organisations(case: Case) -> list[Organisation]:
    """Organisations that took part (active or ended): an ended partner may log what it did."""
    seen = {p.organisation_id: p.organisation for p in case.participants}
    return sorted(seen.values(), key=lambda o: o.name)


def balance(case: Case) -> dict[InterventionCategory, int]:
    """Counts of done interventions per category (all three present, zero included), counted in SQL."""
    counts = dict.fromkeys(InterventionCategory, 0)
    rows = db.session.execute(
        select(InterventionKind.category, func.count(Intervention.id))
        .join(Intervention, Intervention.kind_id == InterventionKind.id)
        .where(Intervention.case_id == case.id, Intervention.status == InterventionStatus.DONE)
        .group_by(InterventionKind.category)
    )
    for category, count in rows:
        counts[InterventionCategory(category)] = count
    return counts


def _of_case(case: Case) -> Select:
    return (
        select(Intervention)
        .where(Intervention.case_id == case.id)
        .options(
            joinedload(Intervention.recorded_by).lazyload(User.role_rows),  # names only, no roles
            selectinload(Intervention.goal),
            selectinload(Intervention.subject_person),
        )
    )


# Most recent first; the id makes the order total for keyset pages (``interventions_page``).
INTERVENTION_ORDER = Order("interventions", (Intervention.occurred_on, Intervention.id), descending=True)


def interventions_for(user: User, case: Case) -> list[Intervention]:
    """All interventions of ``case``, most recent first. Audited as ``intervention.list``."""
    require_audited(user, Action.VIEW_CASE, case)
    rows = list(db.session.scalars(_of_case(case).order_by(Intervention.occurred_on.desc(), Intervention.id.desc())))
    audit.record(user, "intervention.list", case, details={"count": len(rows)})
    return rows


def interventions_page(user: User, case: Case, page: PageRequest) -> Page[Intervention]:
    """One keyset page of ``interventions_for`` (the API). Audited as ``intervention.list`` with the page's position.

    :raises AccessDenied: (audited) :raises InvalidCursor: a cursor not issued for this list.
    """
    require_audited(user, Action.VIEW_CASE, case)
    result = paginate(db.session(), _of_case(case), INTERVENTION_ORDER, page)
    audit.record(user, "intervention.list", case, details={"count": len(result.items), **page.audit_details()})
    return result


def goal_choices(case: Case) -> list[PlanGoal]:
    """The goals of the case's plan an intervention may serve."""
    return list(db.session.scalars(select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.id)))


def subject_choices(case: Case) -> list[Person]:
    """The persons who are subjects of the case (any subject role), in the order they were added."""
    seen: dict[int, Person] = {}
    for subject in sorted(case.subjects, key=lambda s: s.id):
        seen.setdefault(subject.person_id, subject.person)
    return list(seen.values())


def _clean_outcome(outcome: str | None) -> str | None:
    text = (outcome or "").replace("\r\n", "\n").strip() or None
    if text and len(text) > MAX_OUTCOME_LENGTH:
        raise InterventionRefused(f"Ten hoogste {MAX_OUTCOME_LENGTH} tekens.", "outcome")
    return text


def add_intervention(
    case: Case,
    *,
    by: User,
    kind: InterventionKind | None,
    occurred_on: date | None,
    organisation: Organisation | None,
    outcome: str | None = None,
    status: InterventionStatus = InterventionStatus.DONE,
    goal_id: int | None = None,
    subject_person_id: int | None = None,
    today: date | None = None,
) -> Intervention:
    """Log an intervention, done or planned, optionally for a goal of the case's plan and a subject of the case.

    :raises AccessDenied: (audited) :raises InterventionRefused:
    """
    require_audited(by, Action.ADD_INTERVENTION, case)
    require_open(case)
    today = today or local_today()
    if kind is None or not kind.active:
        raise InterventionRefused("Kies een soort interventie.", "kind")
    if status not in (InterventionStatus.DONE, InterventionStatus.PLANNED):
        raise InterventionRefused("Leg een interventie vast als uitgevoerd of gepland.", "status")
    if occurred_on is None:
        raise InterventionRefused("Vul de datum in.", "occurred_on")
    if status is InterventionStatus.DONE and occurred_on > today:
        raise InterventionRefused("De datum ligt in de toekomst; leg de interventie vast als gepland.", "occurred_on")
    if organisation is None or organisation.id not in {o.id for o in participating_organisations(case)}:
        raise InterventionRefused("Kies een organisatie die aan de casus deelneemt.", "organisation")
    goal = None
    if goal_id is not None:
        goal = next((g for g in goal_choices(case) if g.id == goal_id), None)
        if goal is None:  # another case's goal looks like no goal at all
            raise InterventionRefused("Kies een doel uit het plan van aanpak van deze casus.", "goal")
    subject = None
    if subject_person_id is not None:
        subject = next((p for p in subject_choices(case) if p.id == subject_person_id), None)
        if subject is None:
            raise InterventionRefused("Kies een betrokkene van deze casus.", "subject")
    text = _clean_outcome(outcome)
    intervention = Intervention(
        case=case,
        kind=kind,
        occurred_on=occurred_on,
        organisation=organisation,
        recorded_by=by,
        outcome=text,
        status=status,
        goal=goal,
        subject_person=subject,
    )
    db.session.add(intervention)
    db.session.flush()
    audit.record(
        by,
        Action.ADD_INTERVENTION,
        intervention,
        details={
            "kind": kind.code,
            "category": kind.category.value,
            "organisation": organisation.slug,
            "status": status.value,
            "goal_id": goal.id if goal else None,
            "subject_person_id": subject.id if subject else None,
        },
    )
    return intervention


def load_intervention(user: User, case: Case, intervention_id: int) -> Intervention:
    """An intervention of ``case`` (already loaded with the action at hand) or an audited 404."""
    row = db.session.get(Intervention, intervention_id)
    if row is None or row.case_id != case.id:
        raise deny(user, "intervention.view", case, requested_id=intervention_id)
    return row


def settle_intervention(
    intervention: Intervention,
    *,
    by: User,
    status: InterventionStatus,
    expected_version: int | None,
    occurred_on: date | None = None,
    outcome: str | None = None,
    today: date | None = None,
) -> Intervention:
    """Mark a planned intervention done (on ``occurred_on``, default its planned date or today, whichever
    is earlier; never in the future) or cancelled, from the version the user saw.

    :raises AccessDenied: (audited) :raises StaleIntervention: :raises NotPlanned: :raises InterventionRefused:
    """
    case = intervention.case
    require_audited(by, Action.ADD_INTERVENTION, case)
    require_open(case)
    if expected_version is None or expected_version != intervention.version:
        raise StaleIntervention(intervention.version)
    if intervention.status is not InterventionStatus.PLANNED:
        raise NotPlanned("Alleen een geplande interventie kan worden uitgevoerd of geannuleerd.")
    if status not in (InterventionStatus.DONE, InterventionStatus.CANCELLED):
        raise InterventionRefused("Kies uitgevoerd of geannuleerd.", "status")
    today = today or local_today()
    text = _clean_outcome(outcome)
    planned_on = intervention.occurred_on
    savepoint = db.session.begin_nested()
    try:
        if status is InterventionStatus.DONE:
            done_on = occurred_on or min(planned_on, today)
            if done_on > today:
                raise InterventionRefused("De datum ligt in de toekomst.", "occurred_on")
            intervention.occurred_on = done_on
        if text is not None:
            intervention.outcome = text
        intervention.status = status
        db.session.flush()
    except StaleDataError:
        savepoint.rollback()
        db.session.refresh(intervention)
        raise StaleIntervention(intervention.version) from None
    except InterventionRefused:
        savepoint.rollback()
        raise
    savepoint.commit()
    audit.record(
        by,
        "intervention.settle",
        intervention,
        details={"status": status.value, "planned_on": planned_on.isoformat(), "version": intervention.version},
    )
    return intervention
