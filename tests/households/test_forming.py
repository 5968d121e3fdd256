"""Forming a household from a case, adding and removing members: the rules, the audit, the screens."""

from __future__ import annotations

import pytest

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.cases.models import CaseSubject, SubjectRole
from casebook.db import db
from casebook.households import forming
from casebook.households import services as households
from casebook.people.models import Household, HouseholdRelation
from tests.factories import login_as, make_case, make_org, make_person, make_user
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=[Role.COORDINATOR])


@pytest.fixture
def family_case(zvh):
    """A case on a mother, with her partner and son registered as family members."""
    mother = make_person("Visser", given_names="Anna")
    case = make_case(lead=zvh, subjects=[mother])
    for given, role in (("Kees", SubjectRole.FAMILY_MEMBER), ("Tim", SubjectRole.FAMILY_MEMBER)):
        case.subjects.append(CaseSubject(person=make_person("Visser", given_names=given), role=role))
    db.session.flush()
    return case


def _form(case, by):
    household = forming.create_household(case, by=by, expected_version=case.version)
    _loaded, cases = households.load_household_for(by, household.id)
    return household, cases


def test_form_a_household_with_three_members(family_case, coordinator):
    household, cases = _form(family_case, coordinator)
    assert family_case.household is household and household.reference.startswith("HH-")
    event = last_event("household.create")
    assert (event.actor_user_id, event.case_id, event.outcome) == (coordinator.id, family_case.id, Outcome.ALLOWED)
    relations = [HouseholdRelation.PARENT, HouseholdRelation.PARTNER, HouseholdRelation.CHILD]
    for person, relation in zip(forming.member_candidates(household, cases), relations, strict=True):
        forming.add_member(
            household, cases, by=coordinator, person_id=person.id, relation=relation.value,
            expected_version=household.version,
        )  # fmt: skip
    assert [(m.person.given_names, m.relation) for m in household.members] == [
        ("Anna", HouseholdRelation.PARENT),
        ("Kees", HouseholdRelation.PARTNER),
        ("Tim", HouseholdRelation.CHILD),
    ]
    assert forming.member_candidates(household, cases) == []
    added = last_event("household.member.add")
    assert added.details["relation"] == "child" and "Tim" not in str(added.details)


def test_a_second_household_for_a_case_is_refused(family_case, coordinator):
    _form(family_case, coordinator)
    with pytest.raises(forming.HouseholdExists):
        forming.create_household(family_case, by=coordinator, expected_version=family_case.version)


def test_forming_needs_the_case_version_seen(family_case, coordinator):
    with pytest.raises(StaleCase):
        forming.create_household(family_case, by=coordinator, expected_version=family_case.version - 1)
    assert family_case.household_id is None


def test_only_who_manages_the_participants_forms_or_changes_it(family_case, coordinator, zvh):
    worker = make_user(org=zvh, roles=[Role.CASEWORKER])
    with pytest.raises(AccessDenied):
        forming.create_household(family_case, by=worker, expected_version=family_case.version)
    assert last_event("household.create").outcome is Outcome.DENIED
    household, cases = _form(family_case, coordinator)
    person = forming.member_candidates(household, cases)[0]
    with pytest.raises(AccessDenied):
        forming.add_member(
            household, cases, by=worker, person_id=person.id, relation="parent", expected_version=household.version
        )
    assert household.members == []


def test_a_person_outside_the_households_cases_is_refused_like_an_unknown_one(family_case, coordinator):
    household, cases = _form(family_case, coordinator)
    stranger = make_person("Elders")
    make_case(lead=make_org("elders"), subjects=[stranger])
    for person_id in (stranger.id, 987654):
        with pytest.raises(CaseRuleError) as refused:
            forming.add_member(
                household, cases, by=coordinator, person_id=person_id, relation="parent",
                expected_version=household.version,
            )  # fmt: skip
        assert refused.value.field == "person"


def test_relation_is_required_and_a_stale_version_writes_nothing(family_case, coordinator):
    household, cases = _form(family_case, coordinator)
    person = forming.member_candidates(household, cases)[0]
    with pytest.raises(CaseRuleError) as refused:
        forming.add_member(
            household, cases, by=coordinator, person_id=person.id, relation="neighbour",
            expected_version=household.version,
        )  # fmt: skip
    assert refused.value.field == "relation"
    with pytest.raises(forming.StaleHousehold):
        forming.add_member(
            household, cases, by=coordinator, person_id=person.id, relation="parent",
            expected_version=household.version + 1,
        )  # fmt: skip
    assert household.members == []


def test_remove_a_member(family_case, coordinator):
    household, cases = _form(family_case, coordinator)
    person = forming.member_candidates(household, cases)[0]
    member = forming.add_member(
        household, cases, by=coordinator, person_id=person.id, relation="parent", expected_version=household.version
    )
    version = household.version
    with pytest.raises(forming.StaleHousehold):
        forming.remove_member(household, member, by=coordinator, expected_version=version - 1)
    forming.remove_member(household, member, by=coordinator, expected_version=version)
    assert household.members == [] and household.version == version + 1
    assert last_event("household.member.remove").details["person_id"] == person.id


# -- the screens ------------------------------------------------------------------------------------


def test_the_screens_form_a_household_of_three_and_link_the_members(client, family_case, coordinator):
    login_as(client, coordinator)
    page = client.get(f"/cases/{family_case.id}")
    assert "Huishouden vormen" in page.text
    response = client.post(f"/cases/{family_case.id}/household", data={"version": family_case.version})
    assert response.status_code == 303
    household = db.session.get(Household, db.session.get(type(family_case), family_case.id).household_id)
    assert response.headers["Location"].endswith(f"/households/{household.id}")
    persons = {s.person.given_names: s.person_id for s in family_case.subjects}
    for name, relation in (("Anna", "parent"), ("Kees", "partner"), ("Tim", "child")):
        version = db.session.get(Household, household.id).version
        added = client.post(
            f"/households/{household.id}/members",
            data={"person": persons[name], "relation": relation, "version": version},
        )
        assert added.status_code == 303, added.text
    page = client.get(f"/households/{household.id}").text
    for name in ("Anna", "Kees", "Tim"):
        assert f'href="/persons/{persons[name]}">{name} Visser</a>' in page
    person_page = client.get(f"/persons/{persons['Tim']}").text
    assert f'href="/households/{household.id}"' in person_page


def test_the_screens_keep_input_on_a_refusal_and_409_on_a_stale_form(client, family_case, coordinator):
    login_as(client, coordinator)
    client.post(f"/cases/{family_case.id}/household", data={"version": family_case.version})
    household_id = db.session.get(type(family_case), family_case.id).household_id
    person_id = family_case.subjects[0].person_id
    refused = client.post(
        f"/households/{household_id}/members", data={"person": person_id, "relation": "", "version": 1}
    )
    assert refused.status_code == 422
    stale = client.post(
        f"/households/{household_id}/members", data={"person": person_id, "relation": "parent", "version": 99}
    )
    assert stale.status_code == 409 and "member-conflict" in stale.text


def test_a_member_the_viewer_may_not_see_as_person_is_not_linked(zvh):
    """Through the household's own case every member is listed; the person page only where the persons rule allows."""
    mother, son = make_person("Smit", given_names="Eva"), make_person("Smit", given_names="Bas")
    case = make_case(lead=zvh, subjects=[mother])
    household = Household(reference="HH-T-9")
    db.session.add(household)
    case.household = household
    household.members.append(_member(mother, HouseholdRelation.PARENT))
    household.members.append(_member(son, HouseholdRelation.CHILD))
    db.session.flush()
    viewer = make_user(org=zvh)
    _loaded, cases = households.load_household_for(viewer, household.id)
    views = households.members_with_cases(viewer, household, cases)
    assert [(v.member.person.given_names, v.linked) for v in views] == [("Eva", True), ("Bas", False)]


def _member(person, relation):
    from casebook.people.models import HouseholdMember

    return HouseholdMember(person=person, relation=relation)
