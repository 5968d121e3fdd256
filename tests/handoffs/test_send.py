"""Sending and drafting handoffs, and every refusal on the way out."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from casebook.access import AccessDenied
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.errors import CaseClosed
from casebook.cases.models import CaseParticipant, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.handoffs import services
from casebook.handoffs.errors import HandoffError
from casebook.handoffs.models import Handoff, HandoffKind, HandoffStatus, RestrictedTypeReceiverKind
from casebook.organisations.models import OrganisationKind
from tests.factories import authorise_user, make_case, make_case_type, make_org, make_user
from tests.handoffs.conftest import Memo
from tests.helpers import last_event

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def test_send_creates_a_pending_handoff_with_encrypted_summary_and_audit(case, west, zvh_coord, make_input):
    handoff = services.send(case, make_input(west, summary="Alleen voor het wijkteam"), by=zvh_coord, now=NOW)
    assert handoff.status is HandoffStatus.PENDING
    assert handoff.sent_by_id == zvh_coord.id and handoff.sent_at == NOW
    assert handoff.expires_at == NOW + timedelta(days=14)
    assert handoff.bsn_shared is True
    raw = db.session.execute(text("SELECT summary FROM handoff WHERE id = :id"), {"id": handoff.id}).scalar()
    assert b"Alleen voor het wijkteam" not in bytes(raw)
    db.session.expire_all()
    assert db.session.get(Handoff, handoff.id).summary == "Alleen voor het wijkteam"
    event = last_event("handoff.send", actor_user_id=zvh_coord.id)
    assert event.outcome is Outcome.ALLOWED and event.case_id == case.id and event.object_id == str(handoff.id)
    assert event.details["receiver"] == "west-test" and event.details["legal_basis"] == "zvh_convenant"
    assert "Alleen" not in str(event.details)


def test_expiry_days_come_from_the_config(app, case, west, zvh_coord, make_input):
    app.config["HANDOFF_EXPIRY_DAYS"] = 3
    try:
        handoff = services.send(case, make_input(west), by=zvh_coord, now=NOW)
    finally:
        app.config["HANDOFF_EXPIRY_DAYS"] = 14
    assert handoff.expires_at == NOW + timedelta(days=3)


def test_caseworker_drafts_and_a_coordinator_sends(case, west, zvh_worker, zvh_coord, make_input):
    with pytest.raises(AccessDenied):
        services.send(case, make_input(west), by=zvh_worker)
    assert last_event("handoff.send", actor_user_id=zvh_worker.id).outcome is Outcome.DENIED
    draft = services.draft(case, make_input(west), by=zvh_worker)
    assert draft.status is HandoffStatus.DRAFT and draft.sent_at is None
    assert last_event("handoff.draft", actor_user_id=zvh_worker.id).outcome is Outcome.ALLOWED
    with pytest.raises(AccessDenied):
        services.send_draft(draft, by=zvh_worker)
    services.send_draft(draft, by=zvh_coord, now=NOW)
    assert draft.status is HandoffStatus.PENDING and draft.sent_by_id == zvh_coord.id
    assert draft.drafted_by_id == zvh_worker.id
    assert last_event("handoff.send", actor_user_id=zvh_coord.id).object_id == str(draft.id)


def test_not_lead_cannot_send_or_draft(case, west, west_coord, west_worker, make_input):
    case.participants.append(CaseParticipant(organisation=west, involvement=Involvement.CONTRIBUTOR))
    db.session.flush()
    for user in (west_coord, west_worker):
        with pytest.raises(AccessDenied):
            services.send(case, make_input(make_org("elders")), by=user)
        with pytest.raises(AccessDenied):
            services.draft(case, make_input(make_org("elders")), by=user)
        assert last_event("handoff.draft", actor_user_id=user.id).outcome is Outcome.DENIED
    assert db.session.scalar(select(Handoff.id)) is None


def test_restricted_type_goes_only_to_authorised_organisations_of_allowed_kinds(zvh, west, zvh_coord, make_input):
    restricted = make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
    authorise_user(zvh_coord, restricted, max_confidentiality=Confidentiality.GEHEIM)
    case = make_case(lead=zvh, type="radicalisation")
    police = make_org("politie-test", kind=OrganisationKind.POLICE)
    officer = make_user(org=police, roles=["caseworker"])

    def refused_as_unauthorised():
        with pytest.raises(HandoffError) as refused:
            services.send(case, make_input(police), by=zvh_coord)
        assert refused.value.field == "receiver" and refused.value.code == "receiver_not_authorised"
        event = last_event("handoff.send", actor_user_id=zvh_coord.id)
        assert event.outcome is Outcome.DENIED and event.details == {"refused": "receiver_not_authorised"}

    refused_as_unauthorised()  # nobody at the police is authorised for the type
    authorise_user(officer, restricted, max_confidentiality=Confidentiality.CONFIDENTIEEL)
    refused_as_unauthorised()  # authorised, but below the case's confidentiality
    authorise_user(officer, restricted, max_confidentiality=Confidentiality.GEHEIM)
    db.session.add(RestrictedTypeReceiverKind(case_type=restricted, organisation_kind=OrganisationKind.WIJKTEAM))
    db.session.flush()
    refused_as_unauthorised()  # the data narrows the type to wijkteams
    db.session.add(RestrictedTypeReceiverKind(case_type=restricted, organisation_kind=OrganisationKind.POLICE))
    db.session.flush()
    assert services.send(case, make_input(police), by=zvh_coord).is_pending


def test_bsn_in_summary_is_refused_for_a_kind_that_may_not_process_it(case, housing, zvh_coord, make_input):
    with pytest.raises(HandoffError) as refused:
        services.send(case, make_input(housing, summary="BSN 999 99 0019 woont hier"), by=zvh_coord)
    assert refused.value.code == "bsn_forbidden" and refused.value.field == "summary"
    assert last_event("handoff.send").details == {"refused": "bsn_forbidden"}
    handoff = services.send(case, make_input(housing, summary="Overlast in de flat, geen BSN"), by=zvh_coord)
    assert handoff.bsn_shared is False


def test_bsn_may_go_to_a_kind_that_may_process_it(case, zvh_coord, make_input):
    police = make_org("politie-b", kind=OrganisationKind.POLICE)
    handoff = services.send(case, make_input(police, summary="BSN 999990019"), by=zvh_coord)
    assert handoff.bsn_shared is True


def test_one_pending_transfer_per_case(case, west, zvh_coord, make_input, transfer):
    with pytest.raises(HandoffError) as refused:
        services.send(case, make_input(make_org("noord", kind=OrganisationKind.WIJKTEAM)), by=zvh_coord)
    assert refused.value.code == "transfer_pending"


def test_the_database_refuses_a_second_pending_transfer(case, west, zvh_coord, make_input):
    """The partial unique index backs the service check (two senders at the same time)."""
    from sqlalchemy.exc import IntegrityError

    other = services.draft(case, make_input(make_org("noord2", kind=OrganisationKind.WIJKTEAM)), by=zvh_coord)
    services.send(case, make_input(west), by=zvh_coord)
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text("UPDATE handoff SET status = 'pending' WHERE id = :id"), {"id": other.id})


def test_referral_refused_for_a_participant_and_twice_to_the_same(case, west, zvh_coord, make_input):
    services.send(case, make_input(west, kind=HandoffKind.REFERRAL), by=zvh_coord)
    with pytest.raises(HandoffError) as twice:
        services.send(case, make_input(west, kind=HandoffKind.REFERRAL), by=zvh_coord)
    assert twice.value.code == "referral_pending"
    police = make_org("politie-r", kind=OrganisationKind.POLICE)
    case.participants.append(CaseParticipant(organisation=police, involvement=Involvement.OBSERVER))
    db.session.flush()
    with pytest.raises(HandoffError) as joined:
        services.send(case, make_input(police, kind=HandoffKind.REFERRAL), by=zvh_coord)
    assert joined.value.code == "already_participant"


def test_summary_is_required(case, west, zvh_coord, make_input):
    with pytest.raises(HandoffError) as refused:
        services.send(case, make_input(west, summary="   "), by=zvh_coord)
    assert refused.value.field == "summary"


def test_closed_case_cannot_be_handed_off(case, west, zvh_coord, make_input):
    case.closed_at = NOW
    db.session.flush()
    with pytest.raises(CaseClosed):
        services.send(case, make_input(west), by=zvh_coord)


def test_shared_items_are_checked(case, west, zvh_coord, make_input, memo_kind):
    memo_kind[1] = Memo(1, case.id, "Gesprek met moeder")
    memo_kind[2] = Memo(2, case.id, "Interne afweging", visibility="internal")
    other_case = make_case(lead=case.lead_organisation)
    memo_kind[3] = Memo(3, other_case.id, "Andere casus")
    for bad in ([("memo", 2)], [("memo", 3)], [("memo", 99)], [("journal", 1)]):
        with pytest.raises(HandoffError) as refused:
            services.send(case, make_input(west, items=tuple(bad)), by=zvh_coord)
        assert refused.value.code == "item_refused", bad
    handoff = services.send(case, make_input(west, items=(("memo", 1),)), by=zvh_coord)
    assert [(i.item_kind, i.item_id) for i in handoff.items] == [("memo", 1)]
    assert last_event("handoff.send", outcome=Outcome.ALLOWED).details["items"] == ["memo:1"]


def test_a_draft_is_checked_again_when_sent(case, west, zvh_worker, zvh_coord, make_input):
    draft = services.draft(case, make_input(west), by=zvh_worker)
    services.send(case, make_input(make_org("noord3", kind=OrganisationKind.WIJKTEAM)), by=zvh_coord)
    with pytest.raises(HandoffError):
        services.send_draft(draft, by=zvh_coord)
    assert draft.status is HandoffStatus.DRAFT


def test_supervisor_and_admin_cannot_send(case, west, zvh, make_input):
    for roles in ([Role.SUPERVISOR], [Role.ADMIN]):
        with pytest.raises(AccessDenied):
            services.send(case, make_input(west), by=make_user(org=zvh, roles=roles))


def test_shared_notes_goals_and_interventions_go_along_never_internal_notes(case, west, zvh_coord, make_input):
    from casebook.handoffs import items as shared_items
    from casebook.handoffs.services.common import rendered_items
    from tests.factories import make_goal, make_note

    shared = make_note(case, zvh_coord, body="Gesprek met moeder over school, BSN 999990019")
    internal = make_note(case, zvh_coord, body="Interne afweging", visibility="internal")
    goal = make_goal(case, zvh_coord, text="Schuldhulp regelen")
    shared_items.check_never_shares_internal("note", internal)
    offered = {kind.kind: {c.item_id for c in kind.candidates(zvh_coord, case)} for kind in shared_items.item_kinds()}
    assert shared.id in offered["note"] and internal.id not in offered["note"] and goal.id in offered["plan_goal"]
    with pytest.raises(HandoffError):
        services.send(case, make_input(west, items=(("note", internal.id),)), by=zvh_coord)
    housing = make_org("corporatie-items", kind=OrganisationKind.HOUSING_CORPORATION)
    handoff = services.send(
        case, make_input(housing, items=(("note", shared.id), ("plan_goal", goal.id))), by=zvh_coord
    )
    texts = [item.text for item in rendered_items(zvh_coord, handoff)]
    assert texts == ["Gesprek met moeder over school, BSN *****0019", "Schuldhulp regelen"]
