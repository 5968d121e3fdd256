"""The weegtafel's first question: are the persons on a signal already known ("bekend")?

For each person linked to a signal the viewer weighs: the cases they are a subject of (open or
closed), their households, and the other signals about them that came in earlier — each only as
far as the viewer may see it anyway (the policy's SQL twins ``case_scope``, ``household_cases``,
``signal_visibility``). The ZVH's coordinators also learn that the register matched the person with
one outside their scope ("mogelijk bekend bij een andere organisatie", ``VIEW_PERSON_MATCHES``),
never with what or whom.

One batch for any number of signals: four statements whatever their number (the queue page's
budget), and one audit event (reading that a person is known is reading personal data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.orm import aliased

from casebook import audit
from casebook.access import household_cases
from casebook.access.rules.signal_requests import weighs
from casebook.access.rules.signals import signal_visibility
from casebook.access.scope import case_scope
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject, SubjectRole
from casebook.db import db
from casebook.people.matches import match_kinds_of
from casebook.people.models import Household, HouseholdMember
from casebook.signals.models import Signal, SignalPerson, TriageDecision


@dataclass(frozen=True)
class KnownCase:
    id: int
    reference: str
    role: SubjectRole
    closed: bool


@dataclass(frozen=True)
class KnownHousehold:
    id: int
    reference: str


@dataclass(frozen=True)
class KnownSignal:
    id: int
    reference: str
    received_at: datetime
    decision: TriageDecision | None


@dataclass
class Known:
    """What the viewer may learn of one person's history."""

    cases: list[KnownCase] = field(default_factory=list)
    households: list[KnownHousehold] = field(default_factory=list)
    signals: list[KnownSignal] = field(default_factory=list)
    elsewhere: bool = False  # mogelijk bekend bij een andere organisatie (ZVH only, no content)

    @property
    def open_cases(self) -> list[KnownCase]:
        return [c for c in self.cases if not c.closed]

    @property
    def closed_cases(self) -> list[KnownCase]:
        return [c for c in self.cases if c.closed]

    @property
    def is_known(self) -> bool:
        return bool(self.cases or self.households or self.signals or self.elsewhere)


# signal id -> person id -> what is known of that person
SignalContext = dict[int, dict[int, Known]]


def known_context(viewer: User, signals: list[Signal]) -> SignalContext:
    """The "bekend" context of the persons on ``signals`` that ``viewer`` weighs (others: nothing)."""
    weighed = [s for s in signals if weighs(viewer, s)]
    links = [link for s in weighed for link in s.persons]
    if not links:
        return {}
    person_ids = sorted({link.person_id for link in links})
    cases = _cases(viewer, person_ids)
    households = _households(viewer, person_ids)
    earlier = _signals(viewer, person_ids)
    elsewhere = match_kinds_of(viewer, person_ids)
    context: SignalContext = {}
    for signal in weighed:
        per_person = context.setdefault(signal.id, {})
        for link in signal.persons:
            person = link.person_id
            per_person[person] = Known(
                cases=cases.get(person, []),
                households=households.get(person, []),
                signals=[
                    s for s in earlier.get(person, []) if s.id != signal.id and s.received_at <= signal.received_at
                ],
                elsewhere=bool(elsewhere.get(person)),
            )
    known = sum(1 for per_person in context.values() for k in per_person.values() if k.is_known)
    audit.record(
        viewer,
        "signal.context.view",
        signals[0] if len(signals) == 1 else None,
        details={"signals": len(weighed), "persons": len(person_ids), "known": known},
    )
    return context


def _cases(viewer: User, person_ids: list[int]) -> dict[int, list[KnownCase]]:
    rows = db.session.execute(
        select(CaseSubject.person_id, CaseSubject.role, Case.id, Case.reference, Case.closed_at)
        .join(Case, Case.id == CaseSubject.case_id)
        .where(CaseSubject.person_id.in_(person_ids), case_scope(viewer))
        .order_by(Case.opened_at.desc(), Case.id.desc())
    )
    found: dict[int, list[KnownCase]] = {}
    for person_id, role, case_id, reference, closed_at in rows:
        found.setdefault(person_id, []).append(KnownCase(case_id, reference, role, closed_at is not None))
    return found


def _households(viewer: User, person_ids: list[int]) -> dict[int, list[KnownHousehold]]:
    member = aliased(HouseholdMember)  # household_cases() names HouseholdMember itself: no correlation
    visible = exists(select(Case.id).where(household_cases(viewer, Household.id)))
    rows = db.session.execute(
        select(member.person_id, Household.id, Household.reference)
        .join(Household, Household.id == member.household_id)
        .where(member.person_id.in_(person_ids), visible)
        .order_by(Household.id)
    )
    found: dict[int, list[KnownHousehold]] = {}
    for person_id, household_id, reference in rows:
        found.setdefault(person_id, []).append(KnownHousehold(household_id, reference))
    return found


def _signals(viewer: User, person_ids: list[int]) -> dict[int, list[KnownSignal]]:
    other = aliased(Signal, flat=True)
    rows = db.session.execute(
        select(SignalPerson.person_id, other.id, other.received_at, other.decision)
        .join(other, other.id == SignalPerson.signal_id)
        .where(SignalPerson.person_id.in_(person_ids), signal_visibility(viewer, other.case_type_id))
        .order_by(other.received_at.desc(), other.id.desc())
    )
    found: dict[int, list[KnownSignal]] = {}
    for person_id, signal_id, received_at, decision in rows:
        reference = Signal.reference_of(signal_id, received_at)
        found.setdefault(person_id, []).append(KnownSignal(signal_id, reference, received_at, decision))
    return found
