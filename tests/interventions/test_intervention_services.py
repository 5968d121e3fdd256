"""Intervention rules and the balance per category; every rule with its audit event."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.interventions import services as interventions
from casebook.interventions.models import Intervention, InterventionCategory, InterventionKind
from tests.factories import make_case, make_org, make_user
from tests.helpers import last_event

TODAY = date(2026, 11, 28)


def kind(code: str) -> InterventionKind:
    return db.session.scalar(select(InterventionKind).where(InterventionKind.code == code))


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def case(west):
    return make_case(lead=west)


def log(case, user, code="gesprek", on=TODAY, organisation=None, outcome="Afspraak gemaakt"):
    return interventions.add_intervention(
        case, by=user, kind=kind(code), occurred_on=on, organisation=organisation or user.organisation,
        outcome=outcome, today=TODAY,
    )  # fmt: skip


def test_the_kinds_are_seeded_as_data_with_their_category():
    expected = {
        "gesprek": "prevention",
        "jongerenwerk": "prevention",
        "halt": "prevention",
        "zorgtraject": "care",
        "reclassering": "care",
        "last_onder_dwangsom": "enforcement",
        "sluiting_pand": "enforcement",
        "tijdelijk_huisverbod": "enforcement",
        "gebiedsverbod": "enforcement",
        "wbmgp_woonverklaring": "enforcement",
        "strafrechtelijk_traject": "enforcement",
    }
    for code, category in expected.items():
        assert kind(code).category is InterventionCategory(category), code


def test_logging_encrypts_the_outcome_and_audits_kind_and_category(case, west):
    user = make_user(org=west)
    row = log(case, user, "halt", outcome="Halt-taakstraf afgerond")
    raw = db.session.execute(select(Intervention.__table__.c.outcome).where(Intervention.id == row.id)).scalar_one()
    assert b"Halt-taakstraf" not in raw
    event = last_event("intervention.add")
    assert (event.actor_user_id, event.object_id, event.case_id) == (user.id, str(row.id), case.id)
    assert event.details == {
        "kind": "halt",
        "category": "prevention",
        "organisation": "wijkteam-west",
        "status": "done",
        "goal_id": None,
        "subject_person_id": None,
    }


def test_balance_counts_per_category_including_zero(case, west):
    user = make_user(org=west)
    log(case, user, "gesprek")
    log(case, user, "halt")
    log(case, user, "gebiedsverbod")
    log(make_case(lead=west), user, "zorgtraject")  # another case does not count
    assert interventions.balance(case) == {
        InterventionCategory.PREVENTION: 2,
        InterventionCategory.CARE: 0,
        InterventionCategory.ENFORCEMENT: 1,
    }


def test_a_date_in_the_future_is_refused(case, west):
    with pytest.raises(interventions.InterventionRefused) as refused:
        log(case, make_user(org=west), on=TODAY + timedelta(days=1))
    assert refused.value.field == "occurred_on"


def test_the_organisation_must_take_part_and_the_kind_be_active(case, west):
    user = make_user(org=west)
    with pytest.raises(interventions.InterventionRefused) as refused:
        log(case, user, organisation=make_org("elders"))
    assert refused.value.field == "organisation"
    inactive = kind("aanhouding")
    inactive.active = False
    with pytest.raises(interventions.InterventionRefused) as refused:
        log(case, user, "aanhouding")
    assert refused.value.field == "kind"


def test_observers_cannot_log_and_the_attempt_is_audited(west):
    observer_org = make_org("woningcorporatie")
    case = make_case(lead=west, participants=[(observer_org, Involvement.OBSERVER)])
    observer = make_user(org=observer_org)
    with pytest.raises(AccessDenied):
        log(case, observer)
    assert last_event("intervention.add", actor_user_id=observer.id).outcome is Outcome.DENIED


def test_reading_the_list_is_audited_and_newest_first(case, west):
    user = make_user(org=west)
    older = log(case, user, on=TODAY - timedelta(days=10))
    newer = log(case, user, on=TODAY - timedelta(days=1))
    assert [r.id for r in interventions.interventions_for(user, case)] == [newer.id, older.id]
    assert last_event("intervention.list").details == {"count": 2}
