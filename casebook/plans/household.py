"""The household plan ("1 gezin, 1 plan, 1 regisseur"): the goals of a household's cases, by life domain.

Only the cases the viewer may see are passed in (the household page filters them through the
policy); goals are case content, so only cases whose content the viewer reads (never a
supervisor's) contribute. The read is audited once per household.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casebook import audit
from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.households.extensions import HouseholdSection, register_household_section
from casebook.people.models import Household
from casebook.plans.models import LifeDomain, PlanGoal


@dataclass(frozen=True)
class HouseholdGoal:
    goal: PlanGoal
    case: Case


def household_plan(user: User, household: Household, cases: list[Case]) -> dict[LifeDomain, list[HouseholdGoal]]:
    """Goals of the visible cases grouped per life domain, in the plan's domain order."""
    visible = {case.id: case for case in cases if can(user, Action.READ_CASE_CONTENT, case)}
    grouped: dict[LifeDomain, list[HouseholdGoal]] = {domain: [] for domain in LifeDomain}
    if visible:
        goals = db.session.scalars(
            select(PlanGoal)
            .where(PlanGoal.case_id.in_(visible))
            .options(selectinload(PlanGoal.actions))
            .order_by(PlanGoal.created_at, PlanGoal.id)
        )
        for goal in goals:
            grouped[goal.domain].append(HouseholdGoal(goal, visible[goal.case_id]))
    audit.record(
        user,
        "plan.household.view",
        household,
        details={"cases": len(visible), "goals": sum(map(len, grouped.values()))},
    )
    return {domain: items for domain, items in grouped.items() if items}


def _load(user: User, household: Household, cases: list[Case]) -> dict[str, Any] | None:
    if not cases:
        return None
    return {"plan": household_plan(user, household, cases)}


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_household_section(
        app, HouseholdSection(key="household-plan", template="plans/_household.html", load=_load, order=10)
    )
