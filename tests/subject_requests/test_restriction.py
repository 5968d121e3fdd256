"""Restriction of processing: a restricted case or person is visible but frozen — every change is
refused with a clear message on the screens and in the API, reads go on — until it is lifted."""

from __future__ import annotations

from datetime import date

import pytest

from casebook.access import Action, can
from casebook.access.restriction import FROZEN_ACTIONS, ProcessingRestricted
from casebook.audit import Outcome
from casebook.db import db
from casebook.journal import services as journal
from casebook.journal.models import NoteVisibility
from casebook.subject_requests import corrections, services
from casebook.subject_requests.models import RequestKind
from tests.api.support import assert_problem
from tests.factories import bearer, login_as, make_api_token
from tests.helpers import last_event
from tests.subject_requests.conftest import BSN

RESTRICTED_WORDS = "verwerking is beperkt"


def _request(world):
    request = services.register(
        world.officer, services.NewRequest(kind=RequestKind.RESTRICTION, received_on=date.today(), bsn=BSN)
    )
    db.session.commit()
    return request


def test_a_restricted_case_refuses_changes_in_the_services_and_keeps_reads(world):
    request = _request(world)
    restriction = corrections.restrict(world.officer, request, reason="Juistheid betwist", case_id=world.case.id)
    assert world.case.processing_restricted_at is not None
    assert can(world.coordinator, Action.VIEW_CASE, world.case)
    assert not can(world.coordinator, Action.ADD_NOTE, world.case)
    assert not can(world.coordinator, Action.SEND_HANDOFF, world.case)
    with pytest.raises(ProcessingRestricted):
        journal.add_note(world.case, by=world.coordinator, body="Nog een gesprek.", visibility=NoteVisibility.SHARED)
    denied = last_event(str(Action.ADD_NOTE))
    assert denied.outcome is Outcome.DENIED and denied.details == {"restricted": True}
    assert last_event("subject_request.restrict").details["restriction_id"] == restriction.id

    corrections.lift(world.officer, request, restriction.id, reason="Juistheid bevestigd")
    assert world.case.processing_restricted_at is None
    journal.add_note(world.case, by=world.coordinator, body="Nog een gesprek.", visibility=NoteVisibility.SHARED)


def test_an_outsider_still_gets_a_404_not_the_restriction(world):
    from tests.factories import make_org, make_user

    stranger = make_user(org=make_org("vreemd-sr"), roles=["coordinator"])
    corrections.restrict(world.officer, _request(world), reason="Bezwaar", case_id=world.case.id)
    with pytest.raises(Exception) as refused:
        journal.add_note(world.case, by=stranger, body="x", visibility=NoteVisibility.SHARED)
    assert not isinstance(refused.value, ProcessingRestricted)  # a 404: nothing revealed


def test_restricting_the_person_freezes_the_person_and_their_cases_until_lifted(world):
    request = _request(world)
    restriction = corrections.restrict(world.officer, request, reason="Bezwaar tegen verwerking")
    assert world.person.processing_restricted_at is not None
    assert world.case.processing_restricted_at is not None
    assert world.other_case.processing_restricted_at is None  # another person's case
    with pytest.raises(ProcessingRestricted):
        corrections.rectify(world.officer, request, field="phone", value="0612345678", reason="Nieuw nummer")
    # a case restriction of its own keeps the case frozen when the person's is lifted
    own = corrections.restrict(world.officer, request, reason="Ook de casus zelf", case_id=world.case.id)
    corrections.lift(world.officer, request, restriction.id, reason="Bezwaar afgewezen")
    assert world.person.processing_restricted_at is None
    assert world.case.processing_restricted_at is not None
    corrections.lift(world.officer, request, own.id, reason="Klaar")
    assert world.case.processing_restricted_at is None
    corrections.rectify(world.officer, request, field="phone", value="0612345678", reason="Nieuw nummer")


def test_restricting_twice_or_lifting_twice_is_refused(world):
    request = _request(world)
    restriction = corrections.restrict(world.officer, request, reason="Eerste", case_id=world.case.id)
    with pytest.raises(corrections.CorrectionError):
        corrections.restrict(world.officer, request, reason="Tweede", case_id=world.case.id)
    corrections.lift(world.officer, request, restriction.id, reason="Op")
    with pytest.raises(corrections.CorrectionError):
        corrections.lift(world.officer, request, restriction.id, reason="Nog eens")


def test_a_case_of_another_person_cannot_be_restricted_through_this_request(world):
    from casebook.access import AccessDenied

    with pytest.raises(AccessDenied):
        corrections.restrict(world.officer, _request(world), reason="Nee", case_id=world.other_case.id)


def test_every_frozen_action_is_refused_on_a_restricted_case(world):
    corrections.restrict(world.officer, _request(world), reason="Bezwaar", case_id=world.case.id)
    for action in FROZEN_ACTIONS - {Action.RECTIFY_PERSON}:
        assert not can(world.coordinator, action, world.case), action


def test_the_screens_refuse_changes_with_the_message_and_show_the_case(client, world):
    request = _request(world)
    restriction = corrections.restrict(world.officer, request, reason="Juistheid betwist", case_id=world.case.id)
    db.session.commit()
    login_as(client, world.coordinator)
    assert client.get(f"/cases/{world.case.id}").status_code == 200
    response = client.post(f"/cases/{world.case.id}/notes", data={"body": "Gesprek", "visibility": "shared"})
    assert response.status_code == 409 and RESTRICTED_WORDS in response.get_data(as_text=True)
    response = client.get(f"/cases/{world.case.id}/handoffs/new")
    assert response.status_code == 409 and RESTRICTED_WORDS in response.get_data(as_text=True)

    corrections.lift(world.officer, request, restriction.id, reason="Opgeheven")
    response = client.post(f"/cases/{world.case.id}/notes", data={"body": "Gesprek", "visibility": "shared"})
    assert response.status_code == 303


def test_the_api_refuses_changes_with_a_problem_and_serves_reads(client, world):
    request = _request(world)
    restriction = corrections.restrict(world.officer, request, reason="Juistheid betwist", case_id=world.case.id)
    db.session.commit()
    headers = bearer(make_api_token(world.coordinator))
    assert client.get(f"/api/v1/cases/{world.case.id}", headers=headers).status_code == 200
    note = {"body": "Gesprek", "visibility": "shared"}
    problem = assert_problem(client.post(f"/api/v1/cases/{world.case.id}/notes", json=note, headers=headers), 409)
    assert RESTRICTED_WORDS in problem["detail"]
    handoff = {
        "organisation": "politie-sr",
        "kind": "referral",
        "summary": "Graag jullie inzet.",
        "legal_basis": "avg-6-1-e",
        "person_informed": True,
    }
    assert_problem(client.post(f"/api/v1/cases/{world.case.id}/handoffs", json=handoff, headers=headers), 409)

    corrections.lift(world.officer, request, restriction.id, reason="Opgeheven")
    assert client.post(f"/api/v1/cases/{world.case.id}/notes", json=note, headers=headers).status_code == 201
