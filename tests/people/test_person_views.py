"""Person screens: search (POST, 11-proef error), masked BSN and the audited reveal, registration, links."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.auth.models import Role
from casebook.cases.models import Involvement
from tests.factories import login_as, make_case, make_org, make_person, make_user
from tests.helpers import audit_events, last_event


@pytest.fixture
def setting():
    org = make_org()
    user = make_user(org=org, roles=[Role.CASEWORKER])
    person = make_person("van Jansen", given_names="Daan", birth_date=date(2008, 5, 17), bsn="123456782")
    case = make_case(lead=org, subjects=[person])
    return org, user, person, case


def test_search_page_finds_by_bsn_and_shows_it_masked(client, setting):
    _, user, person, _ = setting
    login_as(client, user)
    page = client.get("/persons")
    assert page.status_code == 200 and "Personen" in page.text
    response = client.post("/persons", data={"bsn": "123456782"})
    assert response.status_code == 200
    assert "Daan van Jansen" in response.text and "*****6782" in response.text
    assert response.text.count("123456782") == 1  # only the search box keeps what was typed
    assert f"/persons/{person.id}" in response.text
    assert response.headers["Cache-Control"] == "no-store"


def test_search_by_family_name_and_birth_date(client, setting):
    _, user, _, _ = setting
    login_as(client, user)
    found = client.post("/persons", data={"family_name": "Jansen", "birth_date": "2008-05-17"})
    assert "Daan van Jansen" in found.text
    other_day = client.post("/persons", data={"family_name": "Jansen", "birth_date": "2008-05-18"})
    assert "Daan van Jansen" not in other_day.text and "0 personen gevonden" in other_day.text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"bsn": "123456789"}, "Dit is geen geldig BSN"),
        ({"bsn": "000000000"}, "Dit is geen geldig BSN"),
        ({"family_name": "Jansen"}, "Vul ook de geboortedatum in."),
        ({}, "Vul een BSN in, of een achternaam en een geboortedatum."),
    ],
)
def test_invalid_search_gets_a_clear_dutch_error_and_keeps_the_input(client, setting, data, message):
    _, user, _, _ = setting
    login_as(client, user)
    response = client.post("/persons", data=data)
    assert response.status_code == 422 and message in response.text
    for value in data.values():
        assert f'value="{value}"' in response.text


def test_person_page_masks_the_bsn_and_lists_only_visible_cases(client, setting):
    _, user, person, case = setting
    hidden = make_case(lead=make_org(), subjects=[person])
    login_as(client, user)
    response = client.get(f"/persons/{person.id}")
    assert response.status_code == 200
    assert "*****6782" in response.text and "123456782" not in response.text
    assert case.reference in response.text and hidden.reference not in response.text
    assert "Toon BSN" in response.text
    assert last_event("person.view").object_id == str(person.id)


def test_reveal_is_a_post_that_shows_the_bsn_and_is_audited(client, setting):
    _, user, person, _ = setting
    login_as(client, user)
    assert client.get(f"/persons/{person.id}/bsn").status_code == 405
    response = client.post(f"/persons/{person.id}/bsn")
    assert response.status_code == 200 and "123456782" in response.text
    assert response.headers["Cache-Control"] == "no-store"
    assert last_event("person.bsn.reveal").object_id == str(person.id)


def test_person_outside_the_users_cases_is_a_404_everywhere(client, setting):
    _, _, person, _ = setting
    stranger = make_user(org=make_org(), roles=[Role.CASEWORKER])
    login_as(client, stranger)
    assert client.get(f"/persons/{person.id}").status_code == 404
    assert client.post(f"/persons/{person.id}/bsn").status_code == 404
    assert audit_events("person.bsn.reveal") == []


def test_admin_has_no_person_search_or_nav_item(client):
    admin = make_user(org=make_org(), roles=[Role.ADMIN])
    login_as(client, admin)
    assert "/persons" not in client.get("/cases").text
    assert client.get("/persons").status_code == 404


def test_case_page_links_subjects_to_their_person_page(client, setting):
    _, user, person, case = setting
    login_as(client, user)
    page = client.get(f"/cases/{case.id}").text
    assert f'href="/persons/{person.id}"' in page  # in the dossier's header
    page = client.get(f"/cases/{case.id}/people").text
    assert f'href="/persons/{person.id}"' in page and f'href="/cases/{case.id}/persons/new"' in page
    assert 'href="/persons"' in page  # the "Personen" nav item


def test_register_new_person_from_the_case(client, setting):
    org, user, _, _ = setting
    case = make_case(lead=org)
    login_as(client, user)
    assert client.get(f"/cases/{case.id}/persons/new").status_code == 200
    response = client.post(
        f"/cases/{case.id}/persons/new",
        data={"family_name": "de Boer", "given_names": "Sem", "birth_date": "2010-01-02", "role": "subject"},
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).text
    assert "Sem de Boer" in page and case.reference in page


def test_register_offers_the_existing_person_and_needs_the_confirmation(client, setting):
    org, user, person, _ = setting
    case = make_case(lead=org)
    login_as(client, user)
    form = {"family_name": "Jansen", "birth_date": "2008-05-17", "role": "subject"}
    offer = client.post(f"/cases/{case.id}/persons/new", data=form)
    assert offer.status_code == 200
    assert "Mogelijk al geregistreerd" in offer.text and "Daan van Jansen" in offer.text
    assert f'name="use_existing" value="{person.id}"' in offer.text
    assert "Geen van deze personen is dezelfde persoon" in offer.text
    linked = client.post(f"/cases/{case.id}/persons/new", data={**form, "use_existing": str(person.id)})
    assert linked.headers["Location"].endswith(f"/persons/{person.id}")
    again = client.post(f"/cases/{case.id}/persons/new", data={**form, "confirmed_new": "y"})
    assert again.status_code == 302 and not again.headers["Location"].endswith(f"/persons/{person.id}")


def test_register_refuses_an_invalid_bsn_with_422(client, setting):
    org, user, _, _ = setting
    case = make_case(lead=org)
    login_as(client, user)
    response = client.post(
        f"/cases/{case.id}/persons/new",
        data={"family_name": "Smit", "birth_date": "2001-01-01", "bsn": "123456789", "role": "subject"},
    )
    assert response.status_code == 422 and "Dit is geen geldig BSN" in response.text


def test_observers_cannot_register_persons_in_a_case(client):
    org, observer_org = make_org(), make_org()
    user = make_user(org=observer_org, roles=[Role.CASEWORKER])
    case = make_case(lead=org, participants=[(observer_org, Involvement.OBSERVER)])
    login_as(client, user)
    assert f"/cases/{case.id}/persons/new" not in client.get(f"/cases/{case.id}").text
    assert client.get(f"/cases/{case.id}/persons/new").status_code == 404
