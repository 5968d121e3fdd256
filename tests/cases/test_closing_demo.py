"""The demo shows the feature: a case transferred to wijkteam West whose closing awaits the ZVH's
supervisor (West has none), who is told and sees the decision form; seeding again adds nothing."""

from __future__ import annotations

from sqlalchemy import select

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.closing_demo import seed_closure_after_transfer
from casebook.cases.models import Case
from casebook.db import db
from casebook.demo.seed import seed
from casebook.notifications.models import Notification


def test_the_demo_has_a_transferred_case_awaiting_the_fallback_supervisor():
    seed("demo-password-for-tests")
    pending = db.session.scalars(select(Case).where(Case.closure_proposed_at.is_not(None))).all()
    transferred = [c for c in pending if c.lead_organisation.slug == "wijkteam-west"]
    assert len(transferred) == 1
    case = transferred[0]
    assert case.closure_approver_organisation.slug == "zvh"
    supervisor = db.session.scalar(select(User).where(User.username == "zvh.supervisor"))
    assert can(supervisor, Action.APPROVE_CLOSURE, case)
    assert db.session.scalar(
        select(Notification.id).where(Notification.recipient_id == supervisor.id, Notification.case_id == case.id)
    )
    assert seed_closure_after_transfer() == {"closures awaiting the fallback supervisor": 0}
