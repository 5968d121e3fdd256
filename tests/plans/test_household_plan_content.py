"""The household plan shows goals, which are case content: never to a supervisor (leak 4)."""

from __future__ import annotations

from casebook.auth.models import Role
from casebook.db import db
from casebook.people.models import Household, HouseholdMember, HouseholdRelation
from casebook.plans.household import household_plan
from tests.factories import login_as, make_case, make_goal, make_org, make_person, make_user
from tests.helpers import last_event


def test_a_supervisor_gets_no_goals_of_the_household_s_cases(client):
    zvh = make_org("zvh")
    mother = make_person("El Khatib", given_names="Samira")
    household = Household(reference="HH-SUP-1")
    household.members.append(HouseholdMember(person=mother, relation=HouseholdRelation.PARENT))
    db.session.add(household)
    db.session.flush()
    case = make_case(lead=zvh, subjects=[mother])
    case.household = household
    make_goal(case, make_user(org=zvh, roles=[Role.COORDINATOR]), text="Doel-PLANTED-household")
    supervisor, worker = make_user(org=zvh, roles=[Role.SUPERVISOR]), make_user(org=zvh)
    db.session.flush()
    assert household_plan(supervisor, household, [case]) == {}
    assert last_event("plan.household.view", actor_user_id=supervisor.id).details["goals"] == 0
    assert sum(map(len, household_plan(worker, household, [case]).values())) == 1
    household_id = household.id
    login_as(client, supervisor)
    response = client.get(f"/households/{household_id}")
    assert response.status_code in (200, 404)
    assert "Doel-PLANTED-household" not in response.get_data(as_text=True)
