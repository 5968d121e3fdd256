"""The authorisation matrix for persons and households, declared as a table:
role × relation of the person to the user × organisation kind → person view, search hit, BSN
reveal, household view.

Relations: the person is a subject of a case of the user's organisation (``visible_case``), only of
a case of another organisation (``hidden_only``), or of no case at all (``no_case``, e.g. known
only from someone else's signal). The person lives in a household attached to that case.
Organisation kinds: the ZVH (may process BSNs) and jongerenwerk (may not).

Each cell runs against the services (outcome and audit event) and against the screens and the
API (status, search results). A person outside the user's scope looks exactly like no person.
"""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.db import db
from casebook.households import services as households
from casebook.organisations.models import OrganisationKind
from casebook.people import services as people
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person
from tests.factories import bearer, login_as, make_api_token, make_case, make_org, make_person, make_signal, make_user
from tests.helpers import last_event

ROLES = ("caseworker", "coordinator", "supervisor", "admin")
RELATIONS = ("visible_case", "hidden_only", "no_case")
KINDS = ("zvh", "youth_work")
VIEW, SEARCH_HIT, REVEAL, HOUSEHOLD = "view", "search_hit", "reveal", "household"
BIRTH = date(2004, 3, 9)

# With the person in a visible case: what each role may do. In every other relation: nothing.
ALLOWED_IN_VISIBLE_CASE: dict[str, set[str]] = {
    "caseworker": {VIEW, SEARCH_HIT, REVEAL, HOUSEHOLD},
    "coordinator": {VIEW, SEARCH_HIT, REVEAL, HOUSEHOLD},
    "supervisor": {VIEW, HOUSEHOLD},  # no person search, no BSN reveal
    "admin": set(),
}
SEARCHING_ROLES = {"caseworker", "coordinator"}


def expected(role: str, relation: str, kind: str) -> set[str]:
    if relation != "visible_case":
        return set()
    allowed = set(ALLOWED_IN_VISIBLE_CASE[role])
    if kind == "youth_work":
        allowed.discard(REVEAL)  # the organisation may not process BSNs
    return allowed


CELLS = list(itertools.product(ROLES, RELATIONS, KINDS))


def _world(role: str, relation: str, kind: str) -> dict:
    org = make_org(kind=OrganisationKind.ZVH if kind == "zvh" else OrganisationKind.YOUTH_WORK)
    user = make_user(org=org, roles=[Role(role)])
    person = make_person("Matrix", given_names="Sam", birth_date=BIRTH, bsn="123456782")
    household = Household(reference=f"HH-M-{person.id}")
    household.members.append(HouseholdMember(person=person, relation=HouseholdRelation.CHILD))
    db.session.add(household)
    db.session.flush()
    if relation == "visible_case":
        make_case(lead=org, subjects=[person]).household = household
    elif relation == "hidden_only":
        make_case(lead=make_org(), subjects=[person]).household = household
    else:
        make_signal(make_user(org=make_org()), persons=[person])
    db.session.flush()
    return {"user": user, "person": person, "household": household}


def _ids(role: str, relation: str, kind: str) -> str:
    return f"{role}-{relation}-{kind}"


@pytest.mark.parametrize(("role", "relation", "kind"), CELLS, ids=[_ids(*c) for c in CELLS])
def test_services(role: str, relation: str, kind: str) -> None:
    world = _world(role, relation, kind)
    user, person, household = world["user"], world["person"], world["household"]
    allowed = expected(role, relation, kind)
    seen: set[str] = set()

    try:
        assert people.load_person_for(user, person.id) is person
        seen.add(VIEW)
        assert last_event("person.view").outcome is Outcome.ALLOWED
    except AccessDenied:
        event = last_event("person.view")
        assert event.outcome is Outcome.DENIED and event.actor_user_id == user.id

    if can(user, Action.SEARCH_PERSONS):
        assert role in SEARCHING_ROLES
        if person in people.search_persons(user, family_name="Matrix", birth_date=BIRTH):
            seen.add(SEARCH_HIT)
    else:
        with pytest.raises(AccessDenied):
            people.search_persons(user, family_name="Matrix", birth_date=BIRTH)
        assert last_event("person.search").outcome is Outcome.DENIED

    try:
        assert people.reveal_bsn(user, person) == "123456782"
        seen.add(REVEAL)
        assert last_event("person.bsn.reveal").outcome is Outcome.ALLOWED
    except AccessDenied:
        assert last_event("person.bsn.reveal").outcome is Outcome.DENIED
    assert can(user, Action.REVEAL_BSN, person) is (REVEAL in seen)

    try:
        loaded, cases = households.load_household_for(user, household.id)
        seen.add(HOUSEHOLD)
        assert loaded is household and cases
        assert [v.member.person_id for v in households.members_with_cases(user, household, cases)] == [person.id]
    except AccessDenied:
        assert last_event("household.view").outcome is Outcome.DENIED

    assert seen == allowed
    assert can(user, Action.VIEW_PERSON, person) is (VIEW in allowed)
    assert can(user, Action.VIEW_HOUSEHOLD, household) is (HOUSEHOLD in allowed)


@pytest.mark.parametrize(("role", "relation", "kind"), CELLS, ids=[_ids(*c) for c in CELLS])
def test_screens_and_api(client, role: str, relation: str, kind: str) -> None:
    world = _world(role, relation, kind)
    person_id, household_id = world["person"].id, world["household"].id
    headers = bearer(make_api_token(world["user"]))
    login_as(client, world["user"])
    allowed = expected(role, relation, kind)
    seen: set[str] = set()

    page = client.get(f"/persons/{person_id}")
    api_person = client.get(f"/api/v1/persons/{person_id}", headers=headers)
    assert (page.status_code == 200) is (api_person.status_code == 200)
    if page.status_code == 200:
        seen.add(VIEW)
        html = page.get_data(as_text=True)
        assert ("Toon BSN" in html) is (REVEAL in allowed)
        assert ("*****6782" in html) is (kind == "zvh")
        assert api_person.json["bsn_masked"] == ("*****6782" if kind == "zvh" else None)
    else:
        assert page.status_code == 404 and api_person.status_code in (403, 404)

    screen_search = client.post("/persons", data={"family_name": "Matrix", "birth_date": BIRTH.isoformat()})
    api_search = client.get(f"/api/v1/persons?family_name=Matrix&birth_date={BIRTH.isoformat()}", headers=headers)
    if role in SEARCHING_ROLES:
        assert screen_search.status_code == api_search.status_code == 200
        hit = f"/persons/{person_id}" in screen_search.get_data(as_text=True)
        assert hit is (person_id in [p["id"] for p in api_search.json["items"]])
        if hit:
            seen.add(SEARCH_HIT)
    else:
        assert screen_search.status_code == 404 and api_search.status_code in (403, 404)

    revealed = client.post(f"/persons/{person_id}/bsn")
    if revealed.status_code == 200:
        assert "123456782" in revealed.get_data(as_text=True)
        seen.add(REVEAL)
    else:
        assert revealed.status_code == 404 and "123456782" not in revealed.get_data(as_text=True)

    household_page = client.get(f"/households/{household_id}")
    if household_page.status_code == 200:
        seen.add(HOUSEHOLD)
        assert "Sam Matrix" in household_page.get_data(as_text=True)
    else:
        assert household_page.status_code == 404

    assert seen == allowed
    assert db.session.get(Person, person_id) is not None
