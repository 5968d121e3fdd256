"""Demo casusoverleg preparation: the demo's two meetings get a time, a location, a chair, a minute-taker
and invited persons; the coming one gets a case put on it from the case (agenderen), the past one its
attendance. Written through the services (same rules, same audit trail); deterministic and idempotent:
nothing changes once a demo meeting has a chair.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import select

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.meetings import preparation
from casebook.meetings.details import MeetingDetails
from casebook.meetings.models import Meeting

LOCATION = "Zorg- en Veiligheidshuis Dordrecht, zaal Merwede"
INVITED = ("politie.caseworker", "wijkteam-west.coordinator")


def seed_meeting_preparation() -> dict[str, int]:
    users = {u.username: u for u in db.session.scalars(select(User).where(User.username.like("%.%")))}
    chair, minute_taker = users.get("zvh.coordinator"), users.get("zvh.caseworker")
    if chair is None or minute_taker is None:
        return {"meetings prepared": 0}
    demo = list(db.session.scalars(select(Meeting).where(Meeting.organiser_id == chair.id).order_by(Meeting.held_on)))
    if not demo or any(m.chair_id is not None for m in demo):
        return {"meetings prepared": 0}
    today = local_today()
    for meeting in demo:
        invited_orgs = {i.organisation_id for i in meeting.invitations}
        persons = tuple(
            users[name] for name in INVITED if name in users and users[name].organisation_id in invited_orgs
        )
        details = MeetingDetails(
            starts_at=time(9, 30),
            ends_at=time(11, 30),
            location=LOCATION,
            chair=chair,
            minute_taker=minute_taker,
            persons=persons,
        )
        preparation.update_meeting(
            meeting,
            by=chair,
            expected_version=meeting.version,
            title=meeting.title,
            held_on=meeting.held_on,
            organisations=[i.organisation for i in meeting.invitations],
            details=details,
            today=today,
        )
        if meeting.held_on < today:
            present = [i.organisation for i in meeting.invitations if i.organisation.slug != "wijkteam-west"]
            preparation.record_attendance(
                meeting,
                by=chair,
                expected_version=meeting.version,
                organisations=present,
                persons=[chair, minute_taker, *(p for p in persons if p.organisation in present)],
                today=today,
            )
        else:
            _put_a_case_on(meeting, chair)
    return {"meetings prepared": len(demo)}


def _put_a_case_on(meeting: Meeting, chair: User) -> None:
    """Agenderen from the case page: the first open case the chair may put on this meeting."""
    cases = db.session.scalars(select(Case).where(Case.closed_at.is_(None)).order_by(Case.id).limit(60))
    for case in cases:
        if meeting in preparation.meetings_open_for(chair, case):
            preparation.put_on_agenda(case, meeting, by=chair)
            return
