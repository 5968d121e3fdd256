"""Intervention rules: logging what was done and the balance per category. Every read and change is audited.

- Reading needs ``VIEW_CASE``; logging needs ``ADD_INTERVENTION`` (writing participants).
- The kind is an active kind from the data-driven list; the date is not in the future (a
  planned intervention is a plan action); the organisation took part in the case.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import Action, require_audited
from casebook.auth.models import User
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.errors import RuleViolation
from casebook.interventions.models import Intervention, InterventionCategory, InterventionKind
from casebook.organisations.models import Organisation
from casebook.pagination import Order, Page, PageRequest, paginate

MAX_OUTCOME_LENGTH = 4_000


class InterventionRefused(RuleViolation):
    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


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
    """Counts per category (all three present, zero included), counted in SQL."""
    counts = dict.fromkeys(InterventionCategory, 0)
    rows = db.session.execute(
        select(InterventionKind.category, func.count(Intervention.id))
        .join(Intervention, Intervention.kind_id == InterventionKind.id)
        .where(Intervention.case_id == case.id)
        .group_by(InterventionKind.category)
    )
    for category, count in rows:
        counts[InterventionCategory(category)] = count
    return counts


def _of_case(case: Case) -> Select:
    return (
        select(Intervention)
        .where(Intervention.case_id == case.id)
        .options(joinedload(Intervention.recorded_by).lazyload(User.role_rows))  # names only, no roles
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


def add_intervention(
    case: Case,
    *,
    by: User,
    kind: InterventionKind | None,
    occurred_on: date | None,
    organisation: Organisation | None,
    outcome: str | None = None,
    today: date | None = None,
) -> Intervention:
    """Log an intervention. :raises AccessDenied: (audited) :raises InterventionRefused:"""
    require_audited(by, Action.ADD_INTERVENTION, case)
    require_open(case)
    today = today or local_today()
    if kind is None or not kind.active:
        raise InterventionRefused("Kies een soort interventie.", "kind")
    if occurred_on is None:
        raise InterventionRefused("Vul de datum in.", "occurred_on")
    if occurred_on > today:
        raise InterventionRefused(
            "De datum ligt in de toekomst; leg een geplande interventie vast als actie.", "occurred_on"
        )
    if organisation is None or organisation.id not in {o.id for o in participating_organisations(case)}:
        raise InterventionRefused("Kies een organisatie die aan de casus deelneemt.", "organisation")
    text = (outcome or "").replace("\r\n", "\n").strip() or None
    if text and len(text) > MAX_OUTCOME_LENGTH:
        raise InterventionRefused(f"Ten hoogste {MAX_OUTCOME_LENGTH} tekens.", "outcome")
    intervention = Intervention(
        case=case, kind=kind, occurred_on=occurred_on, organisation=organisation, recorded_by=by, outcome=text
    )
    db.session.add(intervention)
    db.session.flush()
    audit.record(
        by,
        Action.ADD_INTERVENTION,
        intervention,
        details={"kind": kind.code, "category": kind.category.value, "organisation": organisation.slug},
    )
    return intervention
