"""Demo data for steering the plan: goals with target dates, statuses and owners, an action edited
and one moved (with their history), and a recorded evaluation that set the next date.

Runs after the demo case work (``casebook.demo.content``) on the cases that have a plan; it changes
nothing when an evaluation exists already, so seeding twice gives the same data.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.plans import services as plans
from casebook.plans import steering
from casebook.plans.evaluations import GoalProgressInput, participant_organisations, record_evaluation
from casebook.plans.models import Evaluation, GoalStatus, PlanGoal

# per goal of a case, in the order they were set: (status, days to the target date)
GOAL_STEERING = [(GoalStatus.OPEN, 60), (GoalStatus.PARTLY_ACHIEVED, 30), (GoalStatus.ACHIEVED, 0)]
PROGRESS = ["some", "good", "none"]


def seed_plan_steering() -> dict[str, int]:
    counts = {"goals steered": 0, "actions edited": 0, "evaluations": 0}
    if db.session.scalar(select(func.count(Evaluation.id))):
        return counts
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    if coordinator is None:
        return counts
    today = local_today()
    case_ids = db.session.scalars(select(PlanGoal.case_id).distinct().order_by(PlanGoal.case_id)).all()
    for index, case_id in enumerate(case_ids[:4]):
        case = db.session.get(Case, case_id)
        goals = plans.goals_of(case)
        owners = plans.owner_organisations(case)
        for position, goal in enumerate(goals):
            status, days = GOAL_STEERING[position % len(GOAL_STEERING)]
            steering.edit_goal(
                goal,
                by=coordinator,
                text=goal.text,
                target_on=today + timedelta(days=days) if days else goal.target_on,
                status=status,
                owner_organisation=owners[(index + position) % len(owners)] if owners else None,
                expected_version=goal.version,
                today=today,
            )
            counts["goals steered"] += 1
        if index == 0:
            counts["actions edited"] += _edit_and_move(case, coordinator, goals, today)
            counts["evaluations"] += _evaluate(case, coordinator, goals, today)
    return counts


def _edit_and_move(case: Case, coordinator: User, goals: list[PlanGoal], today) -> int:
    """The first action gets a sharper description and a later due date; it then moves to the
    second goal, so its history shows an edit (with the old text) and a move."""
    action = next((a for g in goals for a in g.actions if a.is_open), None)
    if action is None:
        return 0
    steering.edit_action(
        action,
        by=coordinator,
        description=f"{action.description} — samen met de wijkagent, uiterlijk in de komende twee weken",
        due_on=max(action.due_on, today) + timedelta(days=14),
        owner_organisation=action.owner_organisation,
        owner_user=action.owner_user,
        expected_version=action.version,
        today=today,
    )
    other = next((g for g in goals if g.id != action.goal_id), None)
    if other is not None:
        steering.move_action(action, by=coordinator, goal=other, expected_version=action.version)
    return 1


def _evaluate(case: Case, coordinator: User, goals: list[PlanGoal], today) -> int:
    open_goals = [g for g in goals if g.status is GoalStatus.OPEN] or goals[:1]
    record_evaluation(
        case,
        by=coordinator,
        held_on=today - timedelta(days=2),
        participants=participant_organisations(case)[:3],
        goals=[
            GoalProgressInput(g, PROGRESS[i % len(PROGRESS)], "Afspraken worden nagekomen; vervolg besproken.")
            for i, g in enumerate(open_goals)
        ],
        decision="adjust",
        next_evaluation_on=today + timedelta(days=42),
        expected_version=case.version,
        other_participants="De betrokkene en zijn moeder",
        today=today,
    )
    return 1
