"""The deadline is reminded: privacy officers get a notice when it nears and when it has passed,
once each, again after an extension moves it; nobody else gets one."""

from __future__ import annotations

from datetime import date, timedelta

from casebook.db import db
from casebook.notifications import reminders
from casebook.notifications.models import Notification
from casebook.notifications.services import describe
from casebook.subject_requests import services
from casebook.subject_requests.models import RequestKind
from tests.subject_requests.conftest import BSN

TODAY = date.today()


def _notices(user):
    return list(db.session.query(Notification).filter_by(recipient_id=user.id, kind="subject_request"))


def test_the_deadline_is_reminded_to_privacy_officers_only(app, world):
    request = services.register(
        world.officer, services.NewRequest(kind=RequestKind.ACCESS, received_on=TODAY - timedelta(days=25), bsn=BSN)
    )
    assert 0 <= services.days_left(request) <= app.config["SUBJECT_REQUEST_REMINDER_DAYS"]
    reminders.create_due(TODAY)
    reminders.create_due(TODAY)  # idempotent
    assert [n.event for n in _notices(world.officer)] == ["due"]
    assert _notices(world.coordinator) == [] and _notices(world.supervisor) == []
    reminders.create_due(request.due_on + timedelta(days=1))
    assert [n.event for n in _notices(world.officer)] == ["due", "overdue"]
    with app.test_request_context():  # last: its end removes the session
        shown = describe(world.officer, _notices(world.officer))
        assert shown[0].reference == request.reference
        assert shown[0].url.endswith(f"/subject-requests/{request.id}")


def test_an_extended_deadline_is_not_reminded_until_it_nears(world):
    request = services.register(
        world.officer, services.NewRequest(kind=RequestKind.ACCESS, received_on=TODAY - timedelta(days=25), bsn=BSN)
    )
    services.extend(world.officer, request, reason="Veel partners")
    reminders.create_due(TODAY)
    assert _notices(world.officer) == []
    reminders.create_due(request.extended_due_on - timedelta(days=2))
    assert [n.event for n in _notices(world.officer)] == ["due"]


def test_a_far_deadline_or_a_closed_request_is_not_reminded(world):
    request = services.register(world.officer, services.NewRequest(kind=RequestKind.ACCESS, received_on=TODAY, bsn=BSN))
    reminders.create_due(TODAY)
    assert _notices(world.officer) == []
    services.complete(world.officer, request, outcome="Klaar")
    reminders.create_due(request.due_on + timedelta(days=1))
    assert _notices(world.officer) == []
