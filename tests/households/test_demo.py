"""The demo shows a household formed through the services, a planned intervention and one tied to a goal."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.db import db
from casebook.demo.seed import seed
from casebook.households.demo import DEMO_GLASS_BSN, seed_households_and_interventions
from casebook.households.services import coordination_of
from casebook.interventions.models import Intervention, InterventionStatus
from casebook.people.models import Household, HouseholdRelation
from casebook.supervision.glass_search import find_cases_by_person
from tests.helpers import last_event


def test_demo_forms_a_household_and_records_planned_and_goal_tied_interventions(app):
    seed("demo-password-for-tests")
    created = last_event("household.create")
    household = db.session.get(Household, int(created.object_id))
    assert [(m.person.given_names, m.relation) for m in household.members] == [
        ("Linda", HouseholdRelation.PARENT),
        ("Ruud", HouseholdRelation.PARTNER),
        ("Sem", HouseholdRelation.CHILD),
    ]
    assert coordination_of(household.id).process_coordinator.username == "zvh.coordinator"
    planned = db.session.scalar(select(Intervention).where(Intervention.status == InterventionStatus.PLANNED))
    assert planned is not None and planned.goal_id is not None and planned.subject_person_id is not None
    done = db.session.scalar(
        select(Intervention).where(Intervention.status == InterventionStatus.DONE, Intervention.goal_id.is_not(None))
    )
    assert done is not None and done.goal.case_id == done.case_id
    # the police officer at the door finds the family's case by Linda's BSN, to break the glass
    officer = db.session.scalar(select(User).where(User.username == "politie.caseworker"))
    found = find_cases_by_person(officer, bsn=DEMO_GLASS_BSN)
    assert [(f.case.household_id, f.in_scope) for f in found] == [(household.id, False)]
    before = db.session.scalar(select(func.count(Intervention.id)))
    assert all(value == 0 for value in seed_households_and_interventions().values())
    assert db.session.scalar(select(func.count(Intervention.id))) == before
