"""Closing after a transfer: the approving supervisor's fallback, and what closing ends.

ZVH hands a case to wijkteam West (which has no supervisor); West proposes closing. The proposal
goes to the ZVH's supervisors, else the gemeente's (``CLOSURE_APPROVERS``), and is refused up front
when nobody could decide it. Approving ends every participation, clears the next evaluation and
withdraws the open actions; reopening takes the participations up again.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from casebook.access import Action, can, case_scope
from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.cases.errors import ClosureUndecidable
from casebook.cases.models import Case, CaseFieldChange, Involvement
from casebook.db import db
from casebook.notifications.models import Notification
from casebook.organisations.models import OrganisationKind
from casebook.plans.models import ActionStatus, PlanActionChange
from tests.factories import make_action, make_case, make_org, make_results, make_user, status_of
from tests.helpers import last_event

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def zvh():
    return make_org("zvh-c", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")


@pytest.fixture
def west():
    return make_org("west-c", kind=OrganisationKind.WIJKTEAM, name="Wijkteam West")


@pytest.fixture
def gemeente():
    return make_org("gemeente-c", kind=OrganisationKind.MUNICIPALITY, name="Gemeente")


@pytest.fixture
def west_coord(west):
    return make_user(org=west, roles=[Role.COORDINATOR])


@pytest.fixture
def transferred(zvh, west, west_coord):
    """A case West leads after a transfer, with the ZVH as observer (as the handoff leaves it)."""
    case = make_case(lead=west, participants=[(zvh, Involvement.OBSERVER)])
    make_results(case.case_type)
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=west_coord, expected_version=1)
    return case


def _propose(case, by):
    result = lifecycle.results_for(case)[0].id
    return lifecycle.propose_closure(case, result, "Doelen behaald.", by=by, expected_version=case.version)


def _visible(user, case) -> bool:
    return db.session.scalar(select(Case.id).where(Case.id == case.id, case_scope(user))) is not None


def test_without_a_supervisor_at_the_lead_the_zvh_supervisor_decides_and_is_told(transferred, zvh, west_coord):
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    _propose(transferred, west_coord)
    assert transferred.closure_approver_organisation_id == zvh.id
    assert last_event("case.close.propose", case_id=transferred.id).details["approver"] == "zvh-c"
    assert can(supervisor, Action.APPROVE_CLOSURE, transferred)
    notice = db.session.scalar(select(Notification).where(Notification.recipient_id == supervisor.id))
    assert (notice.kind, notice.event, notice.case_id) == ("closure", "to_approve", transferred.id)
    lifecycle.decide_closure(transferred, approve=True, comment="", by=supervisor, expected_version=transferred.version)
    assert transferred.is_closed and transferred.closure_approver_organisation_id is None


def test_the_lead_supervisor_comes_first(transferred, zvh, west, west_coord):
    make_user(org=zvh, roles=[Role.SUPERVISOR])
    own = make_user(org=west, roles=[Role.SUPERVISOR])
    _propose(transferred, west_coord)
    assert transferred.closure_approver_organisation_id == west.id
    assert can(own, Action.APPROVE_CLOSURE, transferred)


def test_the_gemeente_supervisor_decides_when_the_zvh_has_none_and_sees_the_case_only_meanwhile(
    transferred, gemeente, west_coord
):
    supervisor = make_user(org=gemeente, roles=[Role.SUPERVISOR])
    assert not can(supervisor, Action.VIEW_CASE, transferred) and not _visible(supervisor, transferred)
    _propose(transferred, west_coord)
    assert transferred.closure_approver_organisation_id == gemeente.id
    assert can(supervisor, Action.VIEW_CASE, transferred) and _visible(supervisor, transferred)
    assert can(supervisor, Action.APPROVE_CLOSURE, transferred)
    assert not can(supervisor, Action.READ_CASE_CONTENT, transferred)  # metadata only, as supervisors
    lifecycle.decide_closure(
        transferred, approve=False, comment="Eerst nazorg regelen.", by=supervisor, expected_version=transferred.version
    )
    assert not can(supervisor, Action.VIEW_CASE, transferred) and not _visible(supervisor, transferred)


def test_a_proposal_nobody_could_decide_is_refused_up_front(transferred, west_coord):
    version = transferred.version
    with pytest.raises(ClosureUndecidable) as refused:
        _propose(transferred, west_coord)
    assert "Niemand kan dit voorstel beoordelen" in str(refused.value.message)
    assert transferred.closure_proposed_at is None and transferred.version == version


def test_the_proposer_is_never_their_own_fallback(transferred, west):
    both = make_user(org=west, roles=[Role.COORDINATOR, Role.SUPERVISOR])
    with pytest.raises(ClosureUndecidable):
        _propose(transferred, both)


def test_the_fallback_order_is_configurable(app, transferred, zvh, west_coord, monkeypatch):
    make_user(org=zvh, roles=[Role.SUPERVISOR])
    monkeypatch.setitem(app.config, "CLOSURE_APPROVERS", ["lead"])
    with pytest.raises(ClosureUndecidable):
        _propose(transferred, west_coord)


def test_closing_ends_participations_clears_the_evaluation_and_withdraws_open_actions(
    transferred, zvh, west, west_coord
):
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    transferred.next_evaluation_on = date(2026, 12, 15)
    open_action = make_action(transferred, west_coord, date.today() + timedelta(days=7))
    done = make_action(transferred, west_coord, date.today() + timedelta(days=7), description="Gesprek")
    done.status = ActionStatus.DONE
    db.session.flush()
    _propose(transferred, west_coord)
    lifecycle.decide_closure(
        transferred, approve=True, comment="", by=supervisor, expected_version=transferred.version, now=NOW
    )
    assert transferred.active_participants == []
    assert {(p.organisation.slug, p.ended_at) for p in transferred.participants} == {("west-c", NOW), ("zvh-c", NOW)}
    assert all(p.closed_with_case for p in transferred.participants)
    assert transferred.next_evaluation_on is None
    change = db.session.scalar(
        select(CaseFieldChange).where(
            CaseFieldChange.case_id == transferred.id, CaseFieldChange.field == "next_evaluation_on"
        )
    )
    assert (change.old_value, change.new_value) == ("2026-12-15", None)
    assert open_action.status is ActionStatus.CANCELLED and done.status is ActionStatus.DONE
    withdrawal = db.session.scalars(select(PlanActionChange).where(PlanActionChange.action_id == open_action.id)).all()
    assert withdrawal[-1].reason == "Casus afgesloten"
    assert last_event("case.close.approve", case_id=transferred.id).details["actions_withdrawn"] == 1
    assert last_event("case.participants.close", case_id=transferred.id).details["organisations"] == ["west-c", "zvh-c"]
    # the closed case stays visible (read only) to who took part, and its lead may reopen it
    assert can(west_coord, Action.VIEW_CASE, transferred) and _visible(west_coord, transferred)
    assert can(west_coord, Action.REOPEN_CASE, transferred)
    assert not lifecycle.accepts_changes(transferred)  # read only: every change refuses a closed case


def test_reopening_takes_the_participations_up_again_history_kept(transferred, zvh, west_coord):
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    _propose(transferred, west_coord)
    lifecycle.decide_closure(
        transferred, approve=True, comment="", by=supervisor, expected_version=transferred.version, now=NOW
    )
    later = NOW + timedelta(days=3)
    lifecycle.reopen(
        transferred,
        status_of(transferred, "uitvoering").id,
        reason="Nieuwe melding",
        by=west_coord,
        expected_version=transferred.version,
        now=later,
    )
    active = {(p.organisation.slug, p.involvement.value, p.started_at) for p in transferred.active_participants}
    assert active == {("west-c", "lead", later), ("zvh-c", "observer", later)}
    assert len(transferred.participants) == 4 and not any(p.closed_with_case for p in transferred.participants)
    assert last_event("case.participants.reopen", case_id=transferred.id).details["op"] == "resume"


def test_closing_without_participants_or_actions_still_closes(zvh):
    coordinator = make_user(org=zvh, roles=[Role.COORDINATOR])
    supervisor = make_user(org=zvh, roles=[Role.SUPERVISOR])
    case = make_case(lead=zvh)
    make_results(case.case_type)
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1)
    _propose(case, coordinator)
    step = lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=case.version)
    assert case.is_closed and step.version == case.version  # one flush, one version bump
