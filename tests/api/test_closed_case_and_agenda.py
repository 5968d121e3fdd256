"""A closed case refuses every content change in one place (409, nothing written)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from casebook.audit import Outcome  # noqa: F401
from casebook.db import db, utcnow
from casebook.journal.models import Note
from casebook.plans.models import PlanGoal
from tests.api.support import assert_problem, make_world


@pytest.fixture
def world():
    return make_world()


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_a_closed_case_takes_no_note_and_no_goal(client, world):
    world.case.closed_at = utcnow()
    db.session.commit()
    notes, goals = _count(Note), _count(PlanGoal)
    response = client.post(
        f"/api/v1/cases/{world.case_id}/notes",
        headers=world.headers("worker"),
        json={"body": "Na afsluiten.", "visibility": "shared"},
    )
    assert_problem(response, 409)
    response = client.post(
        f"/api/v1/cases/{world.case_id}/plan/goals",
        headers=world.headers("worker"),
        json={"domain": "finances", "text": "Doel na afsluiten."},
    )
    assert_problem(response, 409)
    assert (_count(Note), _count(PlanGoal)) == (notes, goals)
