"""The case lifecycle: transitions, two-step closing, reopening; each with history and audit."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.cases import lifecycle
from casebook.cases.errors import CaseRuleError, ClosureTooEarly, StaleCase
from casebook.cases.models import CaseClosureStep, CaseStatusChange, ClosureStepKind
from casebook.db import db
from tests.factories import make_case, make_org, make_results, make_user, status_of
from tests.helpers import audit_events, last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def supervisor(zvh):
    return make_user(org=zvh, roles=["supervisor"])


@pytest.fixture
def case(zvh):
    case = make_case(lead=zvh)
    make_results(case.case_type)
    return case


def _history(case):
    return list(
        db.session.scalars(
            select(CaseStatusChange).where(CaseStatusChange.case_id == case.id).order_by(CaseStatusChange.id)
        )
    )


def test_opening_records_the_first_status(case):
    [opening] = _history(case)
    assert opening.from_status is None and opening.to_status.code == "casusoverleg" and opening.version == 1


def test_next_step_needs_no_reason_records_who_when_and_bumps_version(case, coordinator):
    at = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
    change = lifecycle.transition(
        case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1, now=at
    )
    assert case.status.code == "plan_van_aanpak" and case.version == 2
    assert (
        change.changed_by is coordinator and change.changed_at == at and change.version == 2 and change.reason is None
    )
    event = last_event("case.transition", case_id=case.id)
    assert event.actor_user_id == coordinator.id
    assert event.details == {"from": "casusoverleg", "to": "plan_van_aanpak", "next_step": True, "version": 2}


def test_skipping_a_step_needs_a_reason_which_is_kept_encrypted(case, coordinator):
    target = status_of(case, "uitvoering").id
    with pytest.raises(CaseRuleError) as refused:
        lifecycle.transition(case, target, reason="  ", by=coordinator, expected_version=1)
    assert refused.value.field == "reason"
    assert case.status.code == "casusoverleg" and len(_history(case)) == 1
    change = lifecycle.transition(
        case, target, reason="Plan al besproken in overleg", by=coordinator, expected_version=1
    )
    db.session.expire_all()
    row = db.session.get(CaseStatusChange, change.id)
    assert row.reason == "Plan al besproken in overleg"
    assert b"Plan al besproken" not in row.reason_ciphertext
    assert last_event("case.transition", case_id=case.id).details["next_step"] is False


def test_going_back_is_allowed_with_a_reason(case, coordinator):
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason=None, by=coordinator, expected_version=1)
    lifecycle.transition(
        case, status_of(case, "casusoverleg").id, reason="Terug naar overleg", by=coordinator, expected_version=2
    )
    assert case.status.code == "casusoverleg"


@pytest.mark.parametrize("code", ["afgesloten", "casusoverleg"])
def test_end_status_and_same_status_are_refused(case, coordinator, code):
    with pytest.raises(CaseRuleError):
        lifecycle.transition(case, status_of(case, code).id, reason="x", by=coordinator, expected_version=1)


def test_status_of_another_case_type_is_refused(case, coordinator):
    other = make_case(type="housing_nuisance")
    with pytest.raises(CaseRuleError):
        lifecycle.transition(
            case, status_of(other, "plan_van_aanpak").id, reason="x", by=coordinator, expected_version=1
        )


@pytest.mark.parametrize("roles,own_org", [(["caseworker"], True), (["supervisor"], True), (["coordinator"], False)])
def test_only_coordinators_of_the_lead_organisation_transition(case, roles, own_org, zvh):
    user = make_user(org=zvh if own_org else make_org("elders"), roles=roles)
    with pytest.raises(AccessDenied):
        lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=user, expected_version=1)


def test_stale_version_writes_nothing_and_reports_what_changed(case, coordinator):
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1)
    with pytest.raises(StaleCase) as stale:
        lifecycle.transition(case, status_of(case, "uitvoering").id, reason="", by=coordinator, expected_version=1)
    assert stale.value.current_version == 2
    [change] = stale.value.changes
    assert change.actor == coordinator.display_name and "Plan van aanpak" in change.what
    assert case.status.code == "plan_van_aanpak" and len(_history(case)) == 2


def _past_first_phase(case, coordinator):
    """A closing proposal needs the case past its first step."""
    if lifecycle.in_first_phase(case):
        lifecycle.transition(
            case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=case.version
        )


def _propose(case, coordinator, version=None):
    _past_first_phase(case, coordinator)
    result = lifecycle.results_for(case)[0]
    return lifecycle.propose_closure(
        case, result.id, "Doelen behaald.", by=coordinator, expected_version=version or case.version
    )


def test_no_closing_proposal_in_the_first_phase(case, coordinator):
    assert lifecycle.in_first_phase(case) and not lifecycle.may_propose_closure(case)
    with pytest.raises(ClosureTooEarly) as too_early:
        lifecycle.propose_closure(case, lifecycle.results_for(case)[0].id, "Klaar.", by=coordinator, expected_version=1)
    assert too_early.value.about_state and too_early.value.field is None
    assert case.closure_proposed_at is None and case.version == 1
    _past_first_phase(case, coordinator)
    assert lifecycle.may_propose_closure(case)


def test_propose_needs_result_and_summary(case, coordinator):
    _past_first_phase(case, coordinator)
    with pytest.raises(CaseRuleError) as no_result:
        lifecycle.propose_closure(case, None, "tekst", by=coordinator, expected_version=2)
    assert no_result.value.field == "result"
    with pytest.raises(CaseRuleError) as no_summary:
        lifecycle.propose_closure(case, lifecycle.results_for(case)[0].id, " ", by=coordinator, expected_version=2)
    assert no_summary.value.field == "summary"
    other_type_result = make_results(make_case(type="housing_nuisance").case_type)[0]
    with pytest.raises(CaseRuleError):
        lifecycle.propose_closure(case, other_type_result.id, "tekst", by=coordinator, expected_version=2)


def test_proposal_waits_for_the_supervisor_and_blocks_transitions(case, coordinator, supervisor):
    step = _propose(case, coordinator)
    assert (
        case.closure_proposed_at is not None
        and step.kind is ClosureStepKind.PROPOSED
        and step.text == "Doelen behaald."
    )
    assert last_event("case.close.propose", case_id=case.id).details["result"] == "goals_achieved"
    with pytest.raises(CaseRuleError):
        lifecycle.transition(
            case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=case.version
        )
    with pytest.raises(CaseRuleError):
        _propose(case, coordinator, case.version)


def test_supervisor_approval_closes_with_end_date_and_archive_date(case, coordinator, supervisor):
    _propose(case, coordinator)
    at = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)  # already 1 December in Amsterdam
    lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=case.version, now=at)
    assert case.status.is_end and case.closed_at == at and case.closure_proposed_at is None
    assert case.archive_action_on == date(2031, 12, 1)  # P5Y after the local end date
    assert case.result.code == "goals_achieved" and case.closing_summary == "Doelen behaald."
    assert _history(case)[-1].to_status.is_end and _history(case)[-1].changed_by is supervisor
    kinds = [s.kind for s in db.session.scalars(select(CaseClosureStep).where(CaseClosureStep.case_id == case.id))]
    assert kinds == [ClosureStepKind.PROPOSED, ClosureStepKind.APPROVED]
    event = last_event("case.close.approve", case_id=case.id)
    assert event.actor_user_id == supervisor.id and event.details["archive_action_on"] == "2031-12-01"


def test_send_back_needs_a_comment_and_reopens_the_process(case, coordinator, supervisor):
    _propose(case, coordinator)
    with pytest.raises(CaseRuleError) as refused:
        lifecycle.decide_closure(case, approve=False, comment="", by=supervisor, expected_version=case.version)
    assert refused.value.field == "comment"
    step = lifecycle.decide_closure(
        case, approve=False, comment="Eerst nazorg", by=supervisor, expected_version=case.version
    )
    assert step.kind is ClosureStepKind.SENT_BACK and step.text == "Eerst nazorg"
    assert case.closure_proposed_at is None and not case.is_closed
    assert last_event("case.close.send_back", case_id=case.id).actor_user_id == supervisor.id
    lifecycle.transition(
        case, status_of(case, "uitvoering").id, reason="", by=coordinator, expected_version=case.version
    )


def test_nobody_approves_their_own_proposal(case, zvh, supervisor):
    both = make_user(org=zvh, roles=["coordinator", "supervisor"])
    _propose(case, both)
    with pytest.raises(CaseRuleError):
        lifecycle.decide_closure(case, approve=True, comment="", by=both, expected_version=case.version)


def test_supervisor_of_another_organisation_cannot_decide(case, coordinator, supervisor):
    _propose(case, coordinator)
    outsider = make_user(org=make_org("gemeente"), roles=["supervisor"])
    with pytest.raises(AccessDenied):
        lifecycle.decide_closure(case, approve=True, comment="", by=outsider, expected_version=case.version)


def test_deciding_without_a_proposal_is_refused(case, supervisor):
    with pytest.raises(CaseRuleError):
        lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=1)


def test_an_invalid_retention_period_refuses_closing(case, coordinator, supervisor):
    _propose(case, coordinator)
    case.case_type.retention_period = "vijf jaar"
    with pytest.raises(CaseRuleError):
        lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=case.version)


def _closed(case, coordinator, supervisor):
    _propose(case, coordinator)
    lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=case.version)
    return case


def test_closed_case_takes_no_transition(case, coordinator, supervisor):
    _closed(case, coordinator, supervisor)
    with pytest.raises(CaseRuleError):
        lifecycle.transition(
            case, status_of(case, "nazorg").id, reason="x", by=coordinator, expected_version=case.version
        )


def test_reopen_needs_reason_and_permission_and_clears_the_closing(case, coordinator, supervisor):
    _closed(case, coordinator, supervisor)
    with pytest.raises(CaseRuleError) as no_reason:
        lifecycle.reopen(case, status_of(case, "nazorg").id, reason="", by=coordinator, expected_version=case.version)
    assert no_reason.value.field == "reason"
    with pytest.raises(AccessDenied):
        lifecycle.reopen(
            case, status_of(case, "nazorg").id, reason="Nieuw incident", by=supervisor, expected_version=case.version
        )
    change = lifecycle.reopen(
        case, status_of(case, "nazorg").id, reason="Nieuw incident", by=coordinator, expected_version=case.version
    )
    assert change.reopened and change.reason == "Nieuw incident"
    assert (
        case.status.code == "nazorg"
        and case.closed_at is None
        and case.archive_action_on is None
        and case.result is None
    )
    assert last_event("case.reopen", case_id=case.id).details["to"] == "nazorg"


def test_reopen_of_an_open_case_is_refused(case, coordinator):
    with pytest.raises(CaseRuleError):
        lifecycle.reopen(case, status_of(case, "nazorg").id, reason="x", by=coordinator, expected_version=1)


def test_refused_operations_write_no_audit_event(case, coordinator):
    before = len(audit_events(case_id=case.id))
    with pytest.raises(CaseRuleError):
        lifecycle.transition(case, status_of(case, "nazorg").id, reason="", by=coordinator, expected_version=1)
    assert len(audit_events(case_id=case.id)) == before
