"""Deciding handoffs: accept, reject, cancel, complete, expire — and access before and after."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, text

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.handoffs import notifications, services
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import HandoffKind, HandoffStatus, SenderAfterTransfer
from casebook.handoffs.plan_link import register_plan_action_link
from casebook.notifications.models import Notification
from tests.factories import make_org, make_user
from tests.helpers import audit_events, last_event

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)


def _access(user, case) -> bool:
    db.session.expire_all()
    return can(user, Action.VIEW_CASE, db.session.get(Case, case.id))


def _active(case) -> set[tuple[str, str]]:
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    return {(p.organisation.slug, str(p.involvement)) for p in fresh.active_participants}


def test_pending_transfer_gives_the_receiver_no_case_access(case, transfer, west_coord, zvh_worker):
    assert not _access(west_coord, case)
    assert can(west_coord, Action.VIEW_HANDOFF, transfer)  # the summary, not the case
    assert _access(zvh_worker, case)


def test_accept_transfer_moves_regie_and_keeps_history(case, transfer, west_coord, zvh_worker, west_worker):
    services.accept(transfer, by=west_coord, process_coordinator=west_coord, now=NOW)
    db.session.expire_all()
    fresh = db.session.get(Case, case.id)
    assert fresh.lead_organisation.slug == "west-test"
    assert fresh.process_coordinator_id == west_coord.id
    assert _active(case) == {("west-test", "lead"), ("zvh-test", "observer")}
    ended = [p for p in fresh.participants if p.ended_at is not None]
    assert [(p.organisation.slug, str(p.involvement)) for p in ended] == [("zvh-test", "lead")]
    assert ended[0].ended_at == NOW
    assert fresh.version == 3  # opened (1), participants appended by the factory flush (2), accepted (3)
    leads = [p for p in fresh.active_participants if p.involvement is Involvement.LEAD]
    assert [p.organisation_id for p in leads] == [fresh.lead_organisation_id]
    # access after: receiver in, sender reads only
    assert _access(west_coord, case) and _access(west_worker, case)
    assert _access(zvh_worker, case)
    assert not can(zvh_worker, Action.ADD_NOTE, fresh)
    actions = [e.action for e in audit_events(case_id=case.id)]
    for action in ("handoff.accept", "case.lead.change", "participant.end", "participant.add"):
        assert action in actions
    event = last_event("case.lead.change")
    assert event.details["from"] == "zvh-test" and event.details["to"] == "west-test"
    assert last_event("handoff.accept").actor_user_id == west_coord.id


def test_accept_transfer_where_the_sender_leaves(case, west, zvh_coord, zvh_worker, west_coord, make_input):
    handoff = services.send(case, make_input(west, sender_after=SenderAfterTransfer.LEAVE), by=zvh_coord)
    assert _access(zvh_worker, case)
    services.accept(handoff, by=west_coord, process_coordinator=west_coord)
    assert _active(case) == {("west-test", "lead")}
    assert not _access(zvh_worker, case) and not _access(zvh_coord, case)
    assert not can(zvh_coord, Action.VIEW_HANDOFF, handoff)  # the summary went with the case


def test_accept_transfer_needs_a_coordinator_of_the_receiver(case, transfer, west_coord, zvh_coord, west_worker):
    for wrong in (None, zvh_coord, west_worker):
        with pytest.raises(HandoffError) as refused:
            services.accept(transfer, by=west_coord, process_coordinator=wrong)
        assert refused.value.field == "process_coordinator"
    assert transfer.status is HandoffStatus.PENDING


def test_accept_referral_adds_the_receiver_lead_unchanged(case, west, zvh_coord, west_coord, make_input):
    handoff = services.send(
        case, make_input(west, kind=HandoffKind.REFERRAL, receiver_involvement=Involvement.OBSERVER), by=zvh_coord
    )
    assert not _access(west_coord, case)
    services.accept(handoff, by=west_coord)
    assert _active(case) == {("zvh-test", "lead"), ("west-test", "observer")}
    assert db.session.get(Case, case.id).lead_organisation.slug == "zvh-test"
    assert _access(west_coord, case)
    assert last_event("participant.add").details == {"organisation": "west-test", "involvement": "observer"}


def test_reject_keeps_everything_and_notifies_the_sender(case, transfer, west_coord, zvh_coord, zvh_worker):
    with pytest.raises(HandoffError):
        services.reject(transfer, by=west_coord, reason=" ")
    services.reject(transfer, by=west_coord, reason="Geen capaciteit tot januari", now=NOW)
    assert transfer.status is HandoffStatus.REJECTED and transfer.decided_by_id == west_coord.id
    raw = db.session.execute(text("SELECT rejection_reason FROM handoff WHERE id = :i"), {"i": transfer.id}).scalar()
    assert b"capaciteit" not in bytes(raw)
    assert _active(case) == {("zvh-test", "lead")}
    assert not _access(west_coord, case) and _access(zvh_worker, case)
    assert not can(west_coord, Action.VIEW_HANDOFF, transfer)  # the receiver no longer sees the summary
    assert last_event("handoff.reject").actor_user_id == west_coord.id
    [note] = notifications.unread_for(zvh_coord)
    assert note.event == "rejected" and note.handoff_id == transfer.id


def test_cancel_by_the_sender_only(case, transfer, west_coord, zvh_coord, zvh_worker):
    for outsider in (west_coord, zvh_worker):
        with pytest.raises(AccessDenied):
            services.cancel(transfer, by=outsider)
        assert last_event("handoff.cancel", actor_user_id=outsider.id).outcome is Outcome.DENIED
    services.cancel(transfer, by=zvh_coord)
    assert transfer.status is HandoffStatus.CANCELLED
    assert last_event("handoff.cancel", outcome=Outcome.ALLOWED).actor_user_id == zvh_coord.id
    assert not can(west_coord, Action.VIEW_HANDOFF, transfer)
    assert not _access(west_coord, case)


def test_drafter_may_discard_a_draft(case, west, zvh_worker, make_input):
    draft = services.draft(case, make_input(west), by=zvh_worker)
    services.cancel(draft, by=zvh_worker)
    assert draft.status is HandoffStatus.CANCELLED


@pytest.mark.parametrize("who", ["sender_coordinator", "receiver_caseworker", "third_coordinator"])
def test_deciding_someone_elses_handoff_is_refused(transfer, zvh_coord, west_worker, who):
    user = {
        "sender_coordinator": zvh_coord,
        "receiver_caseworker": west_worker,
        "third_coordinator": make_user(org=make_org("derde"), roles=[Role.COORDINATOR]),
    }[who]
    with pytest.raises(AccessDenied):
        services.accept(transfer, by=user, process_coordinator=user)
    with pytest.raises(AccessDenied):
        services.reject(transfer, by=user, reason="nee")
    assert last_event("handoff.accept", actor_user_id=user.id).outcome is Outcome.DENIED
    assert last_event("handoff.reject", actor_user_id=user.id).outcome is Outcome.DENIED
    assert transfer.status is HandoffStatus.PENDING


def test_deciding_twice_is_a_conflict_with_a_clear_message(transfer, west_coord, zvh_coord):
    second = make_user(org=west_coord.organisation, roles=[Role.COORDINATOR])
    services.accept(transfer, by=west_coord, process_coordinator=west_coord)
    with pytest.raises(HandoffConflict) as lost:
        services.reject(transfer, by=second, reason="te laat")
    assert lost.value.status == "accepted"
    assert last_event("handoff.reject").outcome is Outcome.DENIED
    assert last_event("handoff.reject").details == {"conflict": "accepted"}
    with pytest.raises(HandoffConflict):
        services.accept(transfer, by=second, process_coordinator=second)
    with pytest.raises((HandoffConflict, AccessDenied)):
        services.cancel(transfer, by=zvh_coord)


def test_expire_is_idempotent_notifies_and_blocks_late_decisions(case, transfer, west_coord, zvh_coord):
    assert services.expire_due(now=transfer.expires_at - timedelta(seconds=1)) == 0
    with pytest.raises(HandoffConflict) as late:
        services.accept(transfer, by=west_coord, process_coordinator=west_coord, now=transfer.expires_at)
    assert late.value.status == "pending"  # overdue, not yet swept: still refused
    later = transfer.expires_at + timedelta(hours=1)
    assert services.expire_due(now=later) == 1
    assert services.expire_due(now=later) == 0
    assert transfer.status is HandoffStatus.EXPIRED
    event = last_event("handoff.expire")
    assert event.actor_user_id is None and event.case_id == case.id
    assert [n.event for n in notifications.unread_for(zvh_coord)] == ["expired"]
    assert not _access(west_coord, case)


class FakePlanLink:
    def __init__(self):
        self.calls: list[tuple[str, int]] = []

    def choices(self, user, case):
        return [(7, "Schuldhulp regelen")]

    def exists(self, case, action_id):
        return action_id == 7

    def referred(self, case, action_id, handoff):
        self.calls.append(("referred", action_id))

    def released(self, case, action_id, handoff):
        self.calls.append(("released", action_id))

    def done(self, case, action_id, handoff):
        self.calls.append(("done", action_id))


@pytest.fixture
def plan_link():
    link = FakePlanLink()
    register_plan_action_link(link)
    yield link
    register_plan_action_link(None)


def test_referral_tied_to_a_plan_action_is_referred_then_done(
    case, west, zvh_coord, west_worker, west_coord, make_input, plan_link
):
    with pytest.raises(HandoffError):
        services.send(case, make_input(west, kind=HandoffKind.REFERRAL, plan_action_id=8), by=zvh_coord)
    handoff = services.send(case, make_input(west, kind=HandoffKind.REFERRAL, plan_action_id=7), by=zvh_coord)
    assert plan_link.calls == [("referred", 7)]
    with pytest.raises(AccessDenied):
        services.complete(handoff, by=west_worker)  # not accepted yet
    services.accept(handoff, by=west_coord)
    services.complete(handoff, by=west_worker, now=NOW)
    assert plan_link.calls == [("referred", 7), ("done", 7)]
    assert handoff.completed_at == NOW
    assert last_event("handoff.complete").actor_user_id == west_worker.id
    assert "completed" in [n.event for n in notifications.unread_for(zvh_coord)]
    with pytest.raises(AccessDenied):
        services.complete(handoff, by=west_worker)


def test_rejected_referral_releases_the_plan_action(case, west, zvh_coord, west_coord, make_input, plan_link):
    handoff = services.send(case, make_input(west, kind=HandoffKind.REFERRAL, plan_action_id=7), by=zvh_coord)
    services.reject(handoff, by=west_coord, reason="geen aanbod")
    assert plan_link.calls == [("referred", 7), ("released", 7)]


def test_notifications_go_only_to_their_recipient(transfer, west_coord, zvh_coord, zvh_worker):
    services.accept(transfer, by=west_coord, process_coordinator=west_coord)
    assert notifications.unread_count(zvh_coord) == 1
    assert notifications.mark_all_read(zvh_worker) == 0
    assert notifications.mark_all_read(zvh_coord) == 1
    assert notifications.unread_count(zvh_coord) == 0
    assert db.session.scalar(select(Notification.event)) == "accepted"
