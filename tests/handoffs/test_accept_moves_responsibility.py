"""Accepting a transfer moves responsibility: the casusregisseur and the sender's open actions.

All in the acceptance's own transaction: the receiver names the casusregisseur (or none yet),
and the actions of the organisation that becomes observer (or leaves) go to the receiver or are
withdrawn with the transfer as reason. The timeline says what happened.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.cases.extensions import timeline_for
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.handoffs import services
from casebook.handoffs.errors import HandoffError
from casebook.handoffs.models import HandoffStatus, SenderActions
from casebook.plans.models import ActionStatus, CasePlan, PlanActionChange
from casebook.plans.services import set_case_manager
from tests.factories import make_action
from tests.helpers import last_event

DUE = date.today() + timedelta(days=10)


def _manager(case):
    plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id))
    return plan.case_manager if plan else None


@pytest.fixture
def zvh_action(case, zvh_coord):
    return make_action(case, zvh_coord, DUE, description="Huisbezoek met de wijkagent")


def test_the_receiver_names_the_casusregisseur_and_takes_over_the_open_actions(
    case, transfer, zvh, west, zvh_coord, zvh_worker, west_coord, west_worker, zvh_action
):
    set_case_manager(case, by=zvh_coord, manager=zvh_worker, expected_version=case.version)
    services.accept(
        transfer, by=west_coord, process_coordinator=west_coord, case_manager=west_worker, sender_actions="reassign"
    )
    assert _manager(case) == west_worker
    assert zvh_action.owner_organisation_id == west.id and zvh_action.status is ActionStatus.OPEN
    change = db.session.scalars(select(PlanActionChange).where(PlanActionChange.action_id == zvh_action.id)).all()[-1]
    assert change.from_owner_organisation_id == zvh.id and change.to_owner_organisation_id == west.id
    assert "Overgedragen aan Wijkteam West Test" in change.reason
    assert transfer.new_case_manager == west_worker and transfer.sender_actions is SenderActions.REASSIGN
    event = last_event("handoff.accept")
    assert event.details == {"kind": "transfer", "case_manager": True, "sender_actions": "reassign", "actions": 1}
    assert last_event("plan.case_manager", case_id=case.id).details["via"] == "handoff.accept"


def test_withdrawing_the_senders_actions_with_the_transfer_as_reason(case, transfer, west_coord, zvh_action):
    services.accept(transfer, by=west_coord, process_coordinator=west_coord, sender_actions=SenderActions.WITHDRAW)
    assert zvh_action.status is ActionStatus.CANCELLED
    change = db.session.scalars(select(PlanActionChange).where(PlanActionChange.action_id == zvh_action.id)).all()[-1]
    assert change.reason == "Vervallen bij de overdracht van de regie aan Wijkteam West Test"


def test_by_default_nobody_is_casusregisseur_and_the_timeline_says_so(
    app, case, transfer, zvh_coord, zvh_worker, west_coord
):
    set_case_manager(case, by=zvh_coord, manager=zvh_worker, expected_version=case.version)
    services.accept(transfer, by=west_coord, process_coordinator=west_coord)
    assert _manager(case) is None  # the ZVH's worker no longer directs the help
    with app.test_request_context():
        titles = [entry.title for entry in timeline_for(west_coord, case)]
    accepted = next(t for t in titles if "overdracht geaccepteerd" in t)
    assert accepted.startswith("Wijkteam West Test heeft de overdracht geaccepteerd en is nu regiehouder")
    assert "ZVH Test blijft meelezen" in accepted and "nog geen casusregisseur" in accepted
    assert "ZVH Test neemt voortaan deel als meelezer" in titles
    assert not any(t == "ZVH Test neemt niet meer deel" for t in titles)


def test_a_receiver_that_took_part_before_changes_role_it_does_not_leave(
    app, shared_case, west, zvh_coord, west_coord, make_input
):
    handoff = services.send(shared_case, make_input(west), by=zvh_coord)
    services.accept(handoff, by=west_coord, process_coordinator=west_coord)
    with app.test_request_context():
        titles = [entry.title for entry in timeline_for(west_coord, shared_case)]
    assert "Wijkteam West Test neemt voortaan deel als regiehouder" in titles
    assert "Wijkteam West Test neemt niet meer deel" not in titles


def test_a_casusregisseur_of_another_organisation_is_refused_and_nothing_changes(
    case, transfer, zvh_worker, west_coord, zvh_action, zvh
):
    with pytest.raises(HandoffError) as refused:
        services.accept(transfer, by=west_coord, process_coordinator=west_coord, case_manager=zvh_worker)
    assert refused.value.field == "case_manager"
    assert transfer.status is HandoffStatus.PENDING and case.lead_organisation_id == zvh.id
    assert zvh_action.owner_organisation_id == zvh.id


def test_an_unknown_choice_for_the_actions_is_refused(case, transfer, west_coord):
    with pytest.raises(HandoffError) as refused:
        services.accept(transfer, by=west_coord, process_coordinator=west_coord, sender_actions="keep")
    assert refused.value.field == "sender_actions"


def test_a_referral_leaves_casusregisseur_and_actions_alone(case, west, zvh_coord, west_coord, zvh_action, make_input):
    from casebook.handoffs.models import HandoffKind

    handoff = services.send(case, make_input(west, kind=HandoffKind.REFERRAL), by=zvh_coord)
    services.accept(handoff, by=west_coord)
    assert handoff.sender_actions is None and zvh_action.owner_organisation_id == zvh_coord.organisation_id
    assert {p.involvement for p in case.active_participants} == {Involvement.LEAD, Involvement.CONTRIBUTOR}
