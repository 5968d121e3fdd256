"""Intervention routes over HTTP: log, balance, 422 with input kept, IDOR 404s."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.interventions.models import Intervention, InterventionKind
from tests.factories import login_as, make_case, make_org, make_user
from tests.helpers import last_event


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def case(west):
    return make_case(lead=west)


@pytest.fixture
def worker(client, west):
    user = make_user(org=west)
    login_as(client, user)
    return user


def kind_id(code: str) -> str:
    return str(db.session.scalar(select(InterventionKind.id).where(InterventionKind.code == code)))


def test_log_an_intervention_and_see_the_balance(client, case, worker, west):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    data = {
        "kind": kind_id("gebiedsverbod"),
        "occurred_on": yesterday,
        "organisation": str(west.id),
        "outcome": "3 mnd",
    }
    response = client.post(f"/cases/{case.id}/interventions", data=data)
    row = db.session.query(Intervention).filter_by(case_id=case.id).one()
    assert response.status_code == 303
    assert response.headers["Location"] == f"/cases/{case.id}/interventions#intervention-{row.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Interventie vastgelegd." in html and "Gebiedsverbod" in html and "repressie" in html
    assert 'data-category="enforcement"><span class="cb-balance__count">1</span>' in html
    assert 'data-category="care"><span class="cb-balance__count">0</span>' in html
    assert last_event("intervention.list", actor_user_id=worker.id).outcome is Outcome.ALLOWED


def test_a_future_date_rerenders_with_422_and_the_input_kept(client, case, worker, west):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    data = {"kind": kind_id("halt"), "occurred_on": tomorrow, "organisation": str(west.id), "outcome": "Mijn uitkomst"}
    response = client.post(f"/cases/{case.id}/interventions", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Mijn uitkomst" in html and tomorrow in html and "toekomst" in html
    assert db.session.query(Intervention).filter_by(case_id=case.id).count() == 0


def test_an_unknown_kind_is_422(client, case, worker, west):
    data = {"kind": "999999", "occurred_on": date.today().isoformat(), "organisation": str(west.id)}
    assert client.post(f"/cases/{case.id}/interventions", data=data).status_code == 422


def test_out_of_scope_and_observer_are_404(client, west):
    other = make_case(lead=make_org("elders"))
    observer_org = make_org("woningcorporatie")
    watched = make_case(lead=west, participants=[(observer_org, Involvement.OBSERVER)])
    observer = make_user(org=observer_org)
    login_as(client, observer)
    assert client.get(f"/cases/{other.id}/interventions").status_code == 404
    assert client.get(f"/cases/{watched.id}/interventions").status_code == 200
    response = client.post(f"/cases/{watched.id}/interventions", data={"kind": kind_id("gesprek")})
    assert response.status_code == 404
    assert last_event("intervention.add", actor_user_id=observer.id).outcome is Outcome.DENIED
