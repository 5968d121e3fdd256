"""No answer tells a caller which usernames exist outside their reach: an unknown username and one of
a user they may not name get the same answer (the plan's action owner in the API, the authorisation
form's user)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.api.support import assert_problem, make_world
from tests.factories import login_as, make_case_type, make_org, make_user


@pytest.fixture
def world():
    return make_world()


def _add_action(client, world, owner_user: str):
    due = (date.today() + timedelta(days=7)).isoformat()
    body = {"description": "Huisbezoek", "owner_organisation": "zvh", "due_on": due, "owner_user": owner_user}
    return client.post(f"/api/v1/cases/{world.case_id}/plan/actions", headers=world.headers("worker"), json=body)


def test_an_action_owner_of_another_organisation_gets_the_answer_of_an_unknown_username(client, world):
    make_user("beheer.admin", make_org("gemeente"), ["admin"])
    answers = []
    for name in ("beheer.admin", "police.worker", "does.not.exist"):
        body = assert_problem(_add_action(client, world, name), 422)
        answers.append({k: v for k, v in body.items() if k not in ("request_id", "instance")})
    assert answers[0] == answers[1] == answers[2]
    assert answers[0]["errors"][0]["field"] == "owner_user" and "gebruikersnaam" in str(answers[0])


@pytest.fixture
def orgs():
    home, other = make_org("huis-o"), make_org("elders-o")
    make_case_type("dv-o", restricted=True)
    return {
        "supervisor": make_user(org=home, roles=["supervisor"]),
        "colleague": make_user("collega.o", home, ["caseworker"]),
        "stranger": make_user("vreemde.o", other, ["caseworker"]),
        "admin": make_user("beheer.o", other, ["admin"]),
        "other_admin": make_user(org=home, roles=["admin"]),
    }


def test_a_supervisor_finds_only_users_of_their_own_organisation(orgs):
    from casebook.access.services import find_grantee

    supervisor = orgs["supervisor"]
    assert find_grantee(supervisor, " COLLEGA.O ") is orgs["colleague"]
    assert find_grantee(supervisor, "vreemde.o") is None and find_grantee(supervisor, "beheer.o") is None
    assert find_grantee(orgs["other_admin"], "vreemde.o") is orgs["stranger"]  # admins reach every user
    assert find_grantee(orgs["colleague"], "collega.o") is None  # not a manager of authorisations


def _errors(html: str) -> list[str]:
    known = (
        "Onbekende gebruiker.",
        "Een teamleider autoriseert alleen binnen de eigen organisatie.",
        "Functioneel beheerders krijgen geen toegang tot casussen.",
    )
    return [message for message in known if message in html]


def test_over_http_the_authorisation_form_answers_alike_for_unknown_and_out_of_reach_users(client, orgs):
    login_as(client, orgs["supervisor"])
    answers = []
    for name in ("vreemde.o", "beheer.o", "does.not.exist"):
        data = {"username": name, "case_type": "dv-o", "actions": ["note.list"], "max_confidentiality": "geheim"}
        response = client.post("/access/authorisations", data=data)
        assert response.status_code == 422
        answers.append(_errors(response.get_data(as_text=True)))
    assert answers == [["Onbekende gebruiker."]] * 3
