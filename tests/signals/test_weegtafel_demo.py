"""Demo data shows the weegtafel's context and work, and seeding twice adds nothing."""

from __future__ import annotations

from sqlalchemy import select

from casebook.auth.models import User
from casebook.db import db
from casebook.demo.seed import seed
from casebook.signals import services as signals
from casebook.signals.context import known_context
from casebook.signals.demo import seed_weegtafel
from casebook.signals.models import InformationRequest


def test_demo_has_an_assigned_a_waiting_and_a_known_signal(app):
    seed("demo-password-for-tests")
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    items = signals.queue(coordinator)
    queued = [item.signal for item in items]
    assert any(s.assigned_to_id == coordinator.id for s in queued)
    assert any(s.is_waiting for s in queued)
    context = known_context(coordinator, queued)
    assert any(k.cases for per_signal in context.values() for k in per_signal.values())
    requests = list(db.session.scalars(select(InformationRequest)))
    assert sorted(r.is_open for r in requests) == [False, True]
    assert any(r.answer and "schuldhulp" in r.answer for r in requests)
    assert seed_weegtafel() == {}
