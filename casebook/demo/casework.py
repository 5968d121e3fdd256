"""Demo data for case work: closing results, status histories, a closure awaiting approval,
evaluation dates, signals in the weegtafel queue (some overdue) and a household whose members
each have a case. Idempotent: each part runs only when its own data is absent.
"""

from __future__ import annotations

import itertools
import random
from datetime import date, timedelta

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases.durations import parse_duration
from casebook.cases.models import (
    Case,
    CaseClosureStep,
    CaseParticipant,
    CaseResult,
    CaseStatusChange,
    CaseType,
    ClosureStepKind,
    Involvement,
    SubjectRole,
)
from casebook.cases.services import NewCase, open_case
from casebook.db import db, utcnow
from casebook.demo import data
from casebook.households.models import HouseholdCoordination
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person
from casebook.signals.models import Channel, Signal, SignalPerson, TriageDecision

SEED = 20261128
DEMO_HOUSEHOLD = "HH-90001"


def seed_case_results() -> int:
    created = 0
    for case_type in db.session.scalars(select(CaseType)):
        existing = set(db.session.scalars(select(CaseResult.code).where(CaseResult.case_type_id == case_type.id)))
        for position, (code, label_nl, label_en) in enumerate(data.CASE_RESULTS, start=1):
            if code not in existing:
                db.session.add(
                    CaseResult(case_type=case_type, code=code, label_nl=label_nl, label_en=label_en, position=position)
                )
                created += 1
    db.session.flush()
    return created


def _users() -> dict[str, User]:
    return {u.username: u for u in db.session.scalars(select(User))}


def seed_status_histories() -> int:
    """Walk every demo case from its first status to its current one, closing the closed ones."""
    if db.session.scalar(select(func.count(CaseClosureStep.id))):
        return 0
    users = _users()
    coordinator, supervisor = users.get("zvh.coordinator"), users.get("zvh.supervisor")
    if coordinator is None or supervisor is None:
        return 0
    results = {}
    for result in db.session.scalars(select(CaseResult)):
        results.setdefault(result.case_type_id, []).append(result)
    rng = random.Random(SEED)
    walked = 0
    today = utcnow().date()
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        statuses = sorted(case.case_type.statuses, key=lambda s: s.position)
        steps = [s for s in statuses if s.position <= case.status.position]
        if len(steps) < 2:
            case.next_evaluation_on = today + timedelta(days=rng.randint(-5, 40))
            continue
        at = case.opened_at
        for previous, status in itertools.pairwise(steps):
            at += timedelta(days=rng.randint(7, 20))
            if status.is_end:
                _closure(case, previous, status, results.get(case.case_type_id, []), coordinator, supervisor, at)
            else:
                db.session.add(
                    CaseStatusChange(
                        case=case,
                        from_status=previous,
                        to_status=status,
                        changed_by=coordinator,
                        changed_at=at,
                        version=1,
                    )
                )
        if not case.status.is_end:
            case.next_evaluation_on = today + timedelta(days=rng.randint(-5, 40))
        walked += 1
    db.session.flush()
    _pending_closure(coordinator, results)
    return walked


def _closure(case, previous, end, results, coordinator, supervisor, at) -> None:
    result = results[case.id % len(results)] if results else None
    proposal = CaseClosureStep(
        case=case, kind=ClosureStepKind.PROPOSED, result=result, by=coordinator, at=at, version=1
    )
    proposal.text = "Doelen uit het plan van aanpak zijn behaald; zorg loopt via het wijkteam. (demo)"
    approval_at = at + timedelta(days=2)
    db.session.add_all(
        [
            proposal,
            CaseClosureStep(
                case=case, kind=ClosureStepKind.APPROVED, result=result, by=supervisor, at=approval_at, version=1
            ),
            CaseStatusChange(
                case=case, from_status=previous, to_status=end, changed_by=supervisor, changed_at=approval_at, version=1
            ),
        ]
    )
    case.result = result
    case.closing_summary = proposal.text
    case.closed_at = approval_at
    case.archive_action_on = parse_duration(case.case_type.retention_period).after(approval_at.date())


def _pending_closure(coordinator: User, results: dict) -> None:
    """One case in aftercare, led by the ZVH, whose closure awaits the supervisor."""
    for case in db.session.scalars(select(Case).order_by(Case.id)):
        if case.status.code == "nazorg" and case.lead_organisation.slug == "zvh" and case.closure_proposed_at is None:
            at = utcnow() - timedelta(days=1)
            step = CaseClosureStep(
                case=case,
                kind=ClosureStepKind.PROPOSED,
                result=results[case.case_type_id][0],
                by=coordinator,
                at=at,
                version=case.version + 1,
            )
            step.text = "Betrokkene heeft werk en woont stabiel; nazorg afgerond. (demo)"
            case.closure_proposed_at = at
            db.session.add(step)
            db.session.flush()
            return


SIGNALS = [
    # working days ago, source org slug, channel, case type, district, registrant, description, informed
    (
        12,
        "politie",
        Channel.POLICE,
        "youth",
        "crabbehof",
        "politie.caseworker",
        "Jongere drie keer aangehouden met een mes in de buurt van het winkelcentrum. (demo)",
        True,
    ),
    (
        8,
        "woningcorporatie",
        Channel.PARTNER,
        "housing_nuisance",
        "wielwijk",
        "wijkteam-west.caseworker",
        "Aanhoudende overlast, vervuilde woning, buren durven niet meer te klagen. (demo)",
        False,
    ),
    (
        6,
        "veilig-thuis",
        Channel.VEILIG_THUIS,
        "domestic_violence",
        "oud-krispijn",
        "veilig-thuis.caseworker",
        "Meerdere meldingen van geweld achter de voordeur; kinderen in het gezin. (demo)",
        False,
    ),
    (
        3,
        "gemeente",
        Channel.MELD_MISDAAD_ANONIEM,
        "adult_offender",
        "binnenstad",
        "zvh.caseworker",
        "Anonieme melding over drugshandel vanuit een bovenwoning. (demo)",
        False,
    ),
    (
        1,
        "jongerenwerk",
        Channel.SCHOOL,
        "youth",
        "noordflank",
        "jongerenwerk.caseworker",
        "School meldt verzuim en zorgen over contacten met oudere jongeren. (demo)",
        True,
    ),
    (
        0,
        "wijkteam-noord",
        Channel.RESIDENT,
        "housing_nuisance",
        "dubbeldam",
        "wijkteam-noord.caseworker",
        "Bewoner meldt verward gedrag van een buurman, 's nachts geschreeuw. (demo)",
        True,
    ),
]
TRIAGED = [
    (
        20,
        "politie",
        Channel.POLICE,
        "adult_offender",
        "reeland",
        "politie.caseworker",
        "Winkeldiefstallen, geen woonadres. (demo)",
        TriageDecision.REFER,
        "reclassering",
    ),
    (
        15,
        "wijkteam-west",
        Channel.PARTNER,
        "youth",
        "zuidhoven",
        "wijkteam-west.caseworker",
        "Zorgen over spijbelen; één leefgebied. (demo)",
        TriageDecision.ADVICE,
        None,
    ),
]


def _working_days_ago(days: int):
    moment = utcnow() - timedelta(hours=2)
    while days > 0:
        moment -= timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


def seed_signals() -> int:
    if db.session.scalar(select(func.count(Signal.id))):
        return 0
    users = _users()
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    types = {t.code: t for t in db.session.scalars(select(CaseType))}
    districts = {d.code: d for d in db.session.scalars(select(District))}
    persons = list(db.session.scalars(select(Person).order_by(Person.id).limit(len(SIGNALS))))
    created = 0
    for index, (ago, org, channel, type_code, district, username, text, informed) in enumerate(SIGNALS):
        signal = Signal(
            source_organisation=orgs[org],
            channel=channel,
            case_type=types[type_code],
            district=districts[district],
            subject_informed=informed,
            registered_by=users[username],
            received_at=_working_days_ago(ago),
        )
        signal.description = text
        signal.not_informed_reason = (
            None if informed else "Lopend politieonderzoek; informeren kan de veiligheid schaden."
        )
        if index % 2 == 0 and index < len(persons):
            link = SignalPerson(person=persons[index], role=SubjectRole.SUBJECT, linked_by=users[username])
            signal.persons.append(link)
        db.session.add(signal)
        created += 1
    for ago, org, channel, type_code, district, username, text, decision, referred in TRIAGED:
        signal = Signal(
            source_organisation=orgs[org],
            channel=channel,
            case_type=types[type_code],
            district=districts[district],
            subject_informed=True,
            registered_by=users[username],
            received_at=_working_days_ago(ago),
            triaged_at=_working_days_ago(ago - 2),
            triaged_by=users["zvh.coordinator"],
            criterion_a=False,
            criterion_b=True,
            criterion_c=False,
            criterion_d=False,
            decision=decision,
            referred_to=orgs.get(referred) if referred else None,
        )
        signal.description = text
        signal.decision_reason = "Niet aan de inclusiecriteria voldaan; passende hulp elders. (demo)"
        db.session.add(signal)
        created += 1
    db.session.flush()
    return created


def seed_household_with_cases() -> int:
    """A family of three, each member with their own case, under one household procesregisseur."""
    if db.session.scalar(select(Household.id).where(Household.reference == DEMO_HOUSEHOLD)) is not None:
        return 0
    users = _users()
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    types = {t.code: t for t in db.session.scalars(select(CaseType))}
    district = db.session.scalar(select(District).where(District.code == "crabbehof"))
    coordinator = users.get("zvh.coordinator")
    if coordinator is None or district is None:
        return 0
    household = Household(reference=DEMO_HOUSEHOLD, district=district)
    members = [
        ("El Khatib", "Samira", date(1984, 3, 9), HouseholdRelation.PARENT, "housing_nuisance"),
        ("El Khatib", "Ayoub", date(2009, 7, 21), HouseholdRelation.CHILD, "youth"),
        ("El Khatib", "Ilias", date(2011, 1, 30), HouseholdRelation.CHILD, "youth"),
    ]
    opened = utcnow() - timedelta(days=90)
    for index, (family_name, given_names, born, relation, type_code) in enumerate(members):
        person = Person(family_name=family_name, given_names=given_names, birth_date=born)
        household.members.append(HouseholdMember(person=person, relation=relation))
        db.session.add(household)
        db.session.flush()
        case = open_case(
            NewCase(
                case_type=types[type_code],
                lead_organisation=orgs["zvh"],
                district=district,
                referring_organisation=orgs["politie"] if type_code == "youth" else orgs["woningcorporatie"],
                process_coordinator=coordinator,
                household=household,
                subjects=((person, SubjectRole.SUBJECT),),
                opened_at=opened + timedelta(days=index),
            ),
            by=coordinator,
        )
        case.participants.append(
            CaseParticipant(organisation=orgs["wijkteam-west"], involvement=Involvement.CONTRIBUTOR, started_at=opened)
        )
        case.next_evaluation_on = utcnow().date() + timedelta(days=3 + index * 10)
    db.session.add(HouseholdCoordination(household=household, process_coordinator=coordinator, set_by=coordinator))
    db.session.flush()
    return 1


def seed_casework() -> dict[str, int]:
    return {
        "case results": seed_case_results(),
        "status histories": seed_status_histories(),
        "signals": seed_signals(),
        "demo households": seed_household_with_cases(),
    }
