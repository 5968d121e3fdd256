"""What a signal's viewer learns of its outcome and persons: the registrant learns that it was weighed
and the kind of decision, but not the reference or reasoning of a case they may not see, nor persons
others linked whom they may not see (screens and API alike)."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.signals import services as signals
from casebook.signals.models import Signal, TriageDecision
from tests.factories import (
    authorise_user,
    bearer,
    login_as,
    make_api_token,
    make_case,
    make_case_type,
    make_org,
    make_person,
    make_signal,
    make_user,
)

REASON = "Meerdere leefgebieden en een wapen in het spel"


@pytest.fixture
def zvh():
    return make_org("zvh-out", kind=OrganisationKind.ZVH)


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def registrant():
    return make_user(org=make_org("wijkteam-out", kind=OrganisationKind.WIJKTEAM), roles=["caseworker"])


def _open(signal, coordinator, lead=None, procesregisseur=None):
    decision = signals.Triage(
        criterion_a=True,
        criterion_b=True,
        criterion_c=True,
        criterion_d=False,
        decision=TriageDecision.OPEN_CASE,
        reason=REASON,
        lead_organisation_id=(lead or coordinator.organisation).id,
        process_coordinator_id=(procesregisseur or coordinator).id,
    )
    return signals.triage(signal, decision, by=coordinator)


def test_the_registrant_sees_the_decision_kind_but_not_the_case_or_its_reasoning(registrant, coordinator):
    signal = make_signal(registrant, persons=[make_person()])
    case = _open(signal, coordinator)
    view = signals.view_for(registrant, signal)
    assert view.case is None and view.decision_reason is None
    assert signal.decision is TriageDecision.OPEN_CASE  # the kind stays on the signal itself
    mine = signals.view_for(coordinator, signal)
    assert mine.case is case and mine.decision_reason == REASON


def test_a_decision_without_a_case_keeps_its_reasoning_for_the_registrant(registrant, coordinator):
    signal = make_signal(registrant)
    advice = signals.Triage(
        criterion_a=False,
        criterion_b=False,
        criterion_c=False,
        criterion_d=False,
        decision=TriageDecision.ADVICE,
        reason="Neem contact op met het jongerenwerk",
    )
    signals.triage(signal, advice, by=coordinator)
    view = signals.view_for(registrant, signal)
    assert view.case is None and view.decision_reason == "Neem contact op met het jongerenwerk"


def test_over_http_the_registrant_sees_casus_geopend_without_reference_or_reasoning(
    app, client, registrant, coordinator
):
    signal = make_signal(registrant, persons=[make_person()])
    case = _open(signal, coordinator)
    login_as(client, registrant)
    page = client.get(f"/signals/{signal.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert case.reference not in html and REASON not in html
    assert "casus openen" in html.lower()  # the melder learns what was decided
    assert client.get(f"/cases/{case.id}").status_code == 404
    html = login_as(app.test_client(), coordinator).get(f"/signals/{signal.id}").get_data(as_text=True)
    assert case.reference in html and REASON in html


def _hidden_subject(zvh, coordinator):
    """The subject of a geheim case the coordinator may see and the registrant may not."""
    person = make_person("Verborgen", given_names="Sara", birth_date=date(2007, 3, 4))
    youth = make_case_type("youth")
    authorise_user(coordinator, youth, max_confidentiality=Confidentiality.GEHEIM)
    make_case(lead=zvh, type="youth", confidentiality=Confidentiality.GEHEIM, subjects=[person])
    return person


def _link_found(signal, user, person):
    query = signals.PersonQuery(bsn=None, family_name=person.family_name, birth_date=person.birth_date)
    return signals.link_person(signal, person.id, person_role(), query, by=user)


def person_role():
    from casebook.cases.models import SubjectRole

    return SubjectRole.SUBJECT


def test_a_person_linked_by_another_shows_only_to_who_may_see_them(registrant, coordinator, zvh):
    signal = make_signal(registrant)
    hidden = _hidden_subject(zvh, coordinator)
    _link_found(signal, coordinator, hidden)
    assert [link.person for link in signals.view_for(coordinator, signal).persons] == [hidden]
    assert signals.view_for(registrant, signal).persons == []
    own = signals.create_person_for_signal(
        signal,
        signals.NewPerson(family_name="Eigen", given_names="Tim", birth_date=date(2009, 1, 2)),
        person_role(),
        confirmed_distinct=set(),
        by=registrant,
        today=date(2026, 12, 1),
    )
    assert [link.id for link in signals.view_for(registrant, signal).persons] == [own.id]  # linked it themselves
    with pytest.raises(signals.CaseRuleError):  # another's link is no link for them
        signals.unlink_person(signal, signal.persons[0].id, by=registrant)
    assert hidden in [link.person for link in signal.persons]


def test_over_http_the_registrant_does_not_see_a_hidden_person_linked_by_the_zvh(
    app, client, registrant, coordinator, zvh
):
    signal = make_signal(registrant)
    hidden = _hidden_subject(zvh, coordinator)
    _link_found(signal, coordinator, hidden)
    login_as(client, registrant)
    html = client.get(f"/signals/{signal.id}").get_data(as_text=True)
    assert "Verborgen" not in html and "04-03-2007" not in html and "2007" not in html
    assert client.get(f"/persons/{hidden.id}").status_code == 404
    coordinator_page = login_as(app.test_client(), coordinator).get(f"/signals/{signal.id}")
    assert "Verborgen" in coordinator_page.get_data(as_text=True)


def test_over_the_api_the_triage_answer_names_no_case_the_caller_may_not_see(client, coordinator, registrant):
    lead = make_org("wijkteam-lead", kind=OrganisationKind.WIJKTEAM)
    procesregisseur = make_user(org=lead, roles=["coordinator"])
    signal = make_signal(registrant, persons=[make_person()])
    decision = {
        "criterion_a": True,
        "criterion_b": True,
        "criterion_c": True,
        "criterion_d": False,
        "decision": "open_case",
        "reason": REASON,
        "lead_organisation": lead.slug,
        "process_coordinator": procesregisseur.username,
    }
    answer = client.post(
        f"/api/v1/signals/{signal.id}/triage", headers=bearer(make_api_token(coordinator)), json=decision
    )
    assert answer.status_code == 200, answer.json
    assert signal.case_id is not None
    assert client.get(f"/api/v1/cases/{signal.case_id}", headers=bearer(make_api_token(coordinator))).status_code == 404
    assert answer.json["decision"] == "open_case" and answer.json["case"] is None


def test_over_http_the_weigher_learns_no_reference_of_a_case_opened_for_another_lead(client, coordinator, registrant):
    lead = make_org("wijkteam-lead2", kind=OrganisationKind.WIJKTEAM)
    procesregisseur = make_user(org=lead, roles=["coordinator"])
    signal = make_signal(registrant, persons=[make_person()])
    login_as(client, coordinator)
    data = {
        "criterion_a": "yes",
        "criterion_b": "yes",
        "criterion_c": "yes",
        "criterion_d": "no",
        "decision": "open_case",
        "reason": REASON,
        "lead_organisation": lead.id,
        "process_coordinator": procesregisseur.id,
    }
    response = client.post(f"/signals/{signal.id}/triage", data=data, follow_redirects=True)
    assert response.status_code == 200
    opened = db.session.get(Signal, signal.id).case
    assert opened is not None and opened.reference not in response.get_data(as_text=True)
    assert client.get(f"/cases/{opened.id}").status_code == 404
