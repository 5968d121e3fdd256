"""The policy's own entry points: ``require``, ``deny``, ``require_audited`` and the generic loader
``load_or_404`` — what each raises and exactly which audit event each writes."""

from __future__ import annotations

import pytest

from casebook.access import Action, Refused, deny, load_or_404, require, require_audited
from casebook.access.policy import MAX_ID, case_id_of
from casebook.audit import Outcome
from casebook.cases.models import Case
from tests.factories import make_case, make_org, make_user
from tests.helpers import audit_events


@pytest.fixture
def world():
    lead = make_org("lead-loader")
    return {
        "case": make_case(lead=lead),
        "insider": make_user(org=lead, roles=["caseworker"]),
        "outsider": make_user(org=make_org("elsewhere-loader"), roles=["caseworker"]),
    }


def _events(user):
    return [
        (e.action, e.outcome, e.case_id, e.object_type, e.object_id, e.details)
        for e in audit_events(actor_user_id=user.id)
    ]


def test_require_raises_for_an_outsider_and_passes_an_insider_without_auditing(world):
    require(world["insider"], Action.VIEW_CASE, world["case"])
    with pytest.raises(Refused):
        require(world["outsider"], Action.VIEW_CASE, world["case"])
    with pytest.raises(Refused):
        require(None, Action.OPEN_CASE)
    assert _events(world["insider"]) == [] and _events(world["outsider"]) == []


def test_deny_audits_one_durable_denial_on_the_object_and_its_case(world):
    case = world["case"]
    refusal = deny(world["outsider"], Action.ADD_NOTE, case, requested_id=case.id)
    assert isinstance(refusal, Refused)
    assert _events(world["outsider"]) == [
        ("note.add", Outcome.DENIED, case.id, "case", str(case.id), {"requested_id": str(case.id)})
    ]


def test_deny_without_an_object_names_no_case(world):
    deny(world["outsider"], Action.OPEN_CASE)
    assert _events(world["outsider"]) == [("case.create", Outcome.DENIED, None, None, None, {})]


def test_case_id_of_a_case_and_of_an_object_on_a_case(world):
    case = world["case"]

    class OnCase:
        case_id = 41

    assert (case_id_of(case), case_id_of(OnCase()), case_id_of(object())) == (case.id, 41, None)


def test_require_audited_passes_silently_and_refuses_with_one_denial(world):
    case = world["case"]
    require_audited(world["insider"], Action.ADD_NOTE, case)
    assert _events(world["insider"]) == []
    with pytest.raises(Refused):
        require_audited(world["outsider"], Action.ADD_NOTE, case)
    assert [(a, o, c) for a, o, c, *_ in _events(world["outsider"])] == [("note.add", Outcome.DENIED, case.id)]


def test_the_loader_returns_and_audits_an_allowed_read(world):
    case = world["case"]
    assert load_or_404(world["insider"], Case, case.id, Action.VIEW_CASE) is case
    assert _events(world["insider"]) == [("case.view", Outcome.ALLOWED, case.id, "case", str(case.id), {})]
    assert load_or_404(world["insider"], Case, str(case.id), Action.VIEW_CASE, audit_read=False) is case
    assert len(_events(world["insider"])) == 1  # audit_read=False: the operation that follows audits


@pytest.mark.parametrize("kind", ["hidden", "missing", "text", "too_big", "zero", "none"])
def test_the_loader_answers_hidden_and_nonexistent_alike(world, kind):
    case = world["case"]
    requested = {"hidden": case.id, "missing": MAX_ID, "text": "abc", "too_big": MAX_ID + 1, "zero": 0, "none": None}[
        kind
    ]
    with pytest.raises(Refused):
        load_or_404(world["outsider"], Case, requested, Action.VIEW_CASE)
    (event,) = _events(world["outsider"])
    assert event[:2] == ("case.view", Outcome.DENIED)
    assert event[2] == (case.id if kind == "hidden" else None)  # the trail knows; the answer does not
    assert event[5] == {"requested_id": str(requested), "object_type": "case"}


def test_the_loader_keeps_a_long_requested_id_short(world):
    with pytest.raises(Refused):
        load_or_404(world["outsider"], Case, "9" * 40, Action.VIEW_CASE)
    assert _events(world["outsider"])[0][5]["requested_id"] == "9" * 20
