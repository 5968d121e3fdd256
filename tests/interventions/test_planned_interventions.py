"""Planned interventions, and interventions tied to a plan goal and to a subject of the case."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.auth.models import Role
from casebook.cases.models import CaseSubject, SubjectRole
from casebook.db import db
from casebook.interventions import services as interventions
from casebook.interventions.models import Intervention, InterventionKind, InterventionStatus
from tests.factories import make_case, make_goal, make_org, make_person, make_user
from tests.helpers import last_event

TODAY = date(2026, 11, 28)


def kind(code: str = "gesprek") -> InterventionKind:
    return db.session.scalar(select(InterventionKind).where(InterventionKind.code == code))


@pytest.fixture
def world():
    west = make_org("wijkteam-west")
    person = make_person("Bakker")
    case = make_case(lead=west, subjects=[person])
    user = make_user(org=west, roles=[Role.CASEWORKER])
    return case, user, person


def plan(case, user, on=TODAY + timedelta(days=10), **values):
    return interventions.add_intervention(
        case, by=user, kind=kind(), occurred_on=on, organisation=user.organisation,
        status=InterventionStatus.PLANNED, today=TODAY, **values,
    )  # fmt: skip


def test_a_planned_intervention_may_lie_ahead_and_is_not_in_the_balance(world):
    case, user, _person = world
    row = plan(case, user)
    assert row.status is InterventionStatus.PLANNED and row.occurred_on == TODAY + timedelta(days=10)
    assert interventions.balance(case) == {c: 0 for c in interventions.balance(case)}
    assert last_event("intervention.add").details["status"] == "planned"


def test_a_done_intervention_still_may_not_lie_ahead(world):
    case, user, _person = world
    with pytest.raises(interventions.InterventionRefused) as refused:
        interventions.add_intervention(
            case, by=user, kind=kind(), occurred_on=TODAY + timedelta(days=1), organisation=user.organisation,
            today=TODAY,
        )  # fmt: skip
    assert refused.value.field == "occurred_on"


def test_tied_to_a_goal_and_a_subject_of_the_case(world):
    case, user, person = world
    goal = make_goal(case, user)
    row = plan(case, user, goal_id=goal.id, subject_person_id=person.id)
    assert (row.goal, row.subject_person) == (goal, person)
    details = last_event("intervention.add").details
    assert (details["goal_id"], details["subject_person_id"]) == (goal.id, person.id)


def test_another_cases_goal_or_a_non_subject_is_refused_on_its_field(world):
    case, user, _person = world
    other = make_case(lead=user.organisation)
    foreign_goal = make_goal(other, user)
    with pytest.raises(interventions.InterventionRefused) as refused:
        plan(case, user, goal_id=foreign_goal.id)
    assert refused.value.field == "goal"
    stranger = make_person("Vreemd")
    with pytest.raises(interventions.InterventionRefused) as refused:
        plan(case, user, subject_person_id=stranger.id)
    assert refused.value.field == "subject"


def test_a_family_member_subject_counts_as_a_subject(world):
    case, user, _person = world
    relative = make_person("Bakker", given_names="Sanne")
    case.subjects.append(CaseSubject(person=relative, role=SubjectRole.FAMILY_MEMBER))
    db.session.flush()
    assert plan(case, user, subject_person_id=relative.id).subject_person == relative


def test_mark_done_on_its_date_and_then_it_counts(world):
    case, user, _person = world
    row = plan(case, user, on=TODAY - timedelta(days=2))
    interventions.settle_intervention(
        row, by=user, status=InterventionStatus.DONE, expected_version=row.version, today=TODAY
    )
    assert row.status is InterventionStatus.DONE and row.occurred_on == TODAY - timedelta(days=2)
    assert sum(interventions.balance(case).values()) == 1
    event = last_event("intervention.settle")
    assert event.details["status"] == "done" and event.actor_user_id == user.id


def test_a_future_planned_one_marked_done_gets_today_not_its_future_date(world):
    case, user, _person = world
    row = plan(case, user)
    interventions.settle_intervention(
        row, by=user, status=InterventionStatus.DONE, expected_version=row.version, today=TODAY
    )
    assert row.occurred_on == TODAY
    with pytest.raises(interventions.NotPlanned):  # done stays done
        interventions.settle_intervention(
            row, by=user, status=InterventionStatus.CANCELLED, expected_version=row.version, today=TODAY
        )


def test_cancel_and_a_stale_version_writes_nothing(world):
    case, user, _person = world
    row = plan(case, user)
    with pytest.raises(interventions.StaleIntervention):
        interventions.settle_intervention(
            row, by=user, status=InterventionStatus.CANCELLED, expected_version=row.version + 1, today=TODAY
        )
    assert row.status is InterventionStatus.PLANNED
    interventions.settle_intervention(
        row, by=user, status=InterventionStatus.CANCELLED, expected_version=row.version, today=TODAY
    )
    assert db.session.get(Intervention, row.id).status is InterventionStatus.CANCELLED
    assert sum(interventions.balance(case).values()) == 0


def test_settling_needs_the_right_to_log_interventions(world):
    case, user, _person = world
    row = plan(case, user)
    reader = make_user(org=make_org("zvh"), roles=[Role.SUPERVISOR])
    with pytest.raises(AccessDenied):
        interventions.settle_intervention(
            row, by=reader, status=InterventionStatus.DONE, expected_version=row.version, today=TODAY
        )
    assert row.status is InterventionStatus.PLANNED


def test_the_reports_count_only_done_interventions(world, app):
    from casebook.access import report_scope
    from casebook.reports.filters import ReportFilters
    from casebook.reports.queries.interventions import interventions as report
    from tests.reports import refreshed

    case, user, _person = world
    plan(case, user, on=TODAY - timedelta(days=3))
    cancelled = plan(case, user, on=TODAY - timedelta(days=2))
    interventions.settle_intervention(
        cancelled, by=user, status=InterventionStatus.CANCELLED, expected_version=cancelled.version, today=TODAY
    )
    interventions.add_intervention(
        case, by=user, kind=kind(), occurred_on=TODAY - timedelta(days=1), organisation=user.organisation, today=TODAY
    )
    supervisor = make_user(org=case.lead_organisation, roles=[Role.SUPERVISOR])
    filters = ReportFilters(start=date(2026, 1, 1), end=date(2027, 1, 1))
    tables = report(refreshed(), report_scope(supervisor), filters)  # the report counts the refreshed facts
    assert sum(tables[0].counts.values()) == 1


# -- the screens ------------------------------------------------------------------------------------


def test_the_screens_plan_an_intervention_for_a_goal_and_mark_it_done(client, world):
    from tests.factories import login_as

    case, user, person = world
    goal = make_goal(case, user)
    login_as(client, user)
    form = client.get(f"/cases/{case.id}/interventions?form=intervention").text
    assert 'name="status"' in form and "Voor doel (plan van aanpak)" in form and "Bakker" in form
    ahead = (date.today() + timedelta(days=7)).isoformat()
    data = {
        "status": "planned",
        "kind": str(kind().id),
        "occurred_on": ahead,
        "organisation": str(user.organisation_id),
        "goal": str(goal.id),
        "subject": str(person.id),
    }
    response = client.post(f"/cases/{case.id}/interventions", data=data)
    assert response.status_code == 303, response.text
    row = db.session.scalar(select(Intervention).where(Intervention.case_id == case.id))
    assert (row.status, row.goal_id, row.subject_person_id) == (InterventionStatus.PLANNED, goal.id, person.id)
    page = client.get(f"/cases/{case.id}/interventions").text
    assert "Geplande interventies" in page and 'data-status="planned"' in page
    assert 'data-category="prevention"><span class="cb-balance__count">0</span>' in page
    stale = client.post(
        f"/cases/{case.id}/interventions/{row.id}/settle", data={"status": "done", "version": row.version + 1}
    )
    assert stale.status_code == 409 and "intussen gewijzigd" in stale.text
    done = client.post(
        f"/cases/{case.id}/interventions/{row.id}/settle", data={"status": "done", "version": row.version}
    )
    assert done.status_code == 303
    page = client.get(f"/cases/{case.id}/interventions").text
    assert 'data-category="prevention"><span class="cb-balance__count">1</span>' in page
    assert last_event("intervention.settle").details["status"] == "done"


def test_the_screens_refuse_a_done_intervention_ahead_with_the_input_kept(client, world):
    from tests.factories import login_as

    case, user, _person = world
    login_as(client, user)
    ahead = (date.today() + timedelta(days=7)).isoformat()
    data = {"status": "done", "kind": str(kind().id), "occurred_on": ahead, "organisation": str(user.organisation_id)}
    response = client.post(f"/cases/{case.id}/interventions", data=data)
    assert response.status_code == 422 and "leg de interventie vast als gepland" in response.text
    assert f'value="{ahead}"' in response.text


def test_another_cases_intervention_is_404_on_the_screens(client, world):
    from tests.factories import login_as

    case, user, _person = world
    other = make_case(lead=user.organisation)
    row = plan(other, user)
    login_as(client, user)
    response = client.post(f"/cases/{case.id}/interventions/{row.id}/settle", data={"status": "done", "version": 1})
    assert response.status_code == 404
    assert last_event("intervention.view").outcome.value == "denied"
