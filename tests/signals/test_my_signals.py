"""Mijn meldingen: the melder sees their own signals and the outcome's metadata — never another's
signals, never the reference of a case they may not see, never the case's content."""

from __future__ import annotations

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.cases.models import Involvement
from casebook.organisations.models import OrganisationKind
from casebook.pagination import PageRequest
from casebook.signals import mine
from casebook.signals import services as signals
from casebook.signals.models import TriageDecision
from tests.access.helpers import add_participant
from tests.factories import login_as, make_case_type, make_org, make_person, make_signal, make_user
from tests.helpers import last_event

REASON = "Meerdere leefgebieden en een wapen in het spel"
ADVICE = "Neem contact op met het jongerenwerk"


@pytest.fixture
def zvh():
    return make_org("zvh-mine", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")


@pytest.fixture
def weigher(zvh):
    user = make_user(org=zvh, roles=["coordinator"])
    user.display_name = "Sanne Weger"
    return user


@pytest.fixture
def police():
    return make_org("politie-mine", kind=OrganisationKind.POLICE, name="Politie basisteam")


@pytest.fixture
def officer(police):
    return make_user(org=police, roles=["caseworker"])


def _weigh(signal, weigher, decision=TriageDecision.ADVICE, reason=ADVICE):
    if decision is TriageDecision.OPEN_CASE:
        triage = signals.Triage(
            criterion_a=True,
            criterion_b=True,
            criterion_c=True,
            criterion_d=False,
            decision=decision,
            reason=reason,
            lead_organisation_id=weigher.organisation_id,
            process_coordinator_id=weigher.id,
        )
    else:
        triage = signals.Triage(False, False, False, False, decision=decision, reason=reason)  # advice
    return signals.triage(signal, triage, by=weigher)


def _page(user):
    return mine.my_signals(user, PageRequest(per_page=25))


def test_the_melder_sees_their_signals_with_the_outcome_and_who_weighed_it(officer, weigher):
    waiting = make_signal(officer)
    advised = make_signal(officer)
    _weigh(advised, weigher)
    page = _page(officer)
    assert [row.signal for row in page.items] == [advised, waiting]  # newest first
    row = page.items[0]
    assert row.signal.decision is TriageDecision.ADVICE and row.signal.triaged_by is weigher and row.case is None
    assert page.items[1].waiting and not row.waiting
    event = last_event("signal.own.list", actor_user_id=officer.id)
    assert event.outcome is Outcome.ALLOWED and event.details["count"] == 2
    assert mine.my_signal_counts(officer) == (2, 1)


def test_a_colleague_of_the_same_organisation_does_not_see_them(officer, police, weigher):
    signal = make_signal(officer)
    colleague = make_user(org=police, roles=["caseworker"])
    assert _page(colleague).items == [] and mine.my_signal_counts(colleague) == (0, 0)
    assert not can(colleague, Action.VIEW_OWN_SIGNALS, signal) and can(officer, Action.VIEW_OWN_SIGNALS, signal)
    with pytest.raises(AccessDenied):
        signals.load_signal_for(colleague, signal.id)


def test_who_may_not_register_signals_has_no_list(police):
    for role in ("supervisor", "admin"):
        user = make_user(org=police, roles=[role])
        assert not can(user, Action.VIEW_OWN_SIGNALS) and mine.my_signal_counts(user) is None
        with pytest.raises(AccessDenied):
            _page(user)
        assert last_event(str(Action.VIEW_OWN_SIGNALS), actor_user_id=user.id).outcome is Outcome.DENIED


def test_the_case_reference_only_when_the_melder_may_see_the_case(officer, police, weigher):
    signal = make_signal(officer, persons=[make_person()])
    case = _weigh(signal, weigher, TriageDecision.OPEN_CASE, REASON)
    row = _page(officer).items[0]
    assert row.signal.decision is TriageDecision.OPEN_CASE and row.case is None
    add_participant(case, police, Involvement.CONTRIBUTOR)
    assert _page(officer).items[0].case == case


def test_over_http_the_list_shows_outcome_and_decider_but_no_case_content(client, officer, weigher):
    advised = make_signal(officer)
    _weigh(advised, weigher)
    opened = make_signal(officer, persons=[make_person("Verborgen")])
    case = _weigh(opened, weigher, TriageDecision.OPEN_CASE, REASON)
    login_as(client, officer)
    response = client.get("/signals/mine")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert advised.reference in html and opened.reference in html
    assert "Sanne Weger (Zorg- en Veiligheidshuis)" in html
    assert case.reference not in html and REASON not in html and "Verborgen" not in html
    assert ADVICE not in html  # the reasoning is on the signal's own page, not in the list
    assert 'href="/signals/new"' in html  # "Nieuwe melding" on the page
    detail = client.get(f"/signals/{advised.id}").get_data(as_text=True)
    assert ADVICE in detail and "Sanne Weger (Zorg- en Veiligheidshuis)" in detail and "/signals/mine" in detail
    assert last_event("signal.view", actor_user_id=officer.id).outcome is Outcome.ALLOWED
    opened_page = client.get(f"/signals/{opened.id}").get_data(as_text=True)
    assert case.reference not in opened_page and REASON not in opened_page


def test_another_melders_signal_is_a_404(client, officer, police):
    other = make_signal(make_user(org=police, roles=["caseworker"]))
    login_as(client, officer)
    assert client.get(f"/signals/{other.id}").status_code == 404
    assert other.reference not in client.get("/signals/mine").get_data(as_text=True)


def test_the_list_is_paged(app, client, officer, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
    made = [make_signal(officer) for _ in range(3)]
    login_as(client, officer)
    first = client.get("/signals/mine").get_data(as_text=True)
    assert made[2].reference in first and made[0].reference not in first and 'rel="next"' in first
    assert client.get("/signals/mine?after=forged").status_code == 200  # an edited link: the first page


def test_navigation_leads_the_melder_to_mijn_meldingen_and_the_weigher_to_the_queue(app, client, officer, weigher):
    login_as(client, officer)
    html = client.get("/").get_data(as_text=True)
    assert 'href="/signals/mine"' in html and "Mijn meldingen" in html
    assert 'id="my_signals"' in html
    html = login_as(app.test_client(), weigher).get("/").get_data(as_text=True)
    assert 'href="/signals"' in html


def test_the_confirmation_links_to_mijn_meldingen(client, officer):
    case_type = make_case_type("youth")
    login_as(client, officer)
    response = client.post(
        "/signals/new",
        data={
            "source_organisation": officer.organisation_id,
            "channel": "police",
            "case_type": case_type.id,
            "description": "Jongere met mes gezien bij de school",
            "subject_informed": "yes",
        },
        follow_redirects=True,
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:400]
    html = response.get_data(as_text=True)
    assert '<a class="utrecht-link" href="/signals/mine">Mijn meldingen</a>' in html
