"""The case dossier over HTTP: a page per tab, forms on demand, a confirmation after each change, and
only the actions that make sense (no closing proposal in the first phase or while one is pending,
no change forms on a closed case but reopening)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.audit import Outcome
from casebook.cases import lifecycle
from casebook.cases.models import Case, CaseClosureStep, Involvement
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from tests.factories import login_as, make_case, make_goal, make_org, make_results, make_user, status_of
from tests.helpers import last_event

TABS = ("", "/plan", "/journal", "/interventions", "/people", "/handoffs", "/timeline")
# the form each tab opens on demand, and a field only that form has
FORMS = {
    "": ("status", 'name="to_status"'),
    "/journal": ("note", 'name="body"'),
    "/plan": ("goal", 'name="domain"'),
    "/interventions": ("intervention", 'name="occurred_on"'),
    "/people": ("participant", 'name="involvement"'),
}


@pytest.fixture
def zvh():
    return make_org("zvh", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def supervisor(zvh):
    return make_user(org=zvh, roles=["supervisor"])


@pytest.fixture
def case(zvh):
    case = make_case(lead=zvh, participants=[(make_org("politie", name="Politie"), Involvement.CONTRIBUTOR)])
    make_results(case.case_type)
    return case


def _past_first_phase(case: Case, coordinator) -> None:
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1)


def _propose(case: Case, coordinator) -> None:
    _past_first_phase(case, coordinator)
    result = lifecycle.results_for(case)[0].id
    lifecycle.propose_closure(case, result, "Doelen bereikt.", by=coordinator, expected_version=case.version)


def _close(case: Case, coordinator, supervisor) -> None:
    _propose(case, coordinator)
    lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=case.version)


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_has_a_page_of_its_own_for_a_participant(client, case, coordinator, tab):
    login_as(client, coordinator)
    response = client.get(f"/cases/{case.id}{tab}")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert case.reference in html and 'aria-label="Onderdelen van de casus"' in html
    assert f'href="/cases/{case.id}{tab}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 2  # the tab, and the header's navigation entry


@pytest.mark.parametrize("tab", TABS)
def test_each_tab_is_404_out_of_scope_and_the_denial_audited(client, case, tab):
    stranger = make_user(org=make_org("elders"), roles=["coordinator"])
    login_as(client, stranger)
    assert client.get(f"/cases/{case.id}{tab}").status_code == 404
    assert last_event("case.view", actor_user_id=stranger.id).outcome is Outcome.DENIED


def test_an_unknown_tab_is_404(client, case, coordinator):
    login_as(client, coordinator)
    assert client.get(f"/cases/{case.id}/nonsense").status_code == 404


def test_the_header_says_what_the_case_is(client, case, coordinator):
    case.process_coordinator = coordinator
    goal = make_goal(case, coordinator)
    from tests.factories import make_action

    make_action(case, coordinator, date.today() + timedelta(days=3), goal=goal, today=date.today())
    db.session.flush()
    login_as(client, coordinator)
    html = client.get(f"/cases/{case.id}/timeline").get_data(as_text=True)  # on every tab
    for text in ("Zorg- en Veiligheidshuis", coordinator.display_name, "Casusregisseur", "1 open actie"):
        assert text in html
    assert case.status.label("nl") in html


@pytest.mark.parametrize("tab", sorted(FORMS))
def test_forms_open_on_demand(client, case, coordinator, tab):
    name, field = FORMS[tab]
    login_as(client, coordinator)
    html = client.get(f"/cases/{case.id}{tab}").get_data(as_text=True)
    assert f"/cases/{case.id}{tab}?form={name}" in html and field not in html
    html = client.get(f"/cases/{case.id}{tab}?form={name}").get_data(as_text=True)
    assert field in html and f'id="form-{name}"' in html


def test_no_closing_proposal_in_the_first_phase(client, case, coordinator):
    login_as(client, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "?form=closure" not in html and "voorbij de eerste fase" in html
    assert 'name="summary"' not in client.get(f"/cases/{case.id}?form=closure").get_data(as_text=True)
    result = lifecycle.results_for(case)[0].id
    response = client.post(f"/cases/{case.id}/closure", data={"version": 1, "result": result, "summary": "Klaar."})
    assert response.status_code == 409 and "eerste fase" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Case, case.id).closure_proposed_at is None
    assert not db.session.query(CaseClosureStep).filter_by(case_id=case.id).count()


def test_past_the_first_phase_the_proposal_is_offered_and_confirmed(client, case, coordinator, supervisor):
    _past_first_phase(case, coordinator)
    login_as(client, coordinator)
    assert f"/cases/{case.id}?form=closure" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    result = lifecycle.results_for(case)[0].id
    response = client.post(f"/cases/{case.id}/closure", data={"version": 2, "result": result, "summary": "Klaar."})
    assert response.status_code == 303 and response.headers["Location"] == f"/cases/{case.id}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Voorstel tot afsluiten ingediend" in html and 'role="status"' in html
    assert f"beoordeeld door een teamleider van {supervisor.organisation.name}" in html
    # pending: no second proposal, no status change
    assert "?form=closure" not in html and "?form=status" not in html


def test_decision_and_reopening_are_confirmed(client, case, coordinator, supervisor):
    _propose(case, coordinator)
    login_as(client, supervisor)
    assert f"/cases/{case.id}?form=decision" in client.get(f"/cases/{case.id}").get_data(as_text=True)
    response = client.post(f"/cases/{case.id}/closure/decision", data={"version": 3, "decision": "approve"})
    assert response.status_code == 303
    assert "Casus afgesloten." in client.get(response.headers["Location"]).get_data(as_text=True)
    client.post("/logout")
    login_as(client, coordinator)
    nazorg = status_of(case, "nazorg").id
    response = client.post(f"/cases/{case.id}/reopen", data={"version": 4, "to_status": nazorg, "reason": "Terugval"})
    assert response.status_code == 303
    assert "Casus heropend." in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_refused_form_reopens_on_its_tab_with_the_input_kept(client, case, coordinator):
    login_as(client, coordinator)
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Mijn tekst", "visibility": "niemand"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="form-note"' in html and "Mijn tekst" in html and 'aria-current="page">Journaal' in html
    police = make_org("reclassering")
    response = client.post(f"/cases/{case.id}/participants", data={"organisation": police.id, "involvement": "lead"})
    assert response.status_code == 422 and 'id="form-participant"' in response.get_data(as_text=True)


CHANGE_LINKS = ("?form=status", "?form=closure", "?form=note", "?form=goal", "?form=evaluation")
CHANGE_LINKS += ("?form=case-manager", "?form=intervention", "?form=participant", "/edit", "/handoffs/new")


def test_a_closed_case_offers_no_change_but_reopening(client, case, coordinator, supervisor):
    _close(case, coordinator, supervisor)
    login_as(client, coordinator)
    pages = {tab: client.get(f"/cases/{case.id}{tab}").get_data(as_text=True) for tab in TABS}
    assert f"/cases/{case.id}?form=reopen" in pages[""]
    for tab, html in pages.items():
        assert not [link for link in CHANGE_LINKS if link in html], tab
        assert "Beëindigen" not in html and "/status" not in html.replace("/status-", ""), tab
    for tab, (name, field) in FORMS.items():  # asking for the form does not open it either
        assert field not in client.get(f"/cases/{case.id}{tab}?form={name}").get_data(as_text=True), tab


def test_form_pages_of_a_closed_case_lead_back_with_the_reason(client, case, coordinator, supervisor):
    from tests.factories import make_note

    goal = make_goal(case, coordinator)
    note = make_note(case, coordinator)
    _close(case, coordinator, supervisor)
    login_as(client, coordinator)
    for path in (f"/cases/{case.id}/edit", f"/cases/{case.id}/plan/goals/{goal.id}/actions"):
        response = client.get(path)
        assert response.status_code == 303 and response.headers["Location"] == f"/cases/{case.id}", path
    response = client.get(f"/cases/{case.id}/notes/{note.id}/correction")
    assert response.status_code == 303
    assert "Deze casus is afgesloten." in client.get(response.headers["Location"]).get_data(as_text=True)
