"""Contract of POST /cases/{id}/closure, …/closure/decision and …/reopen, and of a transfer's
acceptance that names the casusregisseur and moves the sender's open actions.

The walk of the issue: the ZVH hands the case to wijkteam West (no supervisor there), West proposes
closing through the API, the ZVH's supervisor (the fallback) approves it; the case is closed with
every participation ended and no evaluation planned; West reopens it.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.cases import lifecycle
from casebook.cases.models import Case
from casebook.db import db
from casebook.handoffs import services as handoffs
from casebook.handoffs.models import HandoffKind, LegalBasis, SenderAfterTransfer
from casebook.plans.models import ActionStatus, CasePlan, PlanAction
from tests.api.support import assert_problem, make_world
from tests.factories import make_action, make_results, status_of
from tests.helpers import last_event


@pytest.fixture
def world():
    world = make_world()
    case = db.session.get(Case, world.case_id)
    make_results(case.case_type)
    coordinator = world.user("coordinator")
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=1)
    case.next_evaluation_on = date.today() + timedelta(days=20)
    world.action_id = make_action(case, coordinator, date.today() + timedelta(days=5)).id
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant"))
    world.handoff_id = handoffs.send(
        case,
        handoffs.HandoffInput(
            kind=HandoffKind.TRANSFER,
            receiver=world.user("west_coordinator").organisation,
            summary="Zorgvragen: regie past beter bij het wijkteam.",
            legal_basis=basis,
            person_informed=True,
            sender_after=SenderAfterTransfer.OBSERVER,
        ),
        by=coordinator,
    ).id
    db.session.commit()
    return world


def _accept(client, world, **body):
    return client.post(
        f"/api/v1/handoffs/{world.handoff_id}/accept",
        headers=world.headers("west_coordinator"),
        json={"coordinator": "west.coordinator", **body},
    )


def _etag(client, world, user):
    return client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers(user)).headers["ETag"]


def _post(client, world, user, path, json, etag=None):
    headers = {**world.headers(user), "If-Match": etag or _etag(client, world, user)}
    return client.post(f"/api/v1/cases/{world.case_id}/{path}", headers=headers, json=json)


def test_accepting_names_the_casusregisseur_and_takes_over_the_open_actions(client, world):
    response = _accept(client, world, case_manager="west.worker", sender_actions="reassign")
    assert response.status_code == 200, response.json
    assert response.json["case_manager"] == "west.worker" and response.json["sender_actions"] == "reassign"
    plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == world.case_id))
    assert plan.case_manager.username == "west.worker"
    assert db.session.get(PlanAction, world.action_id).owner_organisation.slug == "wijkteam-west"


def test_accepting_with_a_casusregisseur_of_another_organisation_is_422(client, world):
    body = assert_problem(_accept(client, world, case_manager="zvh.worker"), 422, "rule-violation")
    assert "case_manager" in {e["field"] for e in body["errors"]}
    body = assert_problem(_accept(client, world, case_manager="nobody.here"), 422, "rule-violation")
    assert "case_manager" in {e["field"] for e in body["errors"]}


def test_transfer_then_closure_approved_by_the_fallback_supervisor_then_reopened(client, world):
    assert _accept(client, world, sender_actions="withdraw").status_code == 200
    proposed = _post(client, world, "west_coordinator", "closure", {"result": "goals_achieved", "summary": "Klaar."})
    assert proposed.status_code == 200, proposed.json
    assert proposed.json["closure_pending"]["approver"] == "zvh"
    # the proposer cannot decide; the ZVH supervisor (an observer's) can
    assert_problem(_post(client, world, "west_coordinator", "closure/decision", {"decision": "approve"}), 404)
    decided = _post(client, world, "supervisor", "closure/decision", {"decision": "approve"})
    assert decided.status_code == 200, decided.json
    body = decided.json
    assert body["closed_at"] and body["closure_pending"] is None and body["next_evaluation_on"] is None
    assert all(p["ended_at"] for p in body["participants"])
    assert db.session.get(PlanAction, world.action_id).status is ActionStatus.CANCELLED
    assert decided.headers["ETag"] == f'"{body["version"]}"'
    reopened = _post(client, world, "west_coordinator", "reopen", {"to": "uitvoering", "reason": "Nieuwe melding"})
    assert reopened.status_code == 200, reopened.json
    active = {(p["organisation"], p["involvement"]) for p in reopened.json["participants"] if not p["ended_at"]}
    assert active == {("wijkteam-west", "lead"), ("zvh", "observer")}
    assert last_event("case.reopen", case_id=world.case_id).actor_user_id == world.user("west_coordinator").id


def test_sending_back_needs_a_comment(client, world):
    _accept(client, world)
    _post(client, world, "west_coordinator", "closure", {"result": "goals_achieved", "summary": "Klaar."})
    body = assert_problem(
        _post(client, world, "supervisor", "closure/decision", {"decision": "send_back"}), 422, "rule-violation"
    )
    assert body["errors"][0]["field"] == "comment"
    sent_back = _post(client, world, "supervisor", "closure/decision", {"decision": "send_back", "comment": "Nazorg?"})
    assert sent_back.status_code == 200 and sent_back.json["closure_pending"] is None


def test_a_proposal_nobody_could_decide_is_409_and_changes_nothing(client, world):
    _accept(client, world)
    supervisor = world.user("supervisor")
    supervisor.active = False
    db.session.commit()
    version = db.session.get(Case, world.case_id).version
    response = _post(client, world, "west_coordinator", "closure", {"result": "goals_achieved", "summary": "Klaar."})
    assert "Niemand kan dit voorstel beoordelen" in assert_problem(response, 409, "conflict")["detail"]
    assert db.session.get(Case, world.case_id).version == version


def test_closure_endpoints_need_if_match_and_refuse_a_stale_one(client, world):
    path = f"/api/v1/cases/{world.case_id}/closure"
    headers = world.headers("coordinator")
    assert_problem(client.post(path, headers=headers, json={"result": "x", "summary": "y"}), 428)
    stale = client.post(path, headers={**headers, "If-Match": '"1"'}, json={"result": "goals_achieved", "summary": "y"})
    assert_problem(stale, 412, "precondition-failed")


def test_an_unknown_result_is_422_on_the_field(client, world):
    response = _post(client, world, "coordinator", "closure", {"result": "no_such_result", "summary": "Klaar."})
    assert assert_problem(response, 422, "rule-violation")["errors"][0]["field"] == "result"


def test_reopening_an_open_case_is_refused_and_outsiders_get_404(client, world):
    response = _post(client, world, "coordinator", "reopen", {"to": "uitvoering", "reason": "x"})
    assert response.status_code in (409, 422)
    assert_problem(
        client.post(
            f"/api/v1/cases/{world.case_id}/reopen",
            headers={**world.headers("outsider"), "If-Match": '"1"'},
            json={"to": "uitvoering", "reason": "x"},
        ),
        404,
    )
