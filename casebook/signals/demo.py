"""Demo data for the weegtafel's context and work: an assigned signal, a signal waiting for
information from the police, a question the wijkteam answered, and a signal whose person is known
from an earlier case. Made through the services (audited, encrypted); idempotent and deterministic:
nothing is made when an information request exists already.
"""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject, CaseType, SubjectRole
from casebook.db import db
from casebook.organisations.models import Organisation
from casebook.signals import work
from casebook.signals.context import known_context
from casebook.signals.models import InformationRequest, Signal, SignalPerson


def _user(username: str) -> User | None:
    return db.session.scalar(select(User).where(User.username == username))


def _org(slug: str) -> Organisation | None:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug))


def _ensure_a_known_person(coordinator: User, signals: list[Signal]) -> bool:
    """Make sure one waiting signal is about a person the coordinator knows from a case."""
    context = known_context(coordinator, signals)
    if any(k.cases for per_signal in context.values() for k in per_signal.values()):
        return False
    target = next((s for s in signals if not s.persons), None)
    subject = db.session.scalar(
        select(CaseSubject)
        .join(Case, Case.id == CaseSubject.case_id)
        .where(Case.lead_organisation_id == coordinator.organisation_id)
        .order_by(CaseSubject.id)
    )
    if target is None or subject is None:
        return False
    target.persons.append(SignalPerson(person_id=subject.person_id, role=SubjectRole.SUBJECT, linked_by=coordinator))
    db.session.flush()
    return True


def seed_weegtafel() -> dict[str, int]:
    if db.session.scalar(select(func.count(InformationRequest.id))):
        return {}
    coordinator, answerer = _user("zvh.coordinator"), _user("wijkteam-west.caseworker")
    police, wijkteam = _org("politie"), _org("wijkteam-west")
    if coordinator is None or answerer is None or police is None or wijkteam is None:
        return {}
    signals = list(
        db.session.scalars(
            select(Signal)
            .join(CaseType, CaseType.id == Signal.case_type_id)
            .where(Signal.triaged_at.is_(None), CaseType.restricted.is_(False))
            .order_by(Signal.received_at, Signal.id)
        )
    )
    if len(signals) < 3:
        return {}
    linked = _ensure_a_known_person(coordinator, signals)
    assigned, waiting, answered = signals[0], signals[1], signals[2]
    work.assign(assigned, coordinator.id, by=coordinator, expected_version=assigned.version)
    work.ask(
        waiting,
        police.id,
        "Is er bij de politie een lopend onderzoek of een recente melding over deze betrokkene? (demo)",
        by=coordinator,
    )
    question = work.ask(
        answered,
        wijkteam.id,
        "Is het gezin bekend bij het sociaal wijkteam en is er al hulp ingezet? (demo)",
        by=coordinator,
    )
    work.answer(
        question,
        "Ja, sinds september is er schuldhulp en gezinsbegeleiding ingezet. (demo)",
        by=answerer,
        expected_version=question.version,
    )
    return {
        "weegtafel: assigned signals": 1,
        "weegtafel: information requests": 2,
        "weegtafel: known persons": int(linked),
    }
