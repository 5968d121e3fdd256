"""Demo data for households and interventions: a household formed through the services, a planned
intervention and one tied to a goal of the plan.

The household: the procesregisseur of the ZVH opens a woonoverlast case on the family Koster (a
mother with her partner and son, registered as subjects), forms its household, adds the three with
their relation and names herself its procesregisseur, as on the screens. The interventions go on
the oldest open case led by the ZVH that has a goal in its plan. Idempotent: nothing is added once
the family's case exists; deterministic (fixed names, dates relative to today).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from casebook.auth.models import User
from casebook.cases.models import Case, CaseType, SubjectRole
from casebook.cases.services import NewCase, open_case
from casebook.casework import local_today
from casebook.db import db
from casebook.households import forming
from casebook.households import services as households
from casebook.interventions import services as interventions
from casebook.interventions.models import Intervention, InterventionKind, InterventionStatus
from casebook.organisations.models import District, Organisation
from casebook.people import services as people
from casebook.people.models import Person
from casebook.plans.models import PlanGoal

FAMILY = (  # given names, birth date, relation, role on the case
    ("Linda", date(1984, 6, 2), "parent", SubjectRole.SUBJECT),
    ("Ruud", date(1981, 1, 19), "partner", SubjectRole.FAMILY_MEMBER),
    ("Sem", date(2011, 9, 30), "child", SubjectRole.FAMILY_MEMBER),
)
FAMILY_NAME = "Koster"
# Linda Koster's (made-up, valid) BSN: the README's break-the-glass example finds her case by it
DEMO_GLASS_BSN = "111222333"


def _family_case_exists() -> bool:
    """The family's first member, found by blind index (never by decrypting the register)."""
    _given, born, _relation, _role = FAMILY[0]
    return bool(people.match_identity(family_name=FAMILY_NAME, birth_date=born)[1])


def _seed_household(coordinator: User) -> int:
    zvh = db.session.scalar(select(Organisation).where(Organisation.slug == "zvh"))
    case_type = db.session.scalar(select(CaseType).where(CaseType.code == "housing_nuisance"))
    district = db.session.scalar(select(District).order_by(District.id))
    if zvh is None or case_type is None:
        return 0
    persons = [
        (Person(family_name=FAMILY_NAME, given_names=given, birth_date=born, address="Wielwijk 12, Dordrecht"), role)
        for given, born, _relation, role in FAMILY
    ]
    persons[0][0].bsn = DEMO_GLASS_BSN
    for person, _role in persons:
        db.session.add(person)
    case = open_case(
        NewCase(
            case_type=case_type,
            lead_organisation=zvh,
            district=district,
            process_coordinator=coordinator,
            subjects=tuple(persons),
        ),
        by=None,
    )
    db.session.flush()
    household = forming.create_household(case, by=coordinator, expected_version=case.version)
    _loaded, cases = households.load_household_for(coordinator, household.id)
    for (person, _role), (_given, _born, relation, _r) in zip(persons, FAMILY, strict=True):
        forming.add_member(
            household, cases, by=coordinator, person_id=person.id, relation=relation, expected_version=household.version
        )
    households.set_coordinator(household, cases, coordinator.id, by=coordinator, expected_version=0)
    return 1


def _seed_interventions(coordinator: User, today: date) -> int:
    goal = db.session.scalar(
        select(PlanGoal)
        .join(Case, Case.id == PlanGoal.case_id)
        .where(Case.closed_at.is_(None), Case.lead_organisation_id == coordinator.organisation_id)
        .order_by(PlanGoal.id)
    )
    if goal is None:
        return 0
    case = goal.case
    if db.session.scalar(select(Intervention.id).where(Intervention.goal_id.is_not(None))) is not None:
        return 0
    kinds = {k.code: k for k in db.session.scalars(select(InterventionKind))}
    subject = case.subjects[0].person_id if case.subjects else None
    interventions.add_intervention(
        case,
        by=coordinator,
        kind=kinds["gesprek"],
        occurred_on=today - timedelta(days=3),
        organisation=coordinator.organisation,
        outcome="Huisbezoek: afspraken over het doel besproken.",
        goal_id=goal.id,
        subject_person_id=subject,
        today=today,
    )
    interventions.add_intervention(
        case,
        by=coordinator,
        kind=kinds["zorgtraject"],
        occurred_on=today + timedelta(days=10),
        organisation=coordinator.organisation,
        status=InterventionStatus.PLANNED,
        goal_id=goal.id,
        subject_person_id=subject,
        today=today,
    )
    return 2


def seed_households_and_interventions() -> dict[str, int]:
    counts = {"households formed": 0, "planned and goal-tied interventions": 0}
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    if coordinator is None:
        return counts
    if not _family_case_exists():
        counts["households formed"] = _seed_household(coordinator)
    counts["planned and goal-tied interventions"] = _seed_interventions(coordinator, local_today())
    return counts
