"""The household page: members, per member only the viewer's visible cases, one procesregisseur."""

from __future__ import annotations

import pytest

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.cases.errors import CaseRuleError
from casebook.db import db
from casebook.households import services as households
from casebook.households.extensions import (
    HouseholdSection,
    household_sections_for,
    register_household_section,
)
from casebook.modules import contributions
from casebook.people.models import Household, HouseholdMember, HouseholdRelation
from tests.factories import authorise_user, login_as, make_case, make_goal, make_org, make_person, make_user
from tests.helpers import audit_events, last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def family(zvh):
    """A mother with a case led by the ZVH; her son with a case led elsewhere (hidden from the ZVH)."""
    mother, son = make_person("El Khatib", given_names="Samira"), make_person("El Khatib", given_names="Ayoub")
    household = Household(reference="HH-T-1")
    household.members.extend(
        [
            HouseholdMember(person=mother, relation=HouseholdRelation.PARENT),
            HouseholdMember(person=son, relation=HouseholdRelation.CHILD),
        ]
    )
    db.session.add(household)
    db.session.flush()
    visible = make_case(lead=zvh, subjects=[mother])
    visible.household = household
    hidden = make_case(lead=make_org("veilig-thuis"), type="domestic_violence", subjects=[son])
    return household, visible, hidden


def test_members_and_only_visible_cases(family, zvh):
    household, visible, _hidden = family
    viewer = make_user(org=zvh)
    loaded, cases = households.load_household_for(viewer, household.id)
    assert loaded is household and cases == [visible]
    views = households.members_with_cases(viewer, household, cases)
    # the household's own case is visible: the family is listed, per member only visible cases
    assert [(v.member.person.given_names, [c.id for c in v.cases]) for v in views] == [
        ("Samira", [visible.id]),
        ("Ayoub", []),
    ]
    assert last_event("household.view", actor_user_id=viewer.id).details == {"visible_cases": 1}


def test_reached_through_one_members_case_only_the_visible_members_are_listed(family, zvh):
    household, visible, _hidden = family
    visible.household = None  # the ZVH's case is the mother's, not the household's
    db.session.flush()
    viewer = make_user(org=zvh)
    loaded, cases = households.load_household_for(viewer, household.id)
    views = households.members_with_cases(viewer, loaded, cases)
    assert [v.member.person.given_names for v in views] == ["Samira"]  # the son: only in a hidden case


def test_no_visible_case_means_404_and_audited(family):
    household, *_ = family
    outsider = make_user(org=make_org("elders"))
    with pytest.raises(AccessDenied):
        households.load_household_for(outsider, household.id)
    assert last_event("household.view", actor_user_id=outsider.id).outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        households.load_household_for(outsider, 987654)


def test_one_procesregisseur_set_by_a_lead_coordinator(family, zvh):
    household, _visible, _hidden = family
    coordinator = make_user(org=zvh, roles=["coordinator"])
    colleague = make_user(org=zvh, roles=["coordinator"])
    _h, cases = households.load_household_for(coordinator, household.id)
    households.set_coordinator(household, cases, coordinator.id, by=coordinator, expected_version=0)
    row = households.set_coordinator(household, cases, colleague.id, by=coordinator, expected_version=1)
    assert households.coordination_of(household.id) is row and row.process_coordinator is colleague
    assert last_event("household.coordinator").details == {
        "coordinator": colleague.id,
        "previous": coordinator.id,
        "version": 2,
    }
    with pytest.raises(CaseRuleError):
        households.set_coordinator(household, cases, make_user(org=zvh).id, by=coordinator, expected_version=2)
    with pytest.raises(AccessDenied):
        households.set_coordinator(household, cases, colleague.id, by=make_user(org=zvh), expected_version=2)


def test_page_shows_members_and_says_nothing_about_hidden_cases(client, family, zvh):
    household, visible, hidden = family
    login_as(client, make_user(org=zvh))
    html = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Samira El Khatib" in html and "Ayoub El Khatib" in html and visible.reference in html
    assert hidden.reference not in html and "domestic_violence" not in html
    assert "Gezinsplan" in html


def test_page_404_for_outsiders(client, family):
    household, *_ = family
    login_as(client, make_user(org=make_org("elders")))
    assert client.get(f"/households/{household.id}").status_code == 404
    assert client.post(f"/households/{household.id}/coordinator", data={"coordinator": 1}).status_code == 404


def test_set_coordinator_over_http_and_422(client, family, zvh):
    household, visible, _ = family
    coordinator = make_user(org=zvh, roles=["coordinator"])
    login_as(client, coordinator)
    response = client.post(f"/households/{household.id}/coordinator", data={"coordinator": ""})
    assert response.status_code == 422
    data = {"coordinator": coordinator.id, "version": 0}
    response = client.post(f"/households/{household.id}/coordinator", data=data)
    assert response.status_code == 302
    assert households.coordination_of(household.id).process_coordinator_id == coordinator.id
    html = client.get(f"/cases/{visible.id}").get_data(as_text=True)
    assert "procesregisseur gezin:" in html


def test_registered_household_section_gets_only_visible_cases(app, family, zvh):
    household, visible, _hidden = family
    seen = {}

    def load(user, hh, cases):
        seen["cases"] = [c.id for c in cases]
        return {"count": len(cases)}

    register_household_section(app, HouseholdSection(key="test-plan", template="households/detail.html", load=load))
    try:
        viewer = make_user(org=zvh)
        _loaded, cases = households.load_household_for(viewer, household.id)
        rendered = dict(household_sections_for(viewer, household, cases))
        assert rendered[contributions(app).household_sections["test-plan"]] == {"count": 1}
        assert seen["cases"] == [visible.id]
    finally:
        contributions(app).household_sections.pop("test-plan")


def test_household_plan_groups_the_goals_of_visible_cases_only(client, family, zvh):
    household, visible, hidden = family
    coordinator = make_user(org=zvh, roles=["coordinator"])
    make_goal(visible, coordinator, domain="housing", text="Huurachterstand oplossen")
    make_goal(visible, coordinator, domain="family", text="Opvoedondersteuning voor moeder")
    hidden.household = household
    outsider_coordinator = make_user(org=hidden.lead_organisation, roles=["coordinator"])
    authorise_user(outsider_coordinator, hidden.case_type)
    make_goal(hidden, outsider_coordinator, domain="justice", text="Geheim doel zoon")
    db.session.flush()
    viewer = make_user(org=zvh)
    viewer_id = viewer.id
    login_as(client, viewer)
    html = client.get(f"/households/{household.id}").get_data(as_text=True)
    assert "Gezinsplan" in html
    assert "Huurachterstand oplossen" in html and "Opvoedondersteuning voor moeder" in html
    assert html.index("wonen") < html.index("gezin en opvoeding")
    assert "Geheim doel zoon" not in html and "justitie" not in html
    event = last_event("plan.household.view", actor_user_id=viewer_id)
    assert event.details == {"cases": 1, "goals": 2}


# --- never a silently overwritten choice ---------------------------------------------------------


def test_a_stale_household_coordinator_is_refused_and_nothing_is_written(family, zvh):
    household, _visible, _hidden = family
    coordinator = make_user(org=zvh, roles=["coordinator"])
    colleague = make_user(org=zvh, roles=["coordinator"])
    _h, cases = households.load_household_for(coordinator, household.id)
    households.set_coordinator(household, cases, coordinator.id, by=coordinator, expected_version=0)
    events = len(audit_events("household.coordinator"))
    for seen in (0, None):  # the form was loaded before the first choice; or carries no version
        with pytest.raises(households.StaleCoordination) as stale:
            households.set_coordinator(household, cases, colleague.id, by=colleague, expected_version=seen)
        assert stale.value.current_version == 1
    assert households.coordination_of(household.id).process_coordinator_id == coordinator.id
    assert len(audit_events("household.coordinator")) == events


def test_over_http_a_stale_household_coordinator_answers_409_and_keeps_the_choice(app, client, family, zvh):
    household, _visible, _hidden = family
    coordinator = make_user(org=zvh, roles=["coordinator"])
    colleague = make_user(org=zvh, roles=["coordinator"])
    coordinator_id, colleague_id = coordinator.id, colleague.id
    url = f"/households/{household.id}/coordinator"
    login_as(client, coordinator)
    assert client.post(url, data={"coordinator": coordinator_id, "version": 0}).status_code == 302
    other = login_as(app.test_client(), colleague)
    stale = other.post(url, data={"coordinator": colleague_id, "version": 0})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert "Er is niets opgeslagen" in html and f'<option selected value="{colleague_id}">' in html
    assert 'name="version" type="hidden" value="1"' in html
    assert households.coordination_of(household.id).process_coordinator_id == coordinator_id
    assert other.post(url, data={"coordinator": colleague_id}).status_code == 422  # no version: no blind write
    assert other.post(url, data={"coordinator": colleague_id, "version": 1}).status_code == 302
