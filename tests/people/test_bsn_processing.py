"""Leak 2: whether a user processes BSNs is the policy's (``Action.PROCESS_BSN``, per organisation kind).

Users of an organisation that may not process BSNs (jongerenwerk: ``youth_work``) see no BSN, not
even masked, are offered no BSN field and no "Toon BSN", and the reveal is a 404 (audited) — on
the screens and through the API alike. A kind that may (wijkteam) keeps all of it.
"""

from __future__ import annotations

import pytest

from casebook.access import Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.people import services as people
from tests.api.support import assert_problem
from tests.factories import bearer, login_as, make_api_token, make_case, make_org, make_person, make_user
from tests.helpers import last_event

BSN = "123456782"
OTHER_BSN = "111222333"  # one person per BSN in the register


@pytest.fixture
def youth_work():
    org = make_org("jongerenwerk-t", kind=OrganisationKind.YOUTH_WORK)
    user = make_user(org=org, roles=[Role.CASEWORKER])
    person = make_person("Martina", bsn=BSN)
    case = make_case(lead=org, subjects=[person])
    return {"user": user, "person": person.id, "case": case.id, "headers": bearer(make_api_token(user))}


@pytest.fixture
def wijkteam():
    org = make_org("wijkteam-t", kind=OrganisationKind.WIJKTEAM)
    user = make_user(org=org, roles=[Role.CASEWORKER])
    person = make_person("Bakker", bsn=OTHER_BSN)
    case = make_case(lead=org, subjects=[person])
    return {"user": user, "person": person.id, "case": case.id, "headers": bearer(make_api_token(user))}


def test_the_policy_decides_bsn_processing_per_organisation_kind(youth_work, wijkteam):
    young, team = youth_work["user"], wijkteam["user"]
    young_person = db.session.get(people.Person, youth_work["person"])
    team_person = db.session.get(people.Person, wijkteam["person"])
    assert not can(young, Action.PROCESS_BSN) and not can(young, Action.REVEAL_BSN, young_person)
    assert can(team, Action.PROCESS_BSN) and can(team, Action.REVEAL_BSN, team_person)
    assert not can(team, Action.REVEAL_BSN, young_person)  # a person they cannot see
    with pytest.raises(people.BsnNotProcessed):
        people.search_persons(young, bsn=BSN)
    assert last_event("person.bsn.process").outcome is Outcome.DENIED


def test_youth_work_screens_show_no_bsn_and_refuse_the_reveal(client, youth_work):
    login_as(client, youth_work["user"])
    page = client.get(f"/persons/{youth_work['person']}").get_data(as_text=True)
    assert "Martina" in page and "Toon BSN" not in page and "*****" not in page and BSN not in page
    response = client.post(f"/persons/{youth_work['person']}/bsn")
    assert response.status_code == 404 and BSN not in response.get_data(as_text=True)
    event = last_event("person.bsn.reveal")
    assert event.outcome is Outcome.DENIED and event.actor_user_id is not None
    search = client.get("/persons").get_data(as_text=True)
    assert 'name="bsn"' not in search
    found = client.post("/persons", data={"family_name": "Martina", "birth_date": "2008-05-17"})
    assert found.status_code == 200 and "Martina" in found.get_data(as_text=True)
    assert "*****" not in found.get_data(as_text=True)
    refused = client.post("/persons", data={"bsn": BSN})
    assert refused.status_code == 422 and "verwerkt geen BSN" in refused.get_data(as_text=True)
    form = {"family_name": "Nieuw", "birth_date": "2010-01-01", "role": "subject"}
    assert 'name="bsn"' not in client.get(f"/cases/{youth_work['case']}/persons/new").get_data(as_text=True)
    refused = client.post(f"/cases/{youth_work['case']}/persons/new", data={**form, "bsn": "111222333"})
    assert refused.status_code == 422 and "verwerkt geen BSN" in refused.get_data(as_text=True)
    assert client.post(f"/cases/{youth_work['case']}/persons/new", data=form).status_code == 302


def test_youth_work_api_shows_no_bsn_and_refuses_one(client, youth_work):
    headers = youth_work["headers"]
    body = client.get(f"/api/v1/persons/{youth_work['person']}", headers=headers).json
    assert body["family_name"] == "Martina" and body["bsn_masked"] is None
    found = client.get("/api/v1/persons?family_name=Martina&birth_date=2008-05-17", headers=headers).json["items"]
    assert [p["bsn_masked"] for p in found] == [None]
    problem = assert_problem(client.get(f"/api/v1/persons?bsn={BSN}", headers=headers), 422, "validation-error")
    assert problem["errors"][0]["field"] == "bsn"
    payload = {"case": youth_work["case"], "family_name": "Nieuw", "birth_date": "2010-01-01", "bsn": "111222333"}
    problem = assert_problem(client.post("/api/v1/persons", headers=headers, json=payload), 422, "validation-error")
    assert problem["errors"][0]["field"] == "bsn"


def test_a_kind_that_may_process_bsns_keeps_the_masked_bsn_and_the_reveal(client, wijkteam):
    login_as(client, wijkteam["user"])
    page = client.get(f"/persons/{wijkteam['person']}").get_data(as_text=True)
    assert "Toon BSN" in page and "*****2333" in page
    revealed = client.post(f"/persons/{wijkteam['person']}/bsn")
    assert revealed.status_code == 200 and OTHER_BSN in revealed.get_data(as_text=True)
    assert last_event("person.bsn.reveal").outcome is Outcome.ALLOWED
    assert 'name="bsn"' in client.get("/persons").get_data(as_text=True)
    body = client.get(f"/api/v1/persons/{wijkteam['person']}", headers=wijkteam["headers"]).json
    assert body["bsn_masked"] == "*****2333"
