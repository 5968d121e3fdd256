"""The demo shows the steerable plan: goals with target dates and statuses, an edited and moved
action with its history, a recorded evaluation that set the next date; seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.cases.models import Case
from casebook.db import db
from casebook.demo.seed import seed
from casebook.plans.demo import seed_plan_steering
from casebook.plans.models import ActionChangeKind, Evaluation, GoalStatus, PlanActionChange, PlanGoal


def test_the_demo_shows_each_steering_feature(app):
    seed("demo-password-for-tests")
    statuses = set(db.session.scalars(select(PlanGoal.status).where(PlanGoal.target_on.is_not(None))))
    assert {GoalStatus.OPEN, GoalStatus.PARTLY_ACHIEVED} <= statuses
    assert db.session.scalar(select(func.count(PlanGoal.id)).where(PlanGoal.status == GoalStatus.ACHIEVED))
    kinds = set(db.session.scalars(select(PlanActionChange.kind)))
    assert {ActionChangeKind.EDIT, ActionChangeKind.MOVE} <= kinds
    edit = db.session.scalar(select(PlanActionChange).where(PlanActionChange.kind == ActionChangeKind.EDIT))
    assert edit.old_description and edit.old_description != edit.action.description
    evaluation = db.session.scalar(select(Evaluation))
    assert evaluation.goals and evaluation.participants and evaluation.other_participants
    assert db.session.get(Case, evaluation.case_id).next_evaluation_on == evaluation.next_evaluation_on
    assert all(count == 0 for count in seed_plan_steering().values())
