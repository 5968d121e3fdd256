"""Evaluations as records: participants, progress per goal, the decision and the next date."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from casebook.cases.errors import StaleCase
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.plans import services as plans
from casebook.plans.evaluations import GoalProgressInput, record_evaluation
from casebook.plans.models import EvaluationDecision, EvaluationGoal, GoalProgress
from tests.factories import make_case, make_goal, make_org, make_user
from tests.helpers import last_event

TODAY = date(2026, 11, 28)


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def police():
    return make_org("politie")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


@pytest.fixture
def worker(west):
    return make_user(org=west)


def _record(case, worker, **values):
    arguments = dict(
        by=worker,
        held_on=TODAY,
        participants=[worker.organisation],
        goals=[],
        decision="continue",
        next_evaluation_on=TODAY + timedelta(days=42),
        expected_version=case.version,
        today=TODAY,
    )
    return record_evaluation(case, **{**arguments, **values})


def test_an_evaluation_is_recorded_and_sets_the_next_date(case, worker, police):
    goal = make_goal(case, worker)
    before = case.version
    evaluation = _record(
        case,
        worker,
        participants=[worker.organisation, police],
        goals=[GoalProgressInput(goal, "some", "Huur wordt weer betaald")],
        other_participants="Betrokkene en zijn moeder",
    )
    assert case.next_evaluation_on == TODAY + timedelta(days=42)
    assert case.version == before + 1 == evaluation.case_version
    assert {p.organisation for p in evaluation.participants} == {worker.organisation, police}
    line = evaluation.goals[0]
    assert (line.goal, line.progress, line.note) == (goal, GoalProgress.SOME, "Huur wordt weer betaald")
    raw = db.session.execute(select(EvaluationGoal.__table__.c.note).where(EvaluationGoal.id == line.id)).scalar_one()
    assert b"Huur" not in raw
    event = last_event("plan.evaluation.record")
    assert event.case_id == case.id
    assert event.details["decision"] == "continue" and event.details["participants"] == sorted(
        [police.slug, "wijkteam-west"]
    )
    assert plans.plan_for(worker, case, today=TODAY).evaluations == [evaluation]


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"held_on": TODAY + timedelta(days=1)}, "held_on"),
        ({"participants": []}, "participants"),
        ({"decision": "maybe"}, "decision"),
        ({"next_evaluation_on": None}, "next_evaluation_on"),
        ({"next_evaluation_on": TODAY}, "next_evaluation_on"),
        ({"decision": "close"}, "next_evaluation_on"),
    ],
)
def test_an_evaluation_is_refused_on_bad_input_and_writes_nothing(case, worker, values, field):
    with pytest.raises(plans.PlanRefused) as refused:
        _record(case, worker, **values)
    assert refused.value.field == field
    assert plans.evaluations_of(case) == []


def test_closing_plans_no_next_date_and_a_stale_case_is_refused(case, worker, west):
    case.next_evaluation_on = TODAY
    db.session.flush()
    with pytest.raises(StaleCase):
        _record(case, worker, expected_version=case.version - 1)
    other_goal = make_goal(make_case(lead=west), worker)
    with pytest.raises(plans.PlanRefused):
        _record(case, worker, goals=[GoalProgressInput(other_goal, "good")])
    evaluation = _record(case, worker, decision="close", next_evaluation_on=None)
    assert evaluation.decision is EvaluationDecision.CLOSE and case.next_evaluation_on is None
