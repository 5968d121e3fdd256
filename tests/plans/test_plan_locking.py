"""Never a silently overwritten edit: the evaluation date and the casusregisseur change only from
the case version the user saw (else 409 on the screen, input kept, nothing written), and each change
is kept in the case's field history like the case edit form's changes."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from casebook.auth.models import Role
from casebook.cases.errors import StaleCase
from casebook.cases.models import Case, CaseFieldChange, Involvement
from casebook.db import db
from casebook.plans import services as plans
from casebook.plans.models import CasePlan
from tests.factories import login_as, make_case, make_org, make_user
from tests.helpers import audit_events

TODAY = date(2026, 12, 1)


@pytest.fixture
def west():
    return make_org("wijkteam-lock")


@pytest.fixture
def police():
    return make_org("politie-lock", name="Politie basisteam")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


@pytest.fixture
def coordinator(west):
    return make_user(org=west, roles=[Role.COORDINATOR])


def _history(case: Case, field: str) -> list[CaseFieldChange]:
    return list(
        db.session.scalars(
            select(CaseFieldChange).where(CaseFieldChange.case_id == case.id, CaseFieldChange.field == field)
        )
    )


def test_a_stale_evaluation_date_is_refused_and_nothing_is_written(case, coordinator):
    seen = case.version
    first = TODAY + timedelta(days=10)
    assert plans.set_next_evaluation(case, by=coordinator, on=first, expected_version=seen, today=TODAY)
    [change] = _history(case, "next_evaluation_on")
    assert (change.old_value, change.new_value, change.version) == (None, first.isoformat(), case.version)
    events = len(audit_events("plan.evaluation"))
    with pytest.raises(StaleCase) as stale:
        plans.set_next_evaluation(
            case, by=coordinator, on=TODAY + timedelta(days=30), expected_version=seen, today=TODAY
        )
    assert stale.value.current_version == case.version
    assert [c.what for c in stale.value.changes] == ["Volgende evaluatie"]
    assert case.next_evaluation_on == first and len(_history(case, "next_evaluation_on")) == 1
    assert len(audit_events("plan.evaluation")) == events
    with pytest.raises(StaleCase):
        plans.set_next_evaluation(case, by=coordinator, on=first, expected_version=None, today=TODAY)


def test_a_stale_casusregisseur_is_refused_and_nothing_is_written(case, coordinator, police):
    seen = case.version
    officer, other = make_user(org=police), make_user(org=police)
    plans.set_case_manager(case, by=coordinator, manager=officer, expected_version=seen)
    assert case.version == seen + 1
    [change] = _history(case, "case_manager")
    assert change.new_value == officer.display_name and change.version == case.version
    with pytest.raises(StaleCase):
        plans.set_case_manager(case, by=coordinator, manager=other, expected_version=seen)
    plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id))
    assert plan.case_manager is officer and len(_history(case, "case_manager")) == 1
    assert len(audit_events("plan.case_manager")) == 1


def test_over_http_a_stale_evaluation_form_answers_409_and_keeps_the_input(client, case, coordinator):
    login_as(client, coordinator)
    seen = case.version
    soon, later = (date.today() + timedelta(days=9)).isoformat(), (date.today() + timedelta(days=40)).isoformat()
    url = f"/cases/{case.id}/plan/evaluation"
    assert client.post(url, data={"next_evaluation_on": soon, "version": seen}).status_code == 303
    stale = client.post(url, data={"next_evaluation_on": later, "version": seen})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert later in html and "Er is niets opgeslagen" in html
    assert db.session.get(Case, case.id).next_evaluation_on.isoformat() == soon
    assert client.post(url, data={"next_evaluation_on": later}).status_code == 422  # no version: no blind write
    assert db.session.get(Case, case.id).next_evaluation_on.isoformat() == soon


def test_over_http_a_stale_casusregisseur_form_answers_409_and_keeps_the_choice(client, case, coordinator, police):
    login_as(client, coordinator)
    seen = case.version
    officer, other = make_user(org=police), make_user(org=police)
    officer_id, other_id = officer.id, other.id
    url = f"/cases/{case.id}/plan/case-manager"
    assert client.post(url, data={"case_manager": str(officer_id), "version": seen}).status_code == 303
    stale = client.post(url, data={"case_manager": str(other_id), "version": seen})
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert f'<option selected value="{other_id}">' in html and "Er is niets opgeslagen" in html
    count = db.session.scalar(
        select(func.count()).select_from(CaseFieldChange).where(CaseFieldChange.case_id == case.id)
    )
    assert count == 1
    plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id))
    assert plan.case_manager_id == officer_id
