"""``casebook seed-demo``: a believable, fictional Dordrecht. Idempotent: natural keys are looked up
first, and the cases are only created when no case exists yet.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import func, select

from casebook.auth.models import Role, User
from casebook.auth.services import create_user
from casebook.cases.models import Case, CaseParticipant, CaseType, Involvement, StatusType, SubjectRole
from casebook.cases.services import NewCase, open_case
from casebook.db import db
from casebook.demo import data
from casebook.handoffs.demo import seed_handoffs
from casebook.organisations.models import District, Organisation, OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person

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
    db.session.flush()
    return created


def seed_accounts(password: str) -> int:
    created = 0
    organisations = {o.slug: o for o in db.session.scalars(select(Organisation))}
    for username, display_name, slug, roles in data.ACCOUNTS:
        if db.session.scalar(select(User.id).where(User.username == username)) is None:
            create_user(username, display_name, organisations[slug], [Role(r) for r in roles], password)
            created += 1
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
    summary.update(seed_cases())
    db.session.flush()
    summary.update(seed_handoffs())
    return summary
