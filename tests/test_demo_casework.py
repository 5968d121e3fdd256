"""Demo data shows each case-work feature, and seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import func, select

from casebook.cases.models import Case, CaseStatusChange, StatusType
from casebook.db import db
from casebook.demo.casework import DEMO_HOUSEHOLD, seed_casework
from casebook.demo.seed import seed
from casebook.people.models import Household
from casebook.signals import services as signals
from tests.factories import make_user


def test_demo_has_queue_statuses_pending_closure_and_a_household(app):
    seed("demo-password-for-tests")
    coordinator = make_user(roles=["coordinator"])
    total, overdue = signals.queue_counts(coordinator)
    assert total >= 5 and overdue >= 1
    statuses = set(db.session.scalars(select(StatusType.code).join(Case, Case.status_id == StatusType.id)))
    assert statuses == {"casusoverleg", "plan_van_aanpak", "uitvoering", "afschaling", "nazorg", "afgesloten"}
    # one the ZVH decides as lead, one after a transfer to wijkteam West (``cases.closing_demo``)
    assert db.session.scalar(select(func.count(Case.id)).where(Case.closure_proposed_at.is_not(None))) == 2
    closed = db.session.scalar(select(Case).where(Case.closed_at.is_not(None)).limit(1))
    assert closed.archive_action_on is not None and closed.result is not None
    histories = db.session.scalar(
        select(func.count(CaseStatusChange.id)).where(CaseStatusChange.from_status_id.is_not(None))
    )
    assert histories > 60
    household = db.session.scalar(select(Household).where(Household.reference == DEMO_HOUSEHOLD))
    assert db.session.scalar(select(func.count(Case.id)).where(Case.household_id == household.id)) == 3
    assert all(value == 0 for value in seed_casework().values())


def test_demo_has_a_casusregisseur_who_finds_their_cases_on_my_work(app):
    from datetime import date

    from casebook.auth.models import User
    from casebook.plans.models import CasePlan
    from casebook.work import services as work

    seed("demo-password-for-tests")
    plans = list(db.session.scalars(select(CasePlan).where(CasePlan.case_manager_id.is_not(None))))
    assert plans
    manager = db.session.get(User, plans[0].case_manager_id)
    assert manager.username in ("wijkteam-west.caseworker", "zvh.caseworker")
    assert all(plan.case.process_coordinator_id != manager.id for plan in plans)
    with app.test_request_context():
        widgets = {w.key: w for w in work.my_work(manager, date.today())}
    references = [item.label.split(" · ")[0] for item in widgets["my_cases"].items]
    assert plans[0].case.reference in references
