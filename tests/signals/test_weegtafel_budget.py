"""The weegtafel page and the API's queue read the "bekend" context in a fixed number of statements:
as many with eight signals (each person known in cases, a household, earlier signals and a hidden
match, some assigned, some waiting for information) as with two — no statement per signal or person."""

from __future__ import annotations

import pytest

from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation, PersonMatch
from casebook.signals.models import InformationRequest, TriageDecision
from tests.factories import bearer, login_as, make_api_token, make_case, make_org, make_person, make_signal, make_user
from tests.scale.test_statement_budget import CASE_PAGE_BUDGET, PARTS, get, within_budget

_made = {"n": 0}


def _grow(zvh, coordinator, registrant, police, *, to: int) -> None:
    """Signals up to ``to``, each with a person who is known in every way the weegtafel shows."""
    while _made["n"] < to:
        n = _made["n"] = _made["n"] + 1
        person, hidden = make_person(f"Bekend{n}"), make_person(f"Verborgen{n}")
        make_case(lead=zvh, subjects=[person])
        household = Household(reference=f"HH-BUDGET-{n}")
        household.members.append(HouseholdMember(person=person, relation=HouseholdRelation.PARENT))
        db.session.add(household)
        earlier = make_signal(registrant, persons=[person], received_at=utcnow().replace(year=2025))
        earlier.triaged_at, earlier.decision = utcnow(), TriageDecision.NO_ACTION  # weighed: not in the queue
        signal = make_signal(registrant, persons=[person, make_person(f"Ander{n}")])
        db.session.add(
            PersonMatch(
                person=person, matched_person=hidden, kind="bsn", signal_id=signal.id, case_type_id=signal.case_type_id
            )
        )
        if n % 2:
            signal.assigned_to = coordinator
        if n % 3 == 0:
            question = InformationRequest(organisation=police, asked_by=coordinator, asked_at=utcnow())
            question.question = "Vraag"
            signal.information_requests.append(question)
            signal.clock_paused_at, signal.clock_paused_age = utcnow(), 1
    db.session.flush()


@pytest.fixture
def world():
    _made["n"] = 0
    zvh = make_org("zvh")
    police = make_org("politie", kind=OrganisationKind.POLICE)
    return zvh, make_user(org=zvh, roles=["coordinator"]), make_user(org=police), police


@pytest.mark.parametrize("part", PARTS)
def test_the_weegtafel_page_has_a_fixed_budget(client, world, part):
    zvh, coordinator, registrant, police = world
    login_as(client, coordinator)
    _grow(zvh, coordinator, registrant, police, to=2)
    small, _ = get(client, "/signals")
    _grow(zvh, coordinator, registrant, police, to=8)
    large, response = get(client, "/signals")
    html = response.get_data(as_text=True)
    assert html.count("Mogelijk bekend bij een andere organisatie") == 8
    assert html.count("HH-BUDGET-") == 8 and "wacht op informatie" in html
    within_budget(small, large, CASE_PAGE_BUDGET, "weegtafel", part)


@pytest.mark.parametrize("part", PARTS)
def test_the_api_queue_with_context_has_a_fixed_budget(client, world, part):
    zvh, coordinator, registrant, police = world
    headers = bearer(make_api_token(coordinator))
    _grow(zvh, coordinator, registrant, police, to=2)
    small, _ = get(client, "/api/v1/signals", headers=headers)
    _grow(zvh, coordinator, registrant, police, to=8)
    large, response = get(client, "/api/v1/signals", headers=headers)
    assert sum(1 for s in response.json["items"] if s["known"] and s["known"][0]["cases"]) == 8
    within_budget(small, large, CASE_PAGE_BUDGET, "API weegtafel", part)
