"""Break-the-glass by person: BSN or family name + birth date, offering only the cases the glass may be
broken for; an unknown person and one in no eligible case answer alike ("niets gevonden")."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.access import break_glass as glass
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.confidentiality import Confidentiality
from casebook.organisations.models import OrganisationKind
from casebook.people import services as people
from casebook.supervision import glass_search
from tests.api.support import assert_problem
from tests.factories import (
    bearer,
    login_as,
    make_api_token,
    make_case,
    make_case_type,
    make_org,
    make_person,
    make_user,
)
from tests.helpers import last_event

BSN = "123456782"
BORN = date(1990, 3, 14)
REASON = "Acute melding aan de deur, context nodig voor inzet."


@pytest.fixture
def setting():
    police, wijkteam = make_org("politie-bp", kind=OrganisationKind.POLICE), make_org("wijkteam-bp")
    person = make_person("de Groot", given_names="Iris", birth_date=BORN, bsn=BSN)
    make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
    eligible = make_case(lead=wijkteam, subjects=[person])
    restricted = make_case(lead=wijkteam, type="radicalisation", subjects=[person])
    secret = make_case(lead=wijkteam, confidentiality=Confidentiality.CONFIDENTIEEL, subjects=[person])
    return {
        "officer": make_user(org=police, roles=[Role.CASEWORKER]),
        "person": person,
        "eligible": eligible,
        "restricted": restricted,
        "secret": secret,
        "wijkteam": wijkteam,
    }


def test_found_by_bsn_offers_only_the_eligible_case(setting):
    officer = setting["officer"]
    found = glass_search.find_cases_by_person(officer, bsn=BSN)
    assert [(f.case, f.in_scope) for f in found] == [(setting["eligible"], False)]
    event = last_event("break_glass.search", actor_user_id=officer.id)
    assert event.outcome is Outcome.ALLOWED
    assert event.details == {"by": "bsn", "found": 1, "offered": [setting["eligible"].id], "in_scope": []}
    assert BSN not in str(event.details)


def test_found_by_family_name_and_birth_date_in_any_spelling(setting):
    found = glass_search.find_cases_by_person(setting["officer"], family_name="Groot", birth_date=BORN)
    assert [f.case for f in found] == [setting["eligible"]]
    assert (
        glass_search.find_cases_by_person(setting["officer"], family_name="Groot", birth_date=date(1990, 3, 15)) == []
    )


def test_a_person_in_no_eligible_case_answers_as_an_unknown_one(setting):
    officer, wijkteam = setting["officer"], setting["wijkteam"]
    hidden = make_person("Verborgen", birth_date=BORN, bsn="111222333")
    make_case(lead=wijkteam, type="radicalisation", subjects=[hidden])
    unregistered = make_person("Nergens", birth_date=BORN, bsn="100000009")  # in no case at all
    for criteria in (
        {"bsn": "111222333"},
        {"bsn": "100000009"},
        {"bsn": "999999990"},  # nobody
        {"family_name": "Verborgen", "birth_date": BORN},
    ):
        assert glass_search.find_cases_by_person(officer, **criteria) == [], criteria
        event = last_event("break_glass.search", actor_user_id=officer.id)
        assert event.outcome is Outcome.DENIED and event.details["found"] == 0 and event.case_id is None
    assert unregistered.id


def test_cases_the_user_already_sees_are_links_not_glass(setting):
    wijkteam_worker = make_user(org=setting["wijkteam"], roles=[Role.CASEWORKER])
    found = glass_search.find_cases_by_person(wijkteam_worker, bsn=BSN)
    assert (setting["eligible"], True) in [(f.case, f.in_scope) for f in found]
    assert setting["restricted"] not in [f.case for f in found] or can(
        wijkteam_worker, Action.VIEW_CASE, setting["restricted"]
    )


def test_roles_and_bsn_processing_are_checked(setting):
    admin = make_user(org=make_org("beheer-bp"), roles=[Role.ADMIN])
    with pytest.raises(AccessDenied):
        glass_search.find_cases_by_person(admin, bsn=BSN)
    assert last_event("break_glass.search", actor_user_id=admin.id).outcome is Outcome.DENIED
    youth = make_user(org=make_org("jongerenwerk-bp", kind=OrganisationKind.YOUTH_WORK), roles=[Role.CASEWORKER])
    with pytest.raises(people.BsnNotProcessed):
        glass_search.find_cases_by_person(youth, bsn=BSN)
    assert [f.case for f in glass_search.find_cases_by_person(youth, family_name="de Groot", birth_date=BORN)] == [
        setting["eligible"]
    ]


def test_the_glass_is_then_taken_as_ever(setting):
    officer, case = setting["officer"], setting["eligible"]
    (found,) = glass_search.find_cases_by_person(officer, bsn=BSN)
    grant = glass.break_glass(officer, found.case.reference, REASON)
    assert grant.case is case and can(officer, Action.VIEW_CASE, case) and not can(officer, Action.ADD_NOTE, case)


# -- the screens ------------------------------------------------------------------------------------


def test_the_screen_finds_by_bsn_and_offers_the_reason_form(client, setting):
    officer, case = setting["officer"], setting["eligible"]
    login_as(client, officer)
    page = client.post("/access/break-glass/person", data={"bsn": "1234 567 82"})
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert case.reference in page.text and f"reference={case.reference}" in page.text
    assert setting["restricted"].reference not in page.text and setting["secret"].reference not in page.text
    assert "Iris" not in page.text  # nothing about the person beyond the cases offered
    nothing = client.post("/access/break-glass/person", data={"bsn": "999999990"})
    assert "Niets gevonden" in nothing.text and case.reference not in nothing.text
    refused = client.post("/access/break-glass/person", data={"family_name": "de Groot"})
    assert refused.status_code == 422
    reason_form = client.get(f"/access/break-glass?reference={case.reference}")
    assert "Open met noodtoegang" in reason_form.text
    taken = client.post("/access/break-glass", data={"reference": case.reference, "reason": REASON})
    assert taken.status_code == 302 and taken.headers["Location"].endswith(f"/cases/{case.id}")


# -- the API ----------------------------------------------------------------------------------------


def test_the_api_searches_by_bsn_name_or_reference_and_takes_the_glass(client, setting):
    officer, case = setting["officer"], setting["eligible"]
    headers = bearer(make_api_token(officer))
    by_bsn = client.post("/api/v1/break-glass/search", headers=headers, json={"bsn": BSN})
    assert by_bsn.status_code == 200, by_bsn.json
    assert by_bsn.json["cases"] == [
        {"id": case.id, "reference": case.reference, "case_type": "youth", "in_scope": False}
    ]
    by_name = client.post(
        "/api/v1/break-glass/search", headers=headers, json={"family_name": "Groot", "birth_date": BORN.isoformat()}
    )
    assert [c["id"] for c in by_name.json["cases"]] == [case.id]
    by_reference = client.post(
        "/api/v1/break-glass/search", headers=headers, json={"reference": setting["secret"].reference}
    )
    assert by_reference.json["cases"] == []
    assert_problem(client.post("/api/v1/break-glass/search", headers=headers, json={"bsn": "123"}), 422)
    assert_problem(client.post("/api/v1/break-glass/search", headers=headers, json={}), 422)
    short = client.post("/api/v1/break-glass", headers=headers, json={"reference": case.reference, "reason": "kort"})
    assert [e["field"] for e in assert_problem(short, 422)["errors"]] == ["reason"]
    secret = client.post(
        "/api/v1/break-glass", headers=headers, json={"reference": setting["secret"].reference, "reason": REASON}
    )
    assert_problem(secret, 404)
    taken = client.post("/api/v1/break-glass", headers=headers, json={"reference": case.reference, "reason": REASON})
    assert taken.status_code == 201, taken.json
    assert taken.json["case"] == case.id
    admin = make_user(org=make_org("beheer-bp2"), roles=[Role.ADMIN])
    assert_problem(
        client.post("/api/v1/break-glass/search", headers=bearer(make_api_token(admin)), json={"bsn": BSN}), 403
    )
