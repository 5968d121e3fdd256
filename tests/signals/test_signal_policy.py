"""Signals under the one policy: restricted types only for users authorised for them (queue,
counts, page, triage, API), and the source of a signal is one's own organisation unless one
may name another."""

from __future__ import annotations

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.cases.errors import CaseRuleError
from casebook.confidentiality import Confidentiality
from casebook.organisations.models import OrganisationKind
from casebook.signals import services as signals
from casebook.signals.models import Channel, TriageDecision
from tests.factories import (
    authorise_user,
    bearer,
    login_as,
    make_api_token,
    make_case_type,
    make_org,
    make_signal,
    make_user,
)
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh-sig", kind=OrganisationKind.ZVH)


@pytest.fixture
def police():
    return make_org("politie-sig", kind=OrganisationKind.POLICE, name="Politie basisteam")


@pytest.fixture
def coordinator(zvh):
    """Triages at the weegtafel; authorised for youth, not for domestic violence."""
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def authorised(zvh):
    user = make_user(org=zvh, roles=["coordinator"])
    authorise_user(user, _restricted_type(), max_confidentiality=Confidentiality.GEHEIM)
    return user


@pytest.fixture
def officer(police):
    return make_user(org=police, roles=["caseworker"])


def _restricted_type():
    return make_case_type("domestic_violence", restricted=True, confidentiality=Confidentiality.GEHEIM)


@pytest.fixture
def restricted_signal(officer):
    _restricted_type()
    return make_signal(officer, type="domestic_violence")


@pytest.fixture
def youth_signal(officer):
    return make_signal(officer, type="youth")


def _triage() -> signals.Triage:
    return signals.Triage(
        criterion_a=False,
        criterion_b=False,
        criterion_c=False,
        criterion_d=False,
        decision=TriageDecision.NO_ACTION,
        reason="Geen grond.",
    )


def test_a_restricted_signal_is_not_in_the_queue_or_counts_of_an_unauthorised_coordinator(
    app, coordinator, authorised, restricted_signal, youth_signal
):
    from casebook.work.services import signals_to_triage

    assert [i.signal for i in signals.queue(coordinator)] == [youth_signal]
    assert signals.queue_counts(coordinator) == (1, 0)
    assert {i.signal for i in signals.queue(authorised)} == {youth_signal, restricted_signal}
    assert signals.queue_counts(authorised) == (2, 0)
    with app.test_request_context():
        assert signals_to_triage(coordinator, signals.local_today()).count == 1  # the My work counter


def test_a_restricted_signal_is_not_seen_or_weighed_by_an_unauthorised_coordinator(
    coordinator, authorised, officer, restricted_signal
):
    assert not can(coordinator, Action.VIEW_SIGNAL, restricted_signal)
    assert not can(coordinator, Action.TRIAGE_SIGNALS, restricted_signal)
    with pytest.raises(AccessDenied):
        signals.load_signal_for(coordinator, restricted_signal.id)
    assert last_event("signal.view", actor_user_id=coordinator.id).outcome is Outcome.DENIED
    with pytest.raises(AccessDenied):
        signals.triage(restricted_signal, _triage(), by=coordinator)
    assert last_event("signal.triage", actor_user_id=coordinator.id).outcome is Outcome.DENIED
    assert restricted_signal.triaged_at is None
    assert can(officer, Action.VIEW_SIGNAL, restricted_signal)  # who registered it keeps seeing it
    assert not can(officer, Action.TRIAGE_SIGNALS, restricted_signal)
    assert signals.load_signal_for(authorised, restricted_signal.id) is restricted_signal
    signals.triage(restricted_signal, _triage(), by=authorised)
    assert restricted_signal.triaged_at is not None


def test_over_http_a_restricted_signal_is_404_and_absent_from_the_queue(
    client, coordinator, restricted_signal, youth_signal
):
    login_as(client, coordinator)
    assert client.get(f"/signals/{restricted_signal.id}").status_code == 404
    response = client.post(f"/signals/{restricted_signal.id}/triage", data={"decision": "no_action", "reason": "x"})
    assert response.status_code == 404
    queue = client.get("/signals").get_data(as_text=True)
    assert youth_signal.reference in queue and restricted_signal.reference not in queue


def test_over_the_api_a_restricted_signal_is_absent_and_404(client, coordinator, restricted_signal, youth_signal):
    headers = bearer(make_api_token(coordinator))
    listed = client.get("/api/v1/signals", headers=headers).json
    assert [s["id"] for s in listed["items"]] == [youth_signal.id]
    decision = {
        "criterion_a": False,
        "criterion_b": False,
        "criterion_c": False,
        "criterion_d": False,
        "decision": "no_action",
        "reason": "x",
    }
    triaged = client.post(f"/api/v1/signals/{restricted_signal.id}/triage", headers=headers, json=decision)
    assert triaged.status_code == 404


# --- the source of a signal --------------------------------------------------------------------------


def _new(source_id: int, case_type_id: int) -> signals.NewSignal:
    return signals.NewSignal(
        source_organisation_id=source_id,
        channel=Channel.POLICE,
        case_type_id=case_type_id,
        district_id=None,
        description="Jongere met een mes gezien.",
        subject_informed=True,
    )


def test_the_source_is_ones_own_organisation_without_the_right_to_name_another(officer, zvh):
    case_type = make_case_type("youth")
    assert not can(officer, Action.NAME_SIGNAL_SOURCE)
    with pytest.raises(CaseRuleError) as refused:
        signals.register_signal(_new(zvh.id, case_type.id), by=officer)
    assert refused.value.field == "source_organisation"
    assert last_event("signal.source.name", actor_user_id=officer.id).outcome is Outcome.DENIED
    own = signals.register_signal(_new(officer.organisation_id, case_type.id), by=officer)
    assert own.source_organisation_id == officer.organisation_id


def test_the_zvh_intake_may_name_the_partner_as_source(zvh, police):
    intake = make_user(org=zvh, roles=["caseworker"])
    case_type = make_case_type("youth")
    assert can(intake, Action.NAME_SIGNAL_SOURCE)
    signal = signals.register_signal(_new(police.id, case_type.id), by=intake)
    assert signal.source_organisation_id == police.id


def test_the_form_offers_other_organisations_only_to_who_may_name_them(client, officer, zvh):
    make_case_type("youth")
    login_as(client, officer)
    form = client.get("/signals/new").get_data(as_text=True)
    assert officer.organisation.name in form and f'value="{zvh.id}"' not in form
    response = client.post(
        "/signals/new",
        data={
            "source_organisation": zvh.id,
            "channel": "police",
            "case_type": make_case_type("youth").id,
            "description": "Jongere met een mes gezien.",
            "subject_informed": "yes",
        },
    )
    assert response.status_code == 422


def test_unrestricted_types_are_weighed_by_every_coordinator(coordinator, youth_signal):
    assert can(coordinator, Action.TRIAGE_SIGNALS, youth_signal)


def test_over_the_api_another_source_is_refused_without_the_right(client, officer, zvh):
    make_case_type("youth")
    payload = {
        "source_organisation": zvh.slug,
        "channel": "police",
        "case_type": "youth",
        "description": "Jongere met een mes gezien.",
        "subject_informed": True,
    }
    officer_id, headers = officer.id, bearer(make_api_token(officer))
    response = client.post("/api/v1/signals", headers=headers, json=payload)
    assert response.status_code == 422
    assert [e["field"] for e in response.json["errors"]] == ["source_organisation"]
    assert last_event("signal.source.name", actor_user_id=officer_id).outcome is Outcome.DENIED
