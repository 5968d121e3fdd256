"""Editing case fields with optimistic locking, and managing participants."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from casebook.access import AccessDenied, Action, can
from casebook.cases import editing, lifecycle, participants
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.cases.models import CaseFieldChange, Involvement
from casebook.confidentiality import Confidentiality
from casebook.db import db
from tests.factories import authorise_user, make_case, make_district, make_org, make_user, status_of
from tests.helpers import last_event


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def case(zvh):
    return make_case(lead=zvh)


def _edit(case, **changes):
    values = {
        "district_id": case.district_id,
        "confidentiality": case.confidentiality,
        "next_evaluation_on": case.next_evaluation_on,
        "process_coordinator_id": case.process_coordinator_id,
    }
    values.update(changes)
    return editing.CaseEdit(**values)


def test_edit_changes_fields_keeps_history_and_audits(case, coordinator):
    wielwijk = make_district("wielwijk")
    evaluation = date.today() + timedelta(days=14)
    rows = editing.update_case(
        case,
        _edit(case, district_id=wielwijk.id, next_evaluation_on=evaluation, process_coordinator_id=coordinator.id),
        by=coordinator,
        expected_version=1,
    )
    assert (
        case.district is wielwijk and case.next_evaluation_on == evaluation and case.process_coordinator is coordinator
    )
    assert case.version == 2
    assert {r.field: (r.old_value, r.new_value) for r in rows} == {
        "district": (None, "Wielwijk"),
        "next_evaluation_on": (None, evaluation.isoformat()),
        "process_coordinator": (None, coordinator.display_name),
    }
    assert all(r.version == 2 and r.changed_by is coordinator for r in rows)
    event = last_event("case.update", case_id=case.id)
    assert event.details == {"fields": ["district", "next_evaluation_on", "process_coordinator"], "version": 2}


def test_nothing_changed_writes_nothing(case, coordinator):
    assert editing.update_case(case, _edit(case), by=coordinator, expected_version=1) == []
    assert case.version == 1
    assert db.session.query(CaseFieldChange).filter_by(case_id=case.id).count() == 0


def test_stale_form_does_not_overwrite_and_says_who_changed_what(case, coordinator, zvh):
    other = make_user(org=zvh, roles=["coordinator"])
    editing.update_case(case, _edit(case, district_id=make_district("dubbeldam").id), by=other, expected_version=1)
    with pytest.raises(StaleCase) as stale:
        editing.update_case(
            case, _edit(case, district_id=make_district("reeland").id), by=coordinator, expected_version=1
        )
    assert case.district.code == "dubbeldam"
    [change] = stale.value.changes
    assert (change.actor, change.what, change.old, change.new) == (other.display_name, "Wijk", None, "Dubbeldam")
    assert change.organisation == zvh.name
    assert stale.value.current_version == 2


def test_confidentiality_not_below_the_case_type_minimum(case, coordinator):
    authorise_user(coordinator, case.case_type, max_confidentiality=Confidentiality.GEHEIM)
    with pytest.raises(CaseRuleError) as refused:
        editing.update_case(
            case, _edit(case, confidentiality=Confidentiality.INTERN), by=coordinator, expected_version=1
        )
    assert refused.value.field == "confidentiality"
    editing.update_case(case, _edit(case, confidentiality=Confidentiality.GEHEIM), by=coordinator, expected_version=1)
    assert case.confidentiality is Confidentiality.GEHEIM


def test_confidentiality_that_would_shut_out_the_editor_is_refused(case, coordinator, monkeypatch):
    real_can = can

    def strict(user, action, obj=None):
        if obj is case and case.confidentiality >= Confidentiality.ZEER_GEHEIM:
            return False
        return real_can(user, action, obj)

    monkeypatch.setattr(editing, "can", strict)
    with pytest.raises(CaseRuleError):
        editing.update_case(
            case, _edit(case, confidentiality=Confidentiality.ZEER_GEHEIM), by=coordinator, expected_version=1
        )
    db.session.refresh(case)
    assert case.confidentiality is Confidentiality.ZAAKVERTROUWELIJK and case.version == 1


def test_procesregisseur_must_be_a_coordinator_of_the_lead(case, coordinator, zvh):
    for wrong in (make_user(org=zvh, roles=["caseworker"]), make_user(org=make_org("elders"), roles=["coordinator"])):
        with pytest.raises(CaseRuleError) as refused:
            editing.update_case(case, _edit(case, process_coordinator_id=wrong.id), by=coordinator, expected_version=1)
        assert refused.value.field == "process_coordinator"


def test_evaluation_before_opening_is_refused(case, coordinator):
    with pytest.raises(CaseRuleError) as refused:
        editing.update_case(case, _edit(case, next_evaluation_on=date(2000, 1, 1)), by=coordinator, expected_version=1)
    assert refused.value.field == "next_evaluation_on"


def test_contributor_sets_evaluation_but_not_process_fields(case):
    police = make_org("politie")
    case.participants.append(_participant(police))
    worker = make_user(org=police)
    editing.update_case(
        case, _edit(case, next_evaluation_on=date.today() + timedelta(days=3)), by=worker, expected_version=1
    )
    with pytest.raises(AccessDenied):
        editing.update_case(case, _edit(case, district_id=make_district("x").id), by=worker, expected_version=2)


def _participant(org, involvement=Involvement.CONTRIBUTOR):
    from casebook.cases.models import CaseParticipant

    return CaseParticipant(organisation=org, involvement=involvement)


def test_closed_case_cannot_be_edited(case, coordinator, zvh):
    from tests.factories import make_results

    make_results(case.case_type)
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=1)
    supervisor = make_user(org=zvh, roles=["supervisor"])
    lifecycle.propose_closure(case, lifecycle.results_for(case)[0].id, "klaar", by=coordinator, expected_version=2)
    lifecycle.decide_closure(case, approve=True, comment="", by=supervisor, expected_version=case.version)
    with pytest.raises(CaseRuleError):
        editing.update_case(
            case, _edit(case, next_evaluation_on=date.today()), by=coordinator, expected_version=case.version
        )


# -- participants ------------------------------------------------------------------------------


def test_add_organisation_gives_access_and_shows_who_added(case, coordinator):
    police = make_org("politie")
    worker = make_user(org=police)
    assert not can(worker, Action.VIEW_CASE, case)
    added = participants.add_participant(case, police.id, Involvement.CONTRIBUTOR, by=coordinator)
    assert added.added_by is coordinator and can(worker, Action.VIEW_CASE, case)
    event = last_event("case.participants", case_id=case.id)
    assert event.details == {
        "op": "add",
        "participant": added.id,
        "organisation": "politie",
        "involvement": "contributor",
        "named_user": False,
    }


def test_named_user_must_belong_to_the_organisation(case, coordinator):
    police, other = make_org("politie"), make_org("ggd")
    with pytest.raises(CaseRuleError) as refused:
        participants.add_participant(
            case, police.id, Involvement.OBSERVER, user_id=make_user(org=other).id, by=coordinator
        )
    assert refused.value.field == "user"
    named = make_user(org=police)
    participants.add_participant(case, police.id, Involvement.OBSERVER, user_id=named.id, by=coordinator)
    assert can(named, Action.VIEW_CASE, case) and not can(named, Action.ADD_NOTE, case)


def test_duplicate_and_foreign_lead_are_refused(case, coordinator, zvh):
    with pytest.raises(CaseRuleError):
        participants.add_participant(case, zvh.id, Involvement.CONTRIBUTOR, by=coordinator)
    with pytest.raises(CaseRuleError) as refused:
        participants.add_participant(case, make_org("politie").id, Involvement.LEAD, by=coordinator)
    assert refused.value.field == "involvement"
    with pytest.raises(CaseRuleError):
        participants.add_participant(case, 987654, Involvement.OBSERVER, by=coordinator)


def test_end_participation_removes_access_on_the_next_check(case, coordinator):
    police = make_org("politie")
    worker = make_user(org=police)
    added = participants.add_participant(case, police.id, Involvement.CONTRIBUTOR, by=coordinator)
    ended = participants.end_participant(case, added.id, by=coordinator)
    assert ended.ended_at is not None and ended.ended_by is coordinator
    assert not can(worker, Action.VIEW_CASE, case)
    assert last_event("case.participants", case_id=case.id).details["op"] == "end"
    with pytest.raises(CaseRuleError):
        participants.end_participant(case, added.id, by=coordinator)


def test_lead_organisation_cannot_be_ended(case, coordinator):
    lead = next(p for p in case.participants if p.involvement is Involvement.LEAD)
    with pytest.raises(CaseRuleError):
        participants.end_participant(case, lead.id, by=coordinator)


def test_only_coordinators_of_the_lead_manage_participants(case, zvh):
    for user in (make_user(org=zvh), make_user(org=zvh, roles=["supervisor"])):
        with pytest.raises(AccessDenied):
            participants.add_participant(case, make_org("politie").id, Involvement.OBSERVER, by=user)


def test_history_shows_on_the_timeline_newest_first(app, case, coordinator):
    from casebook.cases.extensions import timeline_for

    police = make_org("politie")
    with app.test_request_context():
        added = participants.add_participant(case, police.id, Involvement.CONTRIBUTOR, by=coordinator)
        lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1)
        participants.end_participant(case, added.id, by=coordinator)
        entries = timeline_for(coordinator, case)
        kinds = [e.kind for e in entries]
        assert kinds[0] == "participant" and "niet meer" in entries[0].title
        assert "status" in kinds
        assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
        only_status = timeline_for(coordinator, case, ["status"])
        assert {e.kind for e in only_status} == {"status"} and len(only_status) == 2
