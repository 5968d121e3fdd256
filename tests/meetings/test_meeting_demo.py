"""Demo data shows the casusoverleg's preparation: a coming meeting with chair, minute-taker, location,
invitees and agenda items (one put on it from the case), a past one with attendance and a verslag."""

from __future__ import annotations

from sqlalchemy import select

from casebook.auth.models import User
from casebook.casework import local_today
from casebook.db import db
from casebook.demo.seed import seed
from casebook.meetings.demo import LOCATION, seed_meeting_preparation
from casebook.meetings.models import Meeting
from casebook.printing import meeting_report
from tests.helpers import audit_events
from tests.printing.support import all_text, read_pdf


def test_the_demo_prepares_a_coming_meeting_and_records_a_past_one(app):
    seed("demo-password-for-tests")
    today = local_today()
    meetings = list(db.session.scalars(select(Meeting).order_by(Meeting.held_on)))
    past, coming = [m for m in meetings if m.held_on < today], [m for m in meetings if m.held_on >= today]
    assert past and coming
    for meeting in (past[0], coming[0]):
        assert meeting.chair.username == "zvh.coordinator" and meeting.minute_taker.username == "zvh.caseworker"
        assert meeting.location == LOCATION and meeting.starts_at and meeting.ends_at
        assert {p.username for p in meeting.invited_persons} == {"politie.caseworker", "wijkteam-west.coordinator"}
    assert len(coming[0].items) >= 4
    placed = audit_events("meeting.agenda.add")
    assert any(e.details.get("via") == "case" for e in placed)  # agendered from the case
    recorded = past[0]
    assert recorded.attendance_recorded_at is not None
    assert {i.organisation.slug: i.present for i in recorded.invitations}["wijkteam-west"] is False
    assert all(item.decided_at is not None for item in recorded.items)
    coordinator = db.session.scalar(select(User).where(User.username == "zvh.coordinator"))
    with app.test_request_context():
        text = all_text(read_pdf(meeting_report.print_meeting_report(coordinator, recorded).content))
    assert LOCATION in " ".join(text.split()) and "aanwezig" in text
    assert seed_meeting_preparation() == {"meetings prepared": 0}  # seeding again adds nothing
