"""The meeting page and its report have a fixed statement budget, whatever the length of the agenda.

Counted as in ``tests/scale/test_statement_budget.py`` (its helpers): a meeting with two items and one
with eight, each case with a summary, a flag, a goal, open actions, a decision by another person and an
action agreed, and the meeting with invited persons and attendance. A statement per item (N+1) fails.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.auth.models import Role
from casebook.cases import dossier_changes
from casebook.cases.models import Involvement
from casebook.casework import local_today
from casebook.meetings import preparation
from casebook.meetings import services as meetings
from casebook.meetings.details import MeetingDetails
from casebook.organisations.models import OrganisationKind
from tests.factories import login_as, make_action, make_case, make_goal, make_org, make_user
from tests.scale.test_statement_budget import get, within_budget

MEETING_PAGE_BUDGET = 25  # as the case page


def _meeting(chair, partner, officer, items: int, title: str) -> int:
    today = local_today()
    held_on = today - timedelta(days=1)
    details = MeetingDetails(chair=chair, minute_taker=officer, persons=(officer,), location="Zaal 1")
    meeting = meetings.schedule_meeting(
        by=chair, title=title, held_on=held_on, organisations=[partner], details=details, today=held_on
    )
    for i in range(items):
        case = make_case(lead=chair.organisation, participants=[(partner, Involvement.CONTRIBUTOR)])
        edit = dossier_changes.SummaryEdit(problem_analysis=f"Analyse {i}", help_request=f"Hulpvraag {i}")
        dossier_changes.update_summary(case, edit, by=chair, expected_version=case.version)
        dossier_changes.set_flags(case, ["wapenbezit"], by=chair, expected_version=case.version)
        goal = make_goal(case, chair, text=f"Doel {i}")
        make_action(case, chair, today + timedelta(days=5), goal=goal, today=today)
        item = meetings.add_to_agenda(meeting, by=chair, reference=case.reference)
        decider = make_user(org=chair.organisation, roles=[Role.COORDINATOR])
        meetings.record_decision(item, by=decider, decision=f"Besluit {i}", expected_version=0, today=today)
        meetings.add_meeting_action(
            item, by=chair, description=f"Afspraak {i}", owner_organisation=partner, due_on=today + timedelta(days=3)
        )
    preparation.record_attendance(
        meeting, by=chair, expected_version=meeting.version, organisations=[partner], persons=[officer, chair]
    )
    return meeting.id


@pytest.fixture
def world():
    lead = make_org("budget-zvh", kind=OrganisationKind.ZVH)
    partner = make_org("budget-politie", kind=OrganisationKind.POLICE)
    chair = make_user(org=lead, roles=[Role.COORDINATOR])
    officer = make_user(org=partner, roles=[Role.CASEWORKER])
    few = _meeting(chair, partner, officer, 2, "Klein overleg")
    many = _meeting(chair, partner, officer, 8, "Groot overleg")
    return chair, officer, few, many


@pytest.mark.parametrize("part", ["reads", "total"])
@pytest.mark.parametrize("viewer", ["chair", "officer"])
def test_the_meeting_page_has_a_fixed_budget_whatever_the_length_of_the_agenda(client, world, part, viewer):
    chair, officer, few, many = world
    login_as(client, chair if viewer == "chair" else officer)
    small, response = get(client, f"/meetings/{few}")
    assert "Analyse 1" in response.get_data(as_text=True)
    large, response = get(client, f"/meetings/{many}")
    assert "Analyse 7" in response.get_data(as_text=True) and "Afspraak 7" in response.get_data(as_text=True)
    within_budget(small, large, MEETING_PAGE_BUDGET, "meeting page", part)
