"""Demo retention: a few old closed cases and signals whose retention has passed, and a destruction
list drawn up from them that waits for the approval of ``gemeente.supervisor`` and ``gemeente.privacy``.

Deterministic (fixed names and dates; the list's peildatum is the day of seeding) and idempotent:
nothing is added once any destruction list exists. Nothing is destroyed: that takes both approvals
and ``casebook retention run``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases.durations import parse_duration
from casebook.cases.models import CaseType, StatusType, SubjectRole
from casebook.cases.services import NewCase, open_case
from casebook.casework import local_today
from casebook.db import db
from casebook.organisations.models import Organisation
from casebook.people.models import Person
from casebook.retention import plan
from casebook.retention.models import DestructionList
from casebook.signals.models import Channel, Signal, SignalPerson, TriageDecision

# type, lead organisation, opened, closed, (family name, given names, birth date)
OLD_CASES = [
    ("radicalisation", "zvh", date(2003, 2, 3), date(2005, 6, 14), ("El Idrissi", "Yassin", date(1986, 3, 9))),
    ("youth", "wijkteam-west", date(2017, 9, 4), date(2019, 3, 29), ("de Graaf", "Milan", date(2002, 11, 1))),
    ("housing_nuisance", "wijkteam-noord", date(2018, 1, 8), date(2020, 7, 10), ("Hoekstra", "Wim", date(1959, 5, 21))),
]
# type, source organisation, received, triaged, decision, (family name, given names, birth date)
OLD_SIGNALS = [
    (
        "youth",
        "politie",
        date(2025, 9, 2),
        date(2025, 9, 16),
        TriageDecision.NO_ACTION,
        ("Visser", "Noa", date(2010, 6, 3)),
    ),
    ("housing_nuisance", "woningcorporatie", date(2025, 10, 6), date(2025, 10, 20), TriageDecision.ADVICE, None),
]
PROBLEM_ANALYSIS = "Afgesloten traject; dossier bewaard tot de archiefactiedatum."
SIGNAL_TEXT = "Melding van overlast; na weging geen casus geopend."


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _person(values: tuple[str, str, date]) -> Person:
    family_name, given_names, birth_date = values
    person = Person(family_name=family_name, given_names=given_names, birth_date=birth_date)
    db.session.add(person)
    return person


def _organisation(slug: str, fallback: Organisation) -> Organisation:
    return db.session.scalar(select(Organisation).where(Organisation.slug == slug)) or fallback


def seed_retention() -> dict[str, int]:
    if db.session.scalar(select(func.count(DestructionList.id))):
        return {"destruction lists": 0}
    types = {t.code: t for t in db.session.scalars(select(CaseType))}
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    if coordinator is None or not types:
        return {"destruction lists": 0}
    home = coordinator.organisation
    for code, lead, opened, closed, person in OLD_CASES:
        case_type = types[code]
        case = open_case(
            NewCase(
                case_type=case_type,
                lead_organisation=_organisation(lead, home),
                subjects=((_person(person), SubjectRole.SUBJECT),),
                opened_at=_at(opened),
            ),
            by=None,
        )
        case.problem_analysis = PROBLEM_ANALYSIS
        case.status = db.session.scalar(
            select(StatusType).where(StatusType.case_type_id == case_type.id, StatusType.is_end.is_(True))
        )
        case.closed_at = _at(closed)
        case.archive_action_on = parse_duration(case_type.retention_period).after(closed)
    for code, source, received, triaged, decision, person in OLD_SIGNALS:
        signal = Signal(
            source_organisation=_organisation(source, home),
            channel=Channel.PARTNER,
            case_type=types[code],
            subject_informed=True,
            registered_by=coordinator,
            received_at=_at(received),
            triaged_at=_at(triaged),
            triaged_by=coordinator,
            criterion_a=False,
            criterion_b=False,
            criterion_c=False,
            criterion_d=False,
            decision=decision,
        )
        signal.description = SIGNAL_TEXT
        if person is not None:
            signal.persons.append(SignalPerson(person=_person(person), role=SubjectRole.SUBJECT))
        db.session.add(signal)
    db.session.flush()
    listing = plan.draw_up(local_today())
    return {"destruction lists": int(listing is not None)}
