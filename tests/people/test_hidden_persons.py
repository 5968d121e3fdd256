"""Leak 1: a BSN or a name + birth date known only in hidden cases opens nothing, on any path.

The world: a wijkteam caseworker with a case of their own, and a *geheim* radicalisation case of
the ZVH (which the caseworker cannot see) whose subject lives in a household with a sibling.
Every path that finds persons — registration (screens and API), the person search (screens and
API), the signal flow's person step, the household page — must answer for the hidden subject
exactly as for a person nobody registered. The match is kept for the ZVH coordinators.
"""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant, CaseSubject, Involvement, SubjectRole
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.people import matches
from casebook.people import services as people
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, Person, PersonSearchIndex
from tests.api.support import assert_problem
from tests.factories import (
    bearer,
    login_as,
    make_api_token,
    make_case,
    make_case_type,
    make_org,
    make_person,
    make_signal,
    make_user,
)
from tests.helpers import last_event

HIDDEN_BSN = "123456782"
UNKNOWN_BSN = "111222333"
BIRTH = date(1999, 4, 1)


@pytest.fixture
def world():
    zvh = make_org("zvh-t", kind=OrganisationKind.ZVH)
    west = make_org("west-t", kind=OrganisationKind.WIJKTEAM)
    worker = make_user(org=west, roles=[Role.CASEWORKER])
    own = make_case(lead=west)
    # a colleague elsewhere, for the control: the same registration with a BSN nobody has
    north = make_org("noord-t", kind=OrganisationKind.WIJKTEAM)
    control_worker = make_user(org=north, roles=[Role.CASEWORKER])
    control = make_case(lead=north)
    make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
    subject = make_person("Verborgen", given_names="Yusuf", birth_date=BIRTH, bsn=HIDDEN_BSN, phone="06-11112222")
    sibling = make_person("Verborgen", given_names="Amira", birth_date=date(2001, 2, 2))
    household = Household(reference="HH-HIDDEN-1")
    household.members.extend(
        [
            HouseholdMember(person=subject, relation=HouseholdRelation.CHILD),
            HouseholdMember(person=sibling, relation=HouseholdRelation.SIBLING),
        ]
    )
    db.session.add(household)
    db.session.flush()
    hidden = make_case(lead=zvh, type="radicalisation", confidentiality=Confidentiality.GEHEIM, subjects=[subject])
    hidden.household = household
    db.session.flush()
    sibling_id = sibling.id
    # plain values: objects do not outlive a request of the test client
    return {
        "worker": worker,
        "control_worker": control_worker,
        "zvh_coordinator": make_user(org=zvh, roles=[Role.COORDINATOR]),
        "own": own.id,
        "control": control.id,
        "subject": subject.id,
        "sibling": sibling_id,
        "headers": bearer(make_api_token(worker)),
        "control_headers": bearer(make_api_token(control_worker)),
        "household": household.id,
        "hidden": hidden.reference,
    }


def _subjects_of(case_id: int) -> list[int]:
    return list(db.session.scalars(select(CaseSubject.person_id).where(CaseSubject.case_id == case_id)))


def _payload(case_id: int, bsn: str, **values) -> dict:
    return {
        "case": case_id,
        "family_name": "Anders",
        "given_names": "Bo",
        "birth_date": "2010-01-01",
        "bsn": bsn,
        **values,
    }


def _comparable(body: dict) -> dict:
    return {key: value for key, value in body.items() if key != "id"}


# -- the API -------------------------------------------------------------------------------------


def test_api_register_with_a_hidden_bsn_answers_as_for_an_unknown_bsn(client, world):
    headers = world["headers"]
    hidden_reply = client.post("/api/v1/persons", headers=headers, json=_payload(world["own"], HIDDEN_BSN))
    control_headers = world["control_headers"]
    unknown_reply = client.post(
        "/api/v1/persons", headers=control_headers, json=_payload(world["control"], UNKNOWN_BSN)
    )
    assert hidden_reply.status_code == unknown_reply.status_code == 201, hidden_reply.json
    hidden_body, unknown_body = hidden_reply.json, unknown_reply.json
    assert hidden_body["id"] != world["subject"]
    assert _comparable(hidden_body) == {**_comparable(unknown_body), "bsn_masked": "*****6782"}
    assert "Verborgen" not in hidden_reply.get_data(as_text=True) and "06-1111" not in hidden_reply.get_data(
        as_text=True
    )
    # the caller sees what they typed, as for an unknown BSN: their search finds their own person
    found = client.get(f"/api/v1/persons?bsn={HIDDEN_BSN}", headers=headers).json["items"]
    assert [p["id"] for p in found] == [hidden_body["id"]]
    # the register's BSN index stays unique: the hidden subject is still the only holder
    holders = db.session.scalars(select(PersonSearchIndex.person_id).where(PersonSearchIndex.index_name == "bsn"))
    assert world["subject"] in set(holders) and hidden_body["id"] not in set(holders)


def test_api_use_existing_cannot_name_a_hidden_person(client, world):
    headers = world["headers"]
    subject = world["subject"]
    payload = _payload(world["own"], HIDDEN_BSN, use_existing=subject)
    refused = assert_problem(client.post("/api/v1/persons", headers=headers, json=payload), 409, "duplicate-person")
    control = _payload(world["control"], UNKNOWN_BSN, use_existing=987_654)
    control_headers = world["control_headers"]
    unknown = assert_problem(
        client.post("/api/v1/persons", headers=control_headers, json=control), 409, "duplicate-person"
    )
    refused.pop("request_id"), unknown.pop("request_id")
    assert refused == unknown and refused["candidates"] == []
    assert _subjects_of(world["own"]) == []
    assert_problem(client.get(f"/api/v1/persons/{subject}", headers=headers), 404)


def test_api_search_by_name_and_birth_date_finds_nothing_hidden(client, world):
    headers = world["headers"]
    reply = client.get(f"/api/v1/persons?family_name=Verborgen&birth_date={BIRTH.isoformat()}", headers=headers)
    assert reply.status_code == 200 and reply.json["items"] == []
    name_match = _payload(world["own"], "", family_name="Verborgen", birth_date=BIRTH.isoformat())
    response = client.post("/api/v1/persons", headers=headers, json=name_match)
    assert response.status_code == 201  # no 409 "someone else with this name exists"
    assert response.json["id"] != world["subject"]


# -- the screens ---------------------------------------------------------------------------------


def test_screen_register_with_a_hidden_bsn_registers_as_for_an_unknown_bsn(client, world):
    login_as(client, world["worker"])
    form = {"family_name": "Anders", "given_names": "Bo", "birth_date": "2010-01-01", "role": "subject"}
    response = client.post(f"/cases/{world['own']}/persons/new", data={**form, "bsn": HIDDEN_BSN})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id != world["subject"]
    page = client.get(f"/persons/{new_id}").get_data(as_text=True)
    assert "Anders" in page and "*****6782" in page and "Verborgen" not in page and "Mogelijk bekend" not in page


def test_screen_use_existing_and_name_match_reveal_nothing(client, world):
    login_as(client, world["worker"])
    subject = world["subject"]
    form = {"family_name": "Anders", "given_names": "Bo", "birth_date": "2010-01-01", "role": "subject"}
    response = client.post(
        f"/cases/{world['own']}/persons/new", data={**form, "bsn": HIDDEN_BSN, "use_existing": subject}
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and f'value="{subject}"' not in html and "geen toegang" not in html
    assert _subjects_of(world["own"]) == []
    name_form = {**form, "family_name": "Verborgen", "birth_date": BIRTH.isoformat(), "bsn": ""}
    response = client.post(f"/cases/{world['own']}/persons/new", data=name_form)
    assert response.status_code == 302  # registered, as for a name nobody has
    assert client.get(f"/persons/{subject}").status_code == 404
    searched = client.post("/persons", data={"bsn": HIDDEN_BSN}).get_data(as_text=True)
    assert "0 personen gevonden" in searched


def test_household_page_of_a_hidden_case_is_404_and_lists_only_visible_members(client, world):
    household = world["household"]
    login_as(client, world["worker"])
    assert client.get(f"/households/{household}").status_code == 404
    assert last_event("household.view").outcome is Outcome.DENIED
    # the worker's own case names the sibling: the household is visible, but only with the sibling
    db.session.add(CaseSubject(case_id=world["own"], person_id=world["sibling"], role=SubjectRole.FAMILY_MEMBER))
    db.session.flush()
    html = client.get(f"/households/{household}").get_data(as_text=True)
    assert "Amira" in html and "Yusuf" not in html and world["hidden"] not in html


# -- the signal flow -----------------------------------------------------------------------------


def test_signal_person_step_finds_no_hidden_or_caseless_person_and_keeps_the_bsn_unique(client, world):
    worker = world["worker"]
    other = make_user(org=make_org("politie-t", kind=OrganisationKind.POLICE))
    elsewhere = make_person("Signaal", given_names="Noor", birth_date=BIRTH)  # only on another's signal
    make_signal(other, persons=[elsewhere])
    signal = make_signal(worker)
    login_as(client, worker)
    for data in ({"bsn": HIDDEN_BSN}, {"family_name": "Verborgen", "birth_date": BIRTH.isoformat()}):
        html = client.post(f"/signals/{signal.id}/persons/search", data=data).get_data(as_text=True)
        assert "Yusuf" not in html and "Niemand gevonden" in html
    html = client.post(
        f"/signals/{signal.id}/persons/search", data={"family_name": "Signaal", "birth_date": BIRTH.isoformat()}
    ).get_data(as_text=True)
    assert "Noor" not in html and "Niemand gevonden" in html
    new = {
        "family_name": "Anders",
        "given_names": "Bo",
        "birth_date": "2010-01-01",
        "bsn": HIDDEN_BSN,
        "role": "subject",
    }
    response = client.post(f"/signals/{signal.id}/persons/new", data=new)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    bsn_rows = db.session.scalar(
        select(func.count()).select_from(PersonSearchIndex).where(PersonSearchIndex.index_name == "bsn")
    )
    assert bsn_rows == 1  # never registered twice
    created = db.session.scalar(select(Person).order_by(Person.id.desc()).limit(1))
    assert created.id != world["subject"] and created.bsn == HIDDEN_BSN


def test_the_zvh_coordinator_sees_the_match_and_the_caller_does_not(client, world):
    worker, coordinator = world["worker"], world["zvh_coordinator"]
    coordinator_id = coordinator.id
    signal = make_signal(worker)
    login_as(client, worker)
    new = {
        "family_name": "Anders",
        "given_names": "Bo",
        "birth_date": "2010-01-01",
        "bsn": HIDDEN_BSN,
        "role": "subject",
    }
    assert client.post(f"/signals/{signal.id}/persons/new", data=new).status_code == 302
    assert "Mogelijk bekend" not in client.get(f"/signals/{signal.id}").get_data(as_text=True)
    assert client.get("/persons/matches").status_code == 404
    client.post("/logout")
    login_as(client, db.session.get(User, coordinator_id))
    assert "Mogelijk bekend" in client.get(f"/signals/{signal.id}").get_data(as_text=True)
    page = client.get("/persons/matches").get_data(as_text=True)
    assert "zelfde BSN" in page and HIDDEN_BSN not in page and "Verborgen" not in page
    assert last_event("person.match.list").actor_user_id == coordinator_id


def test_matches_are_checked_by_zvh_coordinators_who_may_see_where_they_were_registered(world):
    worker = world["worker"]
    coordinator = world["zvh_coordinator"]
    own = db.session.get(Case, world["own"])
    person = people.register_person(
        worker, own, people.PersonData(family_name="Anders", birth_date=BIRTH, bsn=HIDDEN_BSN), role=SubjectRole.SUBJECT
    )
    assert person.bsn_pending
    assert matches.open_matches(coordinator) == []  # the ZVH takes no part in the wijkteam's case
    own.participants.append(CaseParticipant(organisation=coordinator.organisation, involvement=Involvement.OBSERVER))
    db.session.flush()
    (match,) = matches.open_matches(coordinator)
    assert match.person_id == person.id and match.kind == "bsn"
    assert matches.match_kinds_of(coordinator, [person.id]) == {person.id: {"bsn"}}
    assert matches.match_kinds_of(worker, [person.id]) == {}
    west_coordinator = make_user(org=worker.organisation, roles=[Role.COORDINATOR])
    with pytest.raises(AccessDenied):
        matches.open_matches(west_coordinator)  # not the ZVH
    with pytest.raises(AccessDenied):
        matches.resolve_match(west_coordinator, match.id)
    matches.resolve_match(coordinator, match.id)
    assert match.resolved_by_id == coordinator.id and matches.open_matches(coordinator) == []
    event = last_event("person.match.resolve")
    assert event.actor_user_id == coordinator.id and event.details == {"match": match.id, "kind": "bsn"}
