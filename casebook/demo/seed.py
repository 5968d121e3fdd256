"""``casebook seed-demo``: a believable, fictional Dordrecht. Idempotent: natural keys are looked up
first, and the cases are only created when no case exists yet.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from flask import current_app
from sqlalchemy import func, select

from casebook.auth.models import Role, User
from casebook.auth.services import create_user
from casebook.cases.closing_demo import seed_closure_after_transfer
from casebook.cases.dossier_models import CaseFlagType
from casebook.cases.models import Case, CaseParticipant, CaseType, Involvement, StatusType, SubjectRole
from casebook.cases.services import NewCase, open_case
from casebook.confidentiality import Confidentiality as C
from casebook.db import db
from casebook.demo import data
from casebook.demo.casework import seed_casework
from casebook.demo.content import seed_case_work
from casebook.demo.dossier import seed_dossiers
from casebook.handoffs.demo import seed_handoffs
from casebook.meetings.demo import seed_meeting_preparation
from casebook.organisations.models import District, Organisation, OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person
from casebook.plans.demo import seed_plan_steering
from casebook.settings import is_production
from casebook.signals.demo import seed_weegtafel

CASES_TO_CREATE = 60
SEED = 20260401


def database_is_empty() -> bool:
    return db.session.scalar(select(func.count(Organisation.id))) == 0


def demo_bsn(rng: random.Random, taken: set[str]) -> str:
    """A BSN from the RvIG test range that passes the 11-proef."""
    while True:
        candidate = f"99999{rng.randrange(0, 10_000):04d}"
        digits = [int(c) for c in candidate]
        total = sum(w * d for w, d in zip(range(9, 1, -1), digits[:8], strict=True)) - digits[8]
        if total % 11 == 0 and candidate not in taken:
            taken.add(candidate)
            return candidate


def _get_or_create(model: type, lookup: dict, **values: object) -> tuple[object, bool]:
    existing = db.session.scalar(select(model).filter_by(**lookup))
    if existing is not None:
        return existing, False
    obj = model(**lookup, **values)
    db.session.add(obj)
    return obj, True


def seed_reference_data() -> dict[str, int]:
    created = {"districts": 0, "organisations": 0, "case types": 0}
    for code, name in data.DISTRICTS:
        created["districts"] += _get_or_create(District, {"code": code}, name=name)[1]
    for slug, name, kind in data.ORGANISATIONS:
        created["organisations"] += _get_or_create(
            Organisation, {"slug": slug}, name=name, kind=OrganisationKind(kind)
        )[1]
    for code, label_nl, label_en, restricted, confidentiality, retention in data.CASE_TYPES:
        case_type, new = _get_or_create(
            CaseType,
            {"code": code},
            label_nl=label_nl,
            label_en=label_en,
            restricted=restricted,
            default_confidentiality=confidentiality,
            retention_period=retention,
        )
        if new:
            created["case types"] += 1
            for position, (status_code, status_nl, status_en) in enumerate(data.PGA_STATUSES, start=1):
                case_type.statuses.append(
                    StatusType(
                        code=status_code,
                        label_nl=status_nl,
                        label_en=status_en,
                        position=position,
                        is_end=position == len(data.PGA_STATUSES),
                    )
                )
    for position, (code, label_nl, label_en, safety) in enumerate(data.FLAG_TYPES, start=1):
        _get_or_create(
            CaseFlagType, {"code": code}, label_nl=label_nl, label_en=label_en, safety=safety, position=position
        )
    db.session.flush()
    return created


def seed_accounts(password: str) -> int:
    """Create the demo accounts. Outside production they are exempt from MFA (a trainer logs in with the
    password only; the login page says so); in production the exemption is never set, and ignored anyway.
    """
    created = 0
    exempt = not is_production(current_app.config)
    organisations = {o.slug: o for o in db.session.scalars(select(Organisation))}
    for username, display_name, slug, roles in data.ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = create_user(username, display_name, organisations[slug], [Role(r) for r in roles], password)
            created += 1
        user.mfa_exempt_demo = exempt
    return created


def _person(rng: random.Random, bsns: set[str], family_name: str, adult: bool) -> Person:
    today = date(2026, 11, 1)
    age = rng.randint(25, 60) if adult else rng.randint(12, 23)
    return Person(
        family_name=family_name,
        given_names=rng.choice(data.GIVEN_NAMES),
        birth_date=today - timedelta(days=age * 365 + rng.randint(0, 364)),
        bsn=demo_bsn(rng, bsns),
        address=f"{rng.choice(data.STREETS)} {rng.randint(1, 180)}, Dordrecht",
        phone=f"06-{rng.randint(10_000_000, 99_999_999)}",
    )


def seed_cases(count: int = CASES_TO_CREATE) -> dict[str, int]:
    if db.session.scalar(select(func.count(Case.id))):
        return {"cases": 0, "persons": 0, "households": 0}
    rng = random.Random(SEED)
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    districts = list(db.session.scalars(select(District).order_by(District.id)))
    types = {t.code: t for t in db.session.scalars(select(CaseType))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    bsns: set[str] = set()
    type_plan = ["youth"] * 18 + ["housing_nuisance"] * 14 + ["adult_offender"] * 12
    type_plan += ["domestic_violence"] * 9 + ["radicalisation"] * 7
    persons = households = 0
    now = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    for number in range(count):
        case_type = types[type_plan[number % len(type_plan)]]
        district = districts[number % len(districts)]
        wijkteam = orgs[data.DISTRICT_WIJKTEAM[district.code]]
        family_name = rng.choice(data.FAMILY_NAMES)
        household = Household(reference=f"HH-{number + 1:05d}", district=district)
        subject = _person(rng, bsns, family_name, adult=case_type.code != "youth")
        household.members.append(
            HouseholdMember(
                person=subject,
                relation=HouseholdRelation.CHILD if case_type.code == "youth" else HouseholdRelation.PARENT,
            )
        )
        subjects = [(subject, SubjectRole.SUBJECT if case_type.code != "domestic_violence" else SubjectRole.SUSPECT)]
        if case_type.code in ("youth", "domestic_violence") or number % 4 == 0:
            relative = _person(rng, bsns, family_name, adult=True)
            relation = HouseholdRelation.PARENT if case_type.code == "youth" else HouseholdRelation.PARTNER
            household.members.append(HouseholdMember(person=relative, relation=relation))
            role = SubjectRole.VICTIM if case_type.code == "domestic_violence" else SubjectRole.FAMILY_MEMBER
            subjects.append((relative, role))
        db.session.add(household)
        persons += len(subjects)
        households += 1
        lead = orgs["zvh"] if number % 3 else wijkteam
        referring = {
            "youth": orgs["politie"],
            "housing_nuisance": orgs["woningcorporatie"],
            "adult_offender": orgs["politie"],
            "domestic_violence": orgs["veilig-thuis"],
            "radicalisation": orgs["gemeente"],
        }[case_type.code]
        case = open_case(
            NewCase(
                case_type=case_type,
                lead_organisation=lead,
                district=district,
                referring_organisation=referring,
                process_coordinator=users["zvh.coordinator"] if lead.slug == "zvh" else None,
                household=household,
                subjects=tuple(subjects),
                opened_at=now - timedelta(days=7 * (count - number) + rng.randint(0, 6)),
            ),
            by=None,
        )
        _add_participants(case, number, orgs, wijkteam, users)
        _set_status(case, number)
    return {"cases": count, "persons": persons, "households": households}


def _add_participants(case: Case, number: int, orgs: dict, wijkteam: Organisation, users: dict) -> None:
    """Spread relations so every demo account sees some cases, in every role of participation."""
    extra: list[tuple[Organisation, Involvement, User | None]] = []
    if case.lead_organisation is not wijkteam:
        extra.append((wijkteam, Involvement.CONTRIBUTOR, None))
    code = case.case_type.code
    if code in ("youth", "adult_offender") and number % 2 == 0:
        extra.append((orgs["politie"], Involvement.CONTRIBUTOR, None))
    if code == "youth" and number % 3 == 0:
        extra.append((orgs["jongerenwerk"], Involvement.CONTRIBUTOR, None))
    if code == "domestic_violence":
        extra.append((orgs["veilig-thuis"], Involvement.CONTRIBUTOR, None))
    if code == "housing_nuisance":
        extra.append((orgs["woningcorporatie"], Involvement.OBSERVER, None))
        extra.append((orgs["ggd"], Involvement.CONTRIBUTOR, None))
    if code == "radicalisation":
        extra.append((orgs["politie"], Involvement.OBSERVER, None))
    if number % 5 == 0 and case.lead_organisation.slug == "zvh":
        extra.append((orgs["zvh"], Involvement.LEAD, users["zvh.caseworker"]))
    if code == "adult_offender" and number % 2 == 1:
        extra.append((orgs["politie"], Involvement.OBSERVER, None))  # reads along, never writes
    if code == "adult_offender" and number % 4 == 1:
        # A named user: this jongerenwerker takes part personally; their colleagues do not see the case.
        extra.append((orgs["jongerenwerk"], Involvement.CONTRIBUTOR, users["jongerenwerk.caseworker"]))
    for organisation, involvement, user in extra:
        if user is None and any(p.organisation_id == organisation.id for p in case.participants):
            continue
        case.participants.append(
            CaseParticipant(organisation=organisation, involvement=involvement, user=user, started_at=case.opened_at)
        )
    if number % 11 == 0 and code == "youth":
        # A former participant: jongerenwerk took part and has left; it keeps no access.
        case.participants.append(
            CaseParticipant(
                organisation=orgs["jongerenwerk"],
                involvement=Involvement.CONTRIBUTOR,
                started_at=case.opened_at,
                ended_at=case.opened_at + timedelta(days=30),
            )
        )


def _set_status(case: Case, number: int) -> None:
    statuses = sorted(case.case_type.statuses, key=lambda s: s.position)
    case.status = statuses[number % len(statuses)]
    if case.status.is_end:
        case.closed_at = case.opened_at + timedelta(days=120)


def seed(password: str) -> dict[str, int]:
    summary = seed_reference_data()
    summary["accounts"] = seed_accounts(password)
    summary["authorisations"] = seed_authorisations()
    summary.update(seed_cases())
    summary["break-the-glass grants"] = seed_break_glass()
    summary.update(seed_casework())
    summary.update(seed_case_work())
    summary.update(seed_meeting_preparation())
    summary.update(seed_plan_steering())
    summary.update(seed_dossiers())
    db.session.flush()
    summary.update(seed_handoffs())
    summary.update(seed_weegtafel())
    summary.update(seed_closure_after_transfer())
    from casebook.households.demo import seed_households_and_interventions

    summary.update(seed_households_and_interventions())
    # after every demo that opens a case: the documents go to the newest open cases, the first in the list
    from casebook.documents.demo import seed_documents

    summary.update(seed_documents())
    from casebook.retention.demo import seed_retention

    summary.update(seed_retention())
    from casebook.privacy.demo import seed_processing_log

    if any(summary.values()):  # the reads of a first seed only: a second one seeds and reads nothing
        summary.update(seed_processing_log())
    from casebook.subject_requests.demo import seed_subject_requests

    summary.update(seed_subject_requests())
    if current_app.config["DEMO_HISTORY"]:
        from casebook.demo.history import seed_history

        summary.update(seed_history())
    if any(summary.values()):  # a second run seeds nothing and leaves the facts as they are
        summary.update(_refresh_report_facts())
    return summary


def _refresh_report_facts() -> dict[str, int]:
    """Last: the history reports count the facts of everything seeded above (as the hourly timer would)."""
    from casebook.reports.refresh import refresh_facts

    db.session.flush()
    done = refresh_facts(db.session)
    return {"report facts (cases)": done.cases}


CASEWORKER_ACTIONS = ("case.view", "note.list", "case.update", "note.add", "intervention.add", "plan.edit")
COORDINATOR_ACTIONS = (
    *CASEWORKER_ACTIONS,
    "case.transition",
    "case.close.propose",
    "case.reopen",
    "case.participants",
    "handoff.send",
    "case.create",
)
SUPERVISOR_ACTIONS = ("case.view", "case.close.approve")
ROLE_ACTIONS = {"caseworker": CASEWORKER_ACTIONS, "coordinator": COORDINATOR_ACTIONS, "supervisor": SUPERVISOR_ACTIONS}

# Restricted types are seen only by those explicitly authorised: (type, organisation or None,
# role or None, username or None, maximum confidentiality).
RESTRICTED_AUTHORISATIONS = [
    ("domestic_violence", "veilig-thuis", "caseworker", None, C.CONFIDENTIEEL),
    ("domestic_violence", None, None, "zvh.coordinator", C.CONFIDENTIEEL),
    ("domestic_violence", None, None, "zvh.supervisor", C.CONFIDENTIEEL),
    ("radicalisation", None, None, "zvh.coordinator", C.GEHEIM),
    ("radicalisation", None, None, "zvh.supervisor", C.GEHEIM),
]


def seed_authorisations() -> int:
    """ZGW-style authorisations: every partner's caseworkers, coordinators and supervisors for the
    non-restricted types up to ``vertrouwelijk``; the restricted types only for named parties.
    Granted by the system (``by=None``) and audited. Skipped when any authorisation exists.
    """
    from casebook.access.models import Authorisation
    from casebook.access.services import grant_authorisation

    if db.session.scalar(select(func.count(Authorisation.id))):
        return 0
    types = {t.code: t for t in db.session.scalars(select(CaseType))}
    orgs = {o.slug: o for o in db.session.scalars(select(Organisation))}
    users = {u.username: u for u in db.session.scalars(select(User))}
    granted = 0
    for case_type in types.values():
        if case_type.restricted:
            continue
        for role, actions in ROLE_ACTIONS.items():
            grant_authorisation(
                None, case_type=case_type, actions=actions, max_confidentiality=C.VERTROUWELIJK, role=Role(role)
            )
            granted += 1
    for code, org_slug, role, username, maximum in RESTRICTED_AUTHORISATIONS:
        user = users[username] if username else None
        actions = ROLE_ACTIONS[role] if role else ROLE_ACTIONS[str(sorted(user.roles)[0])]
        grant_authorisation(
            None,
            case_type=types[code],
            actions=actions,
            max_confidentiality=maximum,
            user=user,
            organisation=orgs[org_slug] if org_slug else None,
            role=Role(role) if role else None,
        )
        granted += 1
    return granted


def seed_break_glass() -> int:
    """Two past break-the-glass grants by the police on housing-nuisance cases (where the police takes
    no part): one awaiting review, one judged justified. Skipped when any grant exists.
    """
    from casebook.access import can
    from casebook.access.break_glass import break_glass, review
    from casebook.access.models import BreakGlassAccess, ReviewStatus

    if db.session.scalar(select(func.count(BreakGlassAccess.id))):
        return 0
    officer = db.session.scalar(select(User).where(User.username == "politie.caseworker"))
    supervisor = db.session.scalar(select(User).where(User.username == "gemeente.supervisor"))
    if officer is None or supervisor is None:
        return 0
    candidates = db.session.scalars(
        select(Case).join(Case.case_type).where(CaseType.code == "housing_nuisance").order_by(Case.id)
    )
    targets = [c for c in candidates if not can(officer, "case.view", c)][:2]
    reasons = [
        "Melding van acuut gevaar bij dit adres tijdens nachtdienst; context nodig voor inzet.",
        "Aanhouding van een bewoner, controle op lopende afspraken met de woningcorporatie.",
    ]
    grants = []
    for number, (case, reason) in enumerate(zip(targets, reasons, strict=False)):
        when = datetime(2026, 11, 10 + number, 2, 30, tzinfo=UTC)
        grants.append(break_glass(officer, case.reference, reason, now=when))
    if len(grants) > 1:
        review(
            supervisor, grants[1], ReviewStatus.JUSTIFIED, "Inzet was nodig.", now=datetime(2026, 11, 12, tzinfo=UTC)
        )
    return len(grants)
