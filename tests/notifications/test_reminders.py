"""The periodic run: each kind of reminder goes to the right people, once, and only within scope."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.cases.models import CaseParticipant, Involvement
from casebook.db import db
from casebook.handoffs import requests as handoff_requests
from casebook.handoffs import services as handoffs
from casebook.meetings.services import add_to_agenda
from casebook.notifications import reminders
from casebook.notifications import services as notices
from casebook.notifications.models import Channel, Notification
from casebook.plans.models import ActionStatus
from tests.factories import make_action, make_case, make_meeting, make_org, make_results, make_user


def _mine(user) -> list[tuple[str, str]]:
    rows = db.session.scalars(
        select(Notification).where(Notification.recipient_id == user.id).order_by(Notification.id)
    )
    return [(n.kind, n.event) for n in rows]


def _total() -> int:
    return db.session.scalar(select(func.count(Notification.id)))


def test_an_overdue_and_a_due_action_remind_their_owner_once(case, zvh_coord, zvh_worker, today):
    make_action(case, zvh_coord, due_on=today - timedelta(days=2), owner_user=zvh_worker)
    make_action(case, zvh_coord, due_on=today + timedelta(days=3), owner_user=zvh_worker)
    make_action(case, zvh_coord, due_on=today + timedelta(days=4), owner_user=zvh_worker)  # not yet due
    done = make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner_user=zvh_worker)
    done.status = ActionStatus.DONE
    reminders.create_due(today)
    assert sorted(k for k in _mine(zvh_worker) if k[0] == "action") == [("action", "due"), ("action", "overdue")]
    before = _total()
    assert reminders.create_due(today) == []  # a second run creates nothing
    assert _total() == before


def test_actions_long_past_their_date_are_not_looked_at_again(app, case, zvh_coord, zvh_worker, today, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDER_LOOKBACK_DAYS", 10)
    make_action(case, zvh_coord, due_on=today - timedelta(days=11), owner_user=zvh_worker)
    reminders.create_due(today)
    assert not [k for k in _mine(zvh_worker) if k[0] == "action"]


def test_a_new_due_date_reminds_again(case, zvh_coord, zvh_worker, today):
    action = make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner_user=zvh_worker)
    reminders.create_due(today)
    action.due_on = today + timedelta(days=1)
    db.session.flush()
    reminders.create_due(today)
    assert [k for k in _mine(zvh_worker) if k[0] == "action"] == [("action", "overdue"), ("action", "due")]


def test_an_unassigned_action_goes_to_the_casusregisseur_of_the_owning_organisation(
    case, zvh, zvh_coord, zvh_worker, today
):
    make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner=zvh)
    reminders.create_due(today)
    assert ("action", "overdue") in _mine(zvh_worker)
    assert ("action", "overdue") not in _mine(zvh_coord)


def test_an_unassigned_action_of_another_organisation_goes_to_nobody_of_ours(case, zvh_coord, zvh_worker, today):
    police = make_org("politie-note")
    case.participants.append(CaseParticipant(organisation=police, involvement=Involvement.CONTRIBUTOR))
    db.session.flush()
    make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner=police)
    reminders.create_due(today)
    assert not [k for k in _mine(zvh_worker) + _mine(zvh_coord) if k[0] == "action"]


def test_an_owner_who_can_no_longer_see_the_case_gets_nothing(case, zvh_coord, zvh_worker, today):
    outsider = make_user(org=make_org("elders-note"))
    moved = make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner_user=zvh_worker)
    moved.owner_user = outsider  # e.g. an owner whose organisation left the case
    make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner_user=zvh_worker)
    zvh_worker.active = False
    db.session.flush()
    reminders.create_due(today)
    assert _mine(outsider) == [] and [k for k in _mine(zvh_worker) if k[0] == "action"] == []


def test_an_evaluation_reminds_the_procesregisseur_and_the_casusregisseur(case, zvh_coord, zvh_worker, today):
    case.next_evaluation_on = today + timedelta(days=1)
    db.session.flush()
    reminders.create_due(today)
    reminders.create_due(today)
    assert _mine(zvh_coord).count(("evaluation", "due")) == 1
    assert _mine(zvh_worker).count(("evaluation", "due")) == 1
    case.next_evaluation_on = today - timedelta(days=1)
    db.session.flush()
    reminders.create_due(today)
    assert ("evaluation", "overdue") in _mine(zvh_coord)


def test_a_pending_handoff_and_request_remind_the_deciders_only(case, zvh, west, zvh_coord, west_coord, make_input):
    west_worker = make_user(org=west)
    handoffs.send(case, make_input(west), by=zvh_coord)
    reminders.create_due()
    assert _mine(west_coord) == [("handoff", "to_decide")]
    assert _mine(west_worker) == []
    assert ("handoff", "to_decide") not in _mine(zvh_coord)

    shared = make_case(lead=zvh, participants=[(west, Involvement.OBSERVER)])
    shared.process_coordinator = zvh_coord
    handoff_requests.create(shared.reference, "Wij nemen de regie graag over.", by=west_coord)
    reminders.create_due()
    assert ("handoff", "request_to_decide") in _mine(zvh_coord)
    assert ("handoff", "request_to_decide") not in _mine(west_coord)


def test_an_agenda_item_reminds_the_regisseurs_but_not_whoever_added_it(case, zvh, zvh_coord, zvh_worker, today):
    meeting = make_meeting(zvh_coord, held_on=today + timedelta(days=7), organisations=[zvh])
    add_to_agenda(meeting, by=zvh_coord, reference=case.reference)
    reminders.create_due(today)
    reminders.create_due(today)
    assert _mine(zvh_worker).count(("agenda", "added")) == 1
    assert ("agenda", "added") not in _mine(zvh_coord)


def test_a_closure_proposal_reminds_the_supervisors_who_may_approve(case, zvh, zvh_coord, zvh_super, today):
    other_super = make_user(org=make_org("elders-super"), roles=[Role.SUPERVISOR])
    result = make_results(case.case_type)[0]
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=zvh_coord, expected_version=case.version)
    lifecycle.propose_closure(case, result.id, "Doelen bereikt.", by=zvh_coord, expected_version=case.version)
    reminders.create_due(today)
    reminders.create_due(today)
    assert _mine(zvh_super) == [("closure", "to_approve")]
    assert _mine(other_super) == []


def test_a_kind_switched_off_is_not_created(case, zvh_coord, zvh_worker, today):
    notices.save_preferences(zvh_worker, email=None, channels={"action": Channel.OFF})
    make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner_user=zvh_worker)
    reminders.create_due(today)
    assert not [k for k in _mine(zvh_worker) if k[0] == "action"]
