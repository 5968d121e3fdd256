"""The issue's walk over HTTP (screens): ZVH hands the case to wijkteam West, West accepts (naming
the casusregisseur, taking over the ZVH's open actions), West proposes closing and is told who
decides; the ZVH supervisor (the fallback: West has none) approves; the case is closed with every
participation ended and no evaluation planned. Then the gemeente as last fallback."""

from __future__ import annotations

from datetime import date, timedelta

from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.cases.models import Case
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.plans.models import ActionStatus, PlanAction
from tests.factories import login_as, make_action, make_org, make_results, make_user, status_of


def _prepare(case, zvh_coord):
    make_results(case.case_type)
    lifecycle.transition(case, status_of(case, "plan_van_aanpak").id, reason="", by=zvh_coord, expected_version=1)
    case.next_evaluation_on = date.today() + timedelta(days=14)
    action = make_action(case, zvh_coord, date.today() + timedelta(days=5))
    db.session.commit()
    return action.id


def _accept(receiver, transfer, west_coord, west_worker, **extra):
    login_as(receiver, west_coord)
    page = receiver.get(f"/handoffs/{transfer.id}").get_data(as_text=True)
    assert "Nieuwe casusregisseur" in page and 'id="sender-actions"' in page
    data = {
        "process_coordinator": str(west_coord.id),
        "case_manager": str(west_worker.id),
        "sender_actions": "reassign",
    }
    response = receiver.post(f"/handoffs/{transfer.id}/accept", data={**data, **extra})
    assert response.status_code == 302, response.get_data(as_text=True)
    return receiver


def _as(client, user):
    client.post("/logout")
    return login_as(client, user)


def _propose(receiver, case_id):
    case = db.session.get(Case, case_id)
    form = receiver.get(f"/cases/{case_id}?form=closure").get_data(as_text=True)
    response = receiver.post(
        f"/cases/{case_id}/closure",
        data={"version": case.version, "result": lifecycle.results_for(case)[0].id, "summary": "Doelen bereikt."},
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return form, receiver.get(response.headers["Location"]).get_data(as_text=True)


def test_transfer_then_closure_approved_by_the_zvh_supervisor(
    client, case, transfer, zvh, zvh_coord, west_coord, west_worker
):
    action_id = _prepare(case, zvh_coord)
    supervisor = make_user("zvh.supervisor.t", org=zvh, roles=[Role.SUPERVISOR])
    receiver = _accept(client, transfer, west_coord, west_worker)
    assert db.session.get(PlanAction, action_id).owner_organisation_id == west_coord.organisation_id
    timeline = receiver.get(f"/cases/{case.id}/timeline").get_data(as_text=True)
    assert "is nu regiehouder" in timeline
    form, page = _propose(receiver, case.id)
    assert "beoordeeld door een teamleider van ZVH Test" in form
    assert "beoordeeld door een teamleider van ZVH Test" in page
    approver = _as(client, supervisor)
    overview = approver.get(f"/cases/{case.id}").get_data(as_text=True)
    assert f"/cases/{case.id}?form=decision" in overview
    fresh = db.session.get(Case, case.id)
    response = approver.post(
        f"/cases/{case.id}/closure/decision", data={"version": fresh.version, "decision": "approve"}
    )
    assert response.status_code == 303
    assert "Casus afgesloten." in approver.get(response.headers["Location"]).get_data(as_text=True)
    fresh = db.session.get(Case, case.id)
    assert fresh.is_closed and fresh.active_participants == [] and fresh.next_evaluation_on is None
    assert db.session.get(PlanAction, action_id).status is ActionStatus.CANCELLED
    receiver = _as(client, west_coord)
    people = receiver.get(f"/cases/{case.id}/timeline").get_data(as_text=True)
    assert "neemt niet meer deel: de casus is afgesloten" in people
    assert receiver.get(f"/cases/{case.id}?form=reopen").status_code == 200  # the lead still sees it, may reopen


def test_without_a_zvh_supervisor_the_gemeente_supervisor_decides_404_before(
    client, case, transfer, zvh_coord, west_coord, west_worker
):
    _prepare(case, zvh_coord)
    gemeente = make_org("gemeente-t", kind=OrganisationKind.MUNICIPALITY, name="Gemeente Test")
    supervisor = make_user(org=gemeente, roles=[Role.SUPERVISOR])
    _accept(client, transfer, west_coord, west_worker, sender_actions="withdraw")
    approver = _as(client, supervisor)
    assert approver.get(f"/cases/{case.id}").status_code == 404
    _form, page = _propose(_as(client, west_coord), case.id)
    assert "beoordeeld door een teamleider van Gemeente Test" in page
    approver = _as(client, supervisor)
    assert approver.get(f"/cases/{case.id}").status_code == 200
    fresh = db.session.get(Case, case.id)
    response = approver.post(
        f"/cases/{case.id}/closure/decision",
        data={"version": fresh.version, "decision": "send_back", "comment": "Eerst nazorg afspreken."},
    )
    assert response.status_code == 303
    assert approver.get(f"/cases/{case.id}").status_code == 404  # decided: out of reach again


def test_a_proposal_nobody_could_decide_is_refused_with_the_message(
    client, case, transfer, zvh_coord, west_coord, west_worker
):
    _prepare(case, zvh_coord)
    receiver = _accept(client, transfer, west_coord, west_worker)
    form = receiver.get(f"/cases/{case.id}?form=closure").get_data(as_text=True)
    assert "Niemand kan dit voorstel beoordelen" in form
    fresh = db.session.get(Case, case.id)
    response = receiver.post(
        f"/cases/{case.id}/closure",
        data={"version": fresh.version, "result": lifecycle.results_for(fresh)[0].id, "summary": "Klaar."},
    )
    assert response.status_code == 409 and "Niemand kan dit voorstel beoordelen" in response.get_data(as_text=True)
    assert db.session.get(Case, case.id).closure_proposed_at is None
