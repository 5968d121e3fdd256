"""A casusoverleg prepared for the preparation, API and report tests.

The ZVH organises; the police and a wijkteam are invited. Two cases on the agenda: ``shared`` (ZVH-led,
the police taking part) with a summary, a flag, a goal and an open action; ``private`` (ZVH only) with
a decision. The police read the shared case in full and do not see the private one; the wijkteam sees
neither; a ZVH supervisor sees both cases' phase and flags but none of their content.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from casebook.auth.models import Role, User
from casebook.cases import dossier_changes
from casebook.cases.models import Case, Involvement
from casebook.casework import local_today
from casebook.db import db
from casebook.meetings import services as meetings
from casebook.meetings.details import MeetingDetails
from casebook.meetings.models import Meeting
from casebook.organisations.models import OrganisationKind
from tests.factories import make_action, make_case, make_goal, make_org, make_user

SUMMARY = "Schulden en overlast bij het gezin"
GOAL = "Schoolgang van de zoon herstellen"
OPEN_ACTION = "Huisbezoek met de wijkagent"
PRIVATE_DECISION = "Geheim besluit over de tweede casus"


@dataclass
class Setting:
    ids: dict[str, int]

    def user(self, name: str) -> User:
        return db.session.get(User, self.ids[name])

    def case(self, name: str) -> Case:
        return db.session.get(Case, self.ids[name])

    def meeting(self, name: str = "past") -> Meeting:
        return db.session.get(Meeting, self.ids[name])


def prepared(past_days: int = 1) -> Setting:
    today = local_today()
    zvh = make_org("mt-zvh", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")
    police = make_org("mt-politie", kind=OrganisationKind.POLICE, name="Politie Dordrecht")
    west = make_org("mt-west", kind=OrganisationKind.WIJKTEAM, name="Wijkteam West")
    chair = make_user("mt.chair", org=zvh, roles=[Role.COORDINATOR])
    chair.display_name = "Anna Voorzitter"
    minutes = make_user("mt.minutes", org=zvh, roles=[Role.CASEWORKER])
    minutes.display_name = "Bram Notulist"
    officer = make_user("mt.officer", org=police, roles=[Role.CASEWORKER])
    officer.display_name = "Carla Agent"
    police_coordinator = make_user("mt.police.coordinator", org=police, roles=[Role.COORDINATOR])
    west_worker = make_user("mt.west", org=west, roles=[Role.CASEWORKER])
    supervisor = make_user("mt.supervisor", org=zvh, roles=[Role.SUPERVISOR])
    shared = make_case(lead=zvh, participants=[(police, Involvement.CONTRIBUTOR)])
    private = make_case(lead=zvh)
    dossier_changes.update_summary(
        shared,
        dossier_changes.SummaryEdit(problem_analysis=SUMMARY, help_request="Hulp bij schulden."),
        by=chair,
        expected_version=shared.version,
    )
    dossier_changes.set_flags(shared, ["wapenbezit"], by=chair, expected_version=shared.version)
    goal = make_goal(shared, chair, text=GOAL)
    make_action(shared, chair, today + timedelta(days=10), goal=goal, description=OPEN_ACTION, today=today)
    held_on = today - timedelta(days=past_days)
    details = MeetingDetails(location="Zaal 2, Spuiboulevard", chair=chair, minute_taker=minutes, persons=(officer,))
    past = meetings.schedule_meeting(
        by=chair,
        title="Casusoverleg Centrum",
        held_on=held_on,
        organisations=[police, west],
        details=details,
        today=held_on,
    )
    meetings.add_to_agenda(past, by=chair, reference=shared.reference)
    item = meetings.add_to_agenda(past, by=chair, reference=private.reference)
    meetings.record_decision(item, by=chair, decision=PRIVATE_DECISION, expected_version=0, today=today)
    coming = meetings.schedule_meeting(
        by=chair,
        title="Casusoverleg Komend",
        held_on=today + timedelta(days=7),
        organisations=[police],
        details=MeetingDetails(chair=chair),
        today=today,
    )
    db.session.flush()
    users = {
        "chair": chair,
        "minutes": minutes,
        "officer": officer,
        "police_coordinator": police_coordinator,
        "west": west_worker,
        "supervisor": supervisor,
    }
    ids = {name: u.id for name, u in users.items()}
    ids.update(
        shared=shared.id,
        private=private.id,
        past=past.id,
        coming=coming.id,
        police_org=police.id,
        west_org=west.id,
        zvh_org=zvh.id,
    )
    return Setting(ids)


def upcoming(days: int = 7) -> date:
    return local_today() + timedelta(days=days)
