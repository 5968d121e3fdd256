"""Case screens over HTTP."""

from __future__ import annotations

import re

import pytest

from casebook.audit import Outcome
from casebook.cases.models import Involvement
from tests.factories import login_as, make_case, make_district, make_org, make_person, make_user
from tests.helpers import last_event


@pytest.fixture
def west():
    return make_org("wijkteam-west", name="Sociaal wijkteam West")


def test_list_shows_only_visible_cases(client, west):
    visible = make_case(lead=west)
    hidden = make_case(lead=make_org("elders"))
    login_as(client, make_user(org=west))
    html = client.get("/cases").get_data(as_text=True)
    assert visible.reference in html
    assert hidden.reference not in html
    assert "1 casus" in html


def test_list_filter_by_district(client, west):
    a = make_case(lead=west, district=make_district("wielwijk"))
    b = make_case(lead=west, district=make_district("dubbeldam"))
    login_as(client, make_user(org=west))
    html = client.get("/cases?district=wielwijk").get_data(as_text=True)
    assert a.reference in html and b.reference not in html


def test_unknown_filter_values_are_ignored_not_errors(client, west):
    make_case(lead=west)
    login_as(client, make_user(org=west))
    response = client.get("/cases?district=<script>&type=nope&page=-3")
    assert response.status_code == 200
    assert "<script>" not in response.get_data(as_text=True)


def test_detail_shows_metadata_subjects_and_participants(client, west):
    person = make_person("de Vries", given_names="Sem")
    police = make_org("politie", name="Politie basisteam")
    case = make_case(lead=west, subjects=[person], participants=[(police, Involvement.CONTRIBUTOR)])
    login_as(client, make_user(org=west))
    response = client.get(f"/cases/{case.id}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    for text in (case.reference, "Sem de Vries", "Sociaal wijkteam West"):
        assert text in html
    html = client.get(f"/cases/{case.id}/people").get_data(as_text=True)
    for text in ("Sem de Vries", "Politie basisteam", "betrokken partner"):
        assert text in html


@pytest.mark.parametrize("path", ["/cases/{id}", "/cases/{id}/journal", "/cases/{id}/plan", "/cases/{id}/people"])
def test_out_of_scope_case_is_404_in_layout_and_denial_audited(client, west, path):
    other = make_case(lead=make_org("elders"))
    user = make_user(org=west)
    login_as(client, user)
    response = client.get(path.format(id=other.id))
    assert response.status_code == 404
    assert "Niet gevonden" in response.get_data(as_text=True)
    assert last_event("case.view", actor_user_id=user.id).outcome is Outcome.DENIED


def test_nonexistent_case_looks_the_same_as_out_of_scope(client, west):
    other = make_case(lead=make_org("elders"))
    login_as(client, make_user(org=west))
    hidden = client.get(f"/cases/{other.id}")
    missing = client.get("/cases/999999")
    assert hidden.status_code == missing.status_code == 404

    def strip(response, case_id):
        html = (
            response.get_data(as_text=True)
            .replace(response.headers["X-Request-Id"], "")
            .replace(f"/cases/{case_id}", "/cases/N")
        )
        # CSRF tokens carry a timestamp: two requests a second apart differ there and nowhere else.
        return re.sub(r'name="csrf_token" value="[^"]*"', 'name="csrf_token"', html)

    assert strip(hidden, other.id) == strip(missing, 999999)


def test_html_in_data_is_escaped(client, west):
    person = make_person("<script>alert(1)</script>")
    case = make_case(lead=west, subjects=[person])
    login_as(client, make_user(org=west))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
