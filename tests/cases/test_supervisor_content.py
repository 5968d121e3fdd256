"""Supervisors see a case's metadata and its trail, never its content (leak 4).

A supervisor of the lead organisation, authorised up to *geheim*, opens a geheim case on every
screen and API resource that shows it: none of the planted content (a subject's name, a goal, an
action, an intervention outcome, a status reason, the closing summary) is in any answer. The
approving supervisor reads the pending closure proposal in the approval step only, and that read
is audited as ``case.closure.view``. A caseworker on the case sees everything (the planting works).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cases import lifecycle
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.interventions import services as interventions
from casebook.interventions.models import InterventionKind
from casebook.organisations.models import OrganisationKind
from tests.factories import (
    authorise_roles,
    bearer,
    login_as,
    make_action,
    make_api_token,
    make_case,
    make_case_type,
    make_goal,
    make_org,
    make_person,
    make_results,
    make_user,
    status_of,
)
from tests.helpers import audit_events

NAME = "Zwanenburg"
GOAL = "Doel-PLANTED-goal"
ACTION = "Actie-PLANTED-action"
OUTCOME = "Uitkomst-PLANTED-outcome"
REASON = "Reden-PLANTED-reason"
SUMMARY = "Samenvatting-PLANTED-summary"
CONTENT = (NAME, GOAL, ACTION, OUTCOME, REASON)


class Geheim:
    """Ids of a geheim case full of content, and of the users around it."""

    def __init__(self) -> None:
        zvh = make_org("zvh", kind=OrganisationKind.ZVH)
        case_type = make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
        authorise_roles(case_type, max_confidentiality=Confidentiality.GEHEIM, organisation=zvh)
        make_results(case_type)
        self.coordinator = make_user("zvh.coordinator", zvh, [Role.COORDINATOR])
        self.worker = make_user("zvh.worker", zvh, [Role.CASEWORKER])
        self.supervisor = make_user("zvh.supervisor", zvh, [Role.SUPERVISOR])
        self.approver = make_user("zvh.supervisor2", zvh, [Role.SUPERVISOR])
        case = make_case(lead=zvh, type="radicalisation", subjects=[make_person(NAME, given_names="Plantina")])
        assert case.confidentiality is Confidentiality.GEHEIM
        today = date.today()
        goal = make_goal(case, self.worker, text=GOAL)
        make_action(case, self.worker, today + timedelta(days=3), goal=goal, description=ACTION, today=today)
        kind = db.session.scalar(select(InterventionKind).where(InterventionKind.code == "gesprek"))
        interventions.add_intervention(
            case, by=self.worker, kind=kind, occurred_on=today, organisation=zvh, outcome=OUTCOME, today=today
        )
        uitvoering = status_of(case, "uitvoering").id  # not the next step: needs a reason
        lifecycle.transition(case, uitvoering, reason=REASON, by=self.coordinator, expected_version=case.version)
        result = lifecycle.results_for(case)[0].id
        lifecycle.propose_closure(case, result, SUMMARY, by=self.coordinator, expected_version=case.version)
        self.case = case
        self.case_id = case.id
        self.supervisor_id = self.supervisor.id


@pytest.fixture
def geheim() -> Geheim:
    return Geheim()


SCREENS = ("/cases/{id}", "/cases/{id}/plan", "/cases/{id}/interventions", "/cases/{id}/people", "/cases/{id}/timeline")
API = ("/api/v1/cases/{id}", "/api/v1/cases/{id}/plan", "/api/v1/cases/{id}/interventions")


def _bodies(client, paths, case_id, **kwargs) -> dict[str, str]:
    bodies = {}
    for path in paths:
        response = client.get(path.format(id=case_id), **kwargs)
        assert response.status_code == 200, (path, response.status_code)
        bodies[path] = response.get_data(as_text=True)
    return bodies


def test_a_caseworker_on_the_case_reads_all_of_it(client, geheim):
    login_as(client, geheim.worker)
    page = "".join(_bodies(client, (*SCREENS, "/cases/{id}/journal"), geheim.case_id).values())
    assert all(text in page for text in (*CONTENT, SUMMARY))


def test_the_supervisor_sees_no_content_on_any_screen_but_the_proposal_in_the_approval_step(client, geheim):
    login_as(client, geheim.supervisor)
    assert client.get(f"/cases/{geheim.case_id}/journal").status_code == 404  # no tab: notes are content
    bodies = _bodies(client, SCREENS, geheim.case_id)
    for path, body in bodies.items():
        assert not [text for text in CONTENT if text in body], path
    case_page = bodies["/cases/{id}"]
    assert geheim.case.reference in case_page and "1 betrokkene" in case_page  # metadata: yes
    assert "Voorstel tot afsluiten beoordelen" in case_page and SUMMARY in case_page  # the approval step
    [read] = audit_events(lifecycle.CLOSURE_VIEW, actor_user_id=geheim.supervisor_id)
    assert read.outcome is Outcome.ALLOWED and read.case_id == geheim.case_id
    assert SUMMARY not in bodies["/cases/{id}/plan"] + bodies["/cases/{id}/interventions"]


def test_the_supervisor_gets_no_content_through_the_api(client, geheim):
    headers = bearer(make_api_token(geheim.supervisor))
    bodies = _bodies(client, API, geheim.case_id, headers=headers)
    for path, body in bodies.items():
        assert not [text for text in (*CONTENT, SUMMARY) if text in body], path
    detail = client.get(f"/api/v1/cases/{geheim.case_id}", headers=headers).json
    assert detail["subjects"] is None and detail["subject_count"] == 1
    plan = client.get(f"/api/v1/cases/{geheim.case_id}/plan", headers=headers).json
    assert plan["content"] is False and plan["goals"] == [] and plan["goal_count"] == 1
    listed = client.get(f"/api/v1/cases/{geheim.case_id}/interventions", headers=headers).json
    assert listed["total"] == 1 and listed["items"][0]["outcome"] is None


def test_once_closed_the_summary_is_content_again(client, geheim):
    lifecycle.decide_closure(
        geheim.case, approve=True, comment="", by=geheim.approver, expected_version=geheim.case.version
    )
    login_as(client, geheim.supervisor)
    page = "".join(_bodies(client, SCREENS, geheim.case_id).values())
    assert not [text for text in (*CONTENT, SUMMARY) if text in page]
    assert not audit_events(lifecycle.CLOSURE_VIEW, actor_user_id=geheim.supervisor_id)
