"""Demo case work: journal notes, plans with (overdue) actions, interventions and two casusoverleggen.

Written through the services, so the demo data obeys the same rules (and leaves the same audit
trail) as real work. Idempotent: nothing is added when any note exists already.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db
from casebook.interventions import services as interventions
from casebook.interventions.models import InterventionKind
from casebook.journal import services as journal
from casebook.journal.models import Note, NoteVisibility
from casebook.meetings import services as meetings
from casebook.organisations.models import Organisation
from casebook.plans import services as plans

NOTES = [
    ("Kennismakingsgesprek met moeder gevoerd. Zij staat open voor hulp bij de schulden.", "shared"),
    ("Wijkagent meldt twee nieuwe overlastmeldingen in de portiek.\nBuren voelen zich niet veilig.", "shared"),
    ("Intern: afstemmen met teamleider over inzet gezinscoach.", "internal"),
]
GOALS = [
    ("finances", "Schulden zijn in beeld en er loopt een schuldhulptraject."),
    ("housing", "Geen overlastmeldingen meer; de huurovereenkomst blijft behouden."),
    ("work", "Dagbesteding: twee dagdelen per week vrijwilligerswerk."),
    ("justice", "Geen nieuwe politiecontacten in de komende zes maanden."),
]
INTERVENTIONS = [
    ("gesprek", 40, "Afspraken vastgelegd in het plan."),
    ("zorgtraject", 30, "Aangemeld bij de GGZ; intake gepland."),
    ("halt", 25, "Halt-afdoening afgerond."),
    ("gebiedsverbod", 12, "Gebiedsverbod van drie maanden voor het winkelcentrum."),
    ("schuldhulpverlening", 8, None),
]


def seed_case_work() -> dict[str, int]:
    if db.session.scalar(select(func.count(Note.id))):
        return {"notes": 0, "goals": 0, "actions": 0, "interventions": 0, "meetings": 0, "case managers": 0}
    users = {u.username: u for u in db.session.scalars(select(User))}
    coordinator, caseworker = users.get("zvh.coordinator"), users.get("zvh.caseworker")
    if coordinator is None or caseworker is None:
        return {"notes": 0, "goals": 0, "actions": 0, "interventions": 0, "meetings": 0, "case managers": 0}
    today = local_today()
    cases = [
        c
        for c in db.session.scalars(select(Case).where(Case.closed_at.is_(None)).order_by(Case.id).limit(40))
        if can(coordinator, Action.EDIT_PLAN, c) and can(caseworker, Action.ADD_NOTE, c)
    ][:8]
    counts = {"notes": 0, "goals": 0, "actions": 0, "interventions": 0, "meetings": 0, "case managers": 0}
    for index, case in enumerate(cases):
        counts["notes"] += _notes(case, caseworker, coordinator, first=index == 0)
        goals, actions = _plan(case, coordinator, today, index)
        counts["goals"] += goals
        counts["actions"] += actions
        counts["interventions"] += _interventions(case, caseworker, today, index)
    if cases:
        counts["meetings"] = _meetings(cases, coordinator, users, today)
        counts["case managers"] = _case_managers(cases, coordinator)
    return counts


# A partner's worker directs the content of the help (casusregisseur) on two cases, so that My work
# has someone who is neither procesregisseur nor named participant and still finds "their" cases.
CASE_MANAGERS = ("wijkteam-west.caseworker", "zvh.caseworker")


def _case_managers(cases: list[Case], coordinator: User) -> int:
    named = 0
    for case in cases:
        candidates = {u.username: u for u in plans.owner_users(case)}
        manager = next((candidates[name] for name in CASE_MANAGERS if name in candidates), None)
        if manager is None or manager.id == case.process_coordinator_id:
            continue
        plans.set_case_manager(case, by=coordinator, manager=manager, expected_version=case.version)
        named += 1
        if named == 2:
            break
    return named


def _notes(case: Case, caseworker: User, coordinator: User, *, first: bool) -> int:
    written = []
    for body, visibility in NOTES:
        written.append(journal.add_note(case, by=caseworker, body=body, visibility=NoteVisibility(visibility)))
    if first:
        journal.correct_note(
            written[0], by=coordinator, body="Correctie: het gesprek was met de vader, niet met de moeder."
        )
        return len(written) + 1
    return len(written)


def _plan(case: Case, coordinator: User, today, index: int) -> tuple[int, int]:
    owners = plans.owner_organisations(case)
    goals = actions = 0
    for offset, (domain, text) in enumerate(GOALS[: 2 + index % 3]):
        goal = plans.add_goal(case, by=coordinator, domain=domain, text=text)
        goals += 1
        owner = owners[(index + offset) % len(owners)]
        # Agreed in the past: the first action of every other case is now overdue.
        agreed = today - timedelta(days=30)
        due = (
            today - timedelta(days=5 + offset)
            if (index % 2 == 0 and offset == 0)
            else today + timedelta(days=14 * (offset + 1))
        )
        action = plans.add_action(
            case,
            by=coordinator,
            goal=goal,
            description=f"Eerste stap: {text[:60].lower()}",
            owner_organisation=owner,
            due_on=due,
            today=min(agreed, due),
        )
        actions += 1
        if offset == 1:
            plans.change_action_status(action, by=coordinator, status="in_progress")
    plans.set_next_evaluation(
        case,
        by=coordinator,
        on=today + timedelta(days=3 if index % 3 == 0 else 42),
        expected_version=case.version,
        today=today,
    )
    return goals, actions


def _interventions(case: Case, caseworker: User, today, index: int) -> int:
    kinds = {k.code: k for k in db.session.scalars(select(InterventionKind))}
    done = 0
    for code, days_ago, outcome in INTERVENTIONS[: 2 + index % 4]:
        interventions.add_intervention(
            case,
            by=caseworker,
            kind=kinds[code],
            occurred_on=today - timedelta(days=days_ago),
            organisation=case.lead_organisation,
            outcome=outcome,
            today=today,
        )
        done += 1
    return done


def _meetings(cases: list[Case], coordinator: User, users: dict[str, User], today) -> int:
    invited = list(db.session.scalars(select(Organisation).where(Organisation.slug.in_(["politie", "wijkteam-west"]))))
    past_day = today - timedelta(days=14)
    past = meetings.schedule_meeting(
        by=coordinator, title="Casusoverleg PGA", held_on=past_day, organisations=invited, today=past_day
    )
    for case in cases[:3]:
        item = meetings.add_to_agenda(past, by=coordinator, reference=case.reference)
        meetings.record_decision(
            item,
            by=coordinator,
            decision="Opschalen naar plan van aanpak; casusregie bij het wijkteam.",
            expected_version=item.decision_version,
            today=today,
        )
        owner = plans.owner_organisations(case)[0]
        meetings.add_meeting_action(
            item,
            by=coordinator,
            description="Terugkoppeling aan betrokkene over het besluit.",
            owner_organisation=owner,
            due_on=today + timedelta(days=7),
            today=today,
        )
    coming = meetings.schedule_meeting(
        by=coordinator,
        title="Casusoverleg PGA",
        held_on=today + timedelta(days=7),
        organisations=invited,
        today=today,
    )
    for case in cases[3:6]:
        meetings.add_to_agenda(coming, by=coordinator, reference=case.reference)
    return 2
