"""Casusoverleg rules. Every read and change is audited.

- Scheduling and running a meeting (agenda, decisions, actions) is for coordinators
  (``MANAGE_MEETINGS``) of the organising organisation.
- A meeting is visible to users of the organising and the invited organisations. Within it, a
  viewer sees only the agenda items of cases they may see (``VIEW_CASE``): nothing else about
  the other items, not even how many there are.
- Only cases the scheduler may see go on the agenda; a decision or an action on an item needs
  ``EDIT_PLAN`` on its case and a meeting that has taken place (today or earlier).

- The decision on an item is case content (``Action.READ_AGENDA_DECISION``, which needs
  ``READ_CASE_CONTENT`` on its case): supervisors see that a case was discussed, not what was decided.

Who may see and run what is the policy's (``casebook.access.rules.meetings``); the SQL scope of
the meeting list is its clause composed with this module's columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from casebook import audit
from casebook.access import Action, can, deny, load_or_404, require_audited
from casebook.access.rules.meetings import agenda_scope, meeting_visibility
from casebook.access.scope import CASE_ROLES
from casebook.auth.models import User, UserRole
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db, utcnow
from casebook.errors import Conflict
from casebook.meetings.details import MeetingDetails, MeetingRefused, apply_details, check_details, describe
from casebook.meetings.models import AgendaItem, Meeting, MeetingAttendee, MeetingInvitation
from casebook.organisations.models import Organisation
from casebook.plans import services as plans
from casebook.plans.models import PlanAction

MAX_DECISION_LENGTH = 8_000


__all__ = ["MeetingRefused"]  # raised here, defined with the details' rules


def meeting_scope(user: User) -> ColumnElement[bool]:
    """Meetings the user may see, in SQL: the policy's clause over this module's columns."""
    return meeting_visibility(
        user,
        Meeting.organiser_organisation_id,
        MeetingInvitation.organisation_id,
        MeetingInvitation.meeting_id == Meeting.id,
    )


def can_manage(user: User, meeting: Meeting) -> bool:
    return can(user, Action.MANAGE_MEETINGS, meeting)


def require_manage(user: User, meeting: Meeting, action: str) -> None:
    if not can_manage(user, meeting):
        raise deny(user, action, meeting, requested_id=meeting.id)


# -- reading -----------------------------------------------------------------------------------


def meetings_for(user: User, *, today: date | None = None) -> tuple[list[Meeting], list[Meeting]]:
    """(upcoming soonest first, past most recent first) meetings the user may see. Audited."""
    if not can(user, Action.LIST_MEETINGS):
        raise deny(user, Action.LIST_MEETINGS, requested_id="list")
    today = today or local_today()
    base = select(Meeting).where(meeting_scope(user)).options(selectinload(Meeting.invitations))
    upcoming = list(db.session.scalars(base.where(Meeting.held_on >= today).order_by(Meeting.held_on, Meeting.id)))
    past = list(
        db.session.scalars(base.where(Meeting.held_on < today).order_by(Meeting.held_on.desc(), Meeting.id).limit(50))
    )
    audit.record(user, "meeting.list", details={"upcoming": len(upcoming), "past": len(past)})
    return upcoming, past


def load_meeting(user: User, meeting_id: int) -> Meeting:
    """A meeting in the user's scope (``Action.VIEW_MEETING``), or an audited 404. Records no read:
    the caller's view does."""
    options = (
        selectinload(Meeting.invitations),
        selectinload(Meeting.attendees).joinedload(MeetingAttendee.user).joinedload(User.organisation),
        joinedload(Meeting.chair),
        joinedload(Meeting.minute_taker),
    )
    return load_or_404(user, Meeting, meeting_id, Action.VIEW_MEETING, options=options, audit_read=False)


def visible_items(user: User, meeting: Meeting) -> list[AgendaItem]:
    """The agenda items whose case the user may see (``Action.VIEW_AGENDA_ITEM``); the others are
    simply absent."""
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.meeting_id == meeting.id)
        .options(selectinload(AgendaItem.case).selectinload(Case.participants), selectinload(AgendaItem.actions))
        .order_by(AgendaItem.position, AgendaItem.id)
    )
    return [item for item in items if can(user, Action.VIEW_AGENDA_ITEM, item)]


def read_item(user: User, item: AgendaItem) -> None:
    """Audit reading one agenda item (its decision and actions)."""
    audit.record(user, "meeting.item.view", item, details={"meeting": item.meeting_id})


def minutes(user: User, meeting: Meeting) -> list[AgendaItem]:
    """The minutes as this user may read them. Audited as ``meeting.view`` (with the cases shown)."""
    items = visible_items(user, meeting)
    audit.record(user, "meeting.view", meeting, details={"cases": [i.case_id for i in items]})
    return items


@dataclass(frozen=True)
class CaseAgendaItem:
    """A placement of a case on an agenda as a viewer of the case may see it: the meeting is linked
    only for who may see it, the decision given only to who may read it (case content)."""

    item: AgendaItem
    meeting_visible: bool
    decision: str | None


def case_agenda(user: User, case: Case) -> list[CaseAgendaItem]:
    """Every placement of ``case`` on an agenda, for its page's timeline. One statement: the items,
    their meetings and who is invited (the meeting rule asks), the decider's name. Audited as
    ``meeting.item.list`` when a decision is handed out. :raises Refused: (audited)"""
    require_audited(user, Action.VIEW_CASE, case)
    items = db.session.scalars(
        select(AgendaItem)
        .where(AgendaItem.case_id == case.id)
        .options(
            joinedload(AgendaItem.meeting).joinedload(Meeting.invitations),
            joinedload(AgendaItem.decided_by).lazyload(User.role_rows),
        )
        .order_by(AgendaItem.id)
    ).unique()
    shown = []
    for item in items:
        readable = item.decided_at is not None and can(user, Action.READ_AGENDA_DECISION, item)
        shown.append(
            CaseAgendaItem(
                item=item,
                meeting_visible=can(user, Action.VIEW_MEETING, item.meeting),
                decision=item.decision if readable else None,
            )
        )
    decisions = sum(1 for entry in shown if entry.decision is not None)
    if decisions:
        audit.record(user, "meeting.item.list", case, details={"items": len(shown), "decisions": decisions})
    return shown


def load_item(user: User, meeting: Meeting, item_id: int) -> AgendaItem:
    """An agenda item of ``meeting`` whose case the user may see, or an audited 404."""
    item = load_or_404(user, AgendaItem, item_id, Action.VIEW_AGENDA_ITEM, audit_read=False)
    if item.meeting_id != meeting.id:
        raise deny(user, Action.VIEW_AGENDA_ITEM, item, requested_id=item_id)
    return item


def inviteable_organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name)))


def inviteable_persons(limit: int = 1000) -> list[User]:
    """Active users with a case role in active organisations: who may be invited, chair or take minutes."""
    with_case_role = select(UserRole.user_id).where(UserRole.role.in_(CASE_ROLES))
    return list(
        db.session.scalars(
            select(User)
            .join(Organisation, Organisation.id == User.organisation_id)
            .where(User.active, Organisation.active, User.id.in_(with_case_role))
            .order_by(Organisation.name, User.display_name, User.id)
            .limit(limit)
        )
    )


def agenda_candidates(user: User, meeting: Meeting, limit: int = 500) -> list[Case]:
    """Open cases the scheduler may see that are not on the agenda yet (for the picker)."""
    on_agenda = select(AgendaItem.case_id).where(AgendaItem.meeting_id == meeting.id)
    return list(
        db.session.scalars(
            select(Case)
            .where(agenda_scope(user), Case.closed_at.is_(None), Case.id.not_in(on_agenda))
            .order_by(Case.reference)
            .limit(limit)
        )
    )


# -- changing ----------------------------------------------------------------------------------


def schedule_meeting(
    *,
    by: User,
    title: str,
    held_on: date | None,
    organisations: Iterable[Organisation],
    details: MeetingDetails | None = None,
    today: date | None = None,
) -> Meeting:
    """Schedule a casusoverleg; the organiser's organisation is always invited. ``details``: time,
    location, chair, minute-taker and invited persons (``casebook.meetings.details``).

    :raises AccessDenied: not a coordinator (audited). :raises MeetingRefused:
    """
    if not can(by, Action.MANAGE_MEETINGS):
        raise deny(by, Action.MANAGE_MEETINGS, requested_id="new")
    today = today or local_today()
    title = (title or "").strip()
    if not title:
        raise MeetingRefused("Geef het overleg een naam.", "title")
    if len(title) > 200:
        raise MeetingRefused("Ten hoogste 200 tekens.", "title")
    if held_on is None:
        raise MeetingRefused("Vul de datum in.", "held_on")
    if held_on < today:
        raise MeetingRefused("De datum ligt in het verleden.", "held_on")
    invited = {o.id: o for o in organisations if o.active}
    invited.setdefault(by.organisation_id, by.organisation)
    checked = check_details(details or MeetingDetails(), invited)
    meeting = Meeting(title=title, held_on=held_on, organiser=by, organiser_organisation_id=by.organisation_id)
    for organisation in sorted(invited.values(), key=lambda o: o.name):
        meeting.invitations.append(MeetingInvitation(organisation=organisation))
    apply_details(meeting, checked)
    db.session.add(meeting)
    db.session.flush()
    audit.record(
        by,
        "meeting.create",
        meeting,
        details={
            "held_on": held_on.isoformat(),
            "organisations": sorted(o.slug for o in invited.values()),
            **describe(meeting),
        },
    )
    return meeting


def add_to_agenda(meeting: Meeting, *, by: User, reference: str) -> AgendaItem:
    """Put a case (by its reference) on the agenda; only a case the scheduler may see.

    An unknown reference and a case out of scope get the same refusal (no existence leak);
    the latter is audited as a denial.
    """
    require_manage(by, meeting, "meeting.agenda.add")
    reference = (reference or "").strip().upper()
    case = db.session.scalar(select(Case).where(Case.reference == reference)) if reference else None
    if case is None or not can(by, Action.PLACE_ON_AGENDA, case):
        if case is not None:
            deny(by, Action.PLACE_ON_AGENDA, case, requested_id=case.id)
        raise MeetingRefused("Geen casus met dit kenmerk gevonden waartoe u toegang heeft.", "reference")
    return place(meeting, case, by=by, field="reference")


def place(meeting: Meeting, case: Case, *, by: User, field: str, via: str = "meeting") -> AgendaItem:
    """Add ``case`` at the end of the agenda; the caller has checked both may be combined by ``by``
    (``PLACE_ON_AGENDA`` on the case, ``MANAGE_MEETINGS`` on the meeting). :raises MeetingRefused:"""
    require_open(case)
    if any(item.case_id == case.id for item in meeting.items):
        raise MeetingRefused("Deze casus staat al op de agenda.", field)
    position = (
        db.session.scalar(select(func.max(AgendaItem.position)).where(AgendaItem.meeting_id == meeting.id)) or 0
    ) + 1
    # decision_ciphertext is set explicitly: EncryptedText can only flag a later change of a column that
    # is present in the object's state (an unset column on a freshly inserted row is not).
    item = AgendaItem(meeting=meeting, case=case, position=position, added_by_id=by.id, decision_ciphertext=None)
    db.session.add(item)
    db.session.flush()
    audit.record(by, "meeting.agenda.add", item, details={"meeting": meeting.id, "via": via})
    return item


def remove_from_agenda(item: AgendaItem, *, by: User) -> None:
    """Take an item off the agenda while nothing was recorded on it. :raises MeetingRefused:"""
    require_manage(by, item.meeting, "meeting.agenda.remove")
    if item.decided_at is not None or item.actions:
        raise MeetingRefused("Er is al een besluit of actie vastgelegd; het punt blijft in het verslag.")
    audit.record(by, "meeting.agenda.remove", item, details={"meeting": item.meeting_id})
    db.session.delete(item)
    db.session.flush()


def _require_running(item: AgendaItem, by: User, action: str, today: date | None) -> None:
    require_manage(by, item.meeting, action)
    require_audited(by, Action.EDIT_PLAN, item.case)
    require_open(item.case)
    if item.meeting.held_on > (today or local_today()):
        raise MeetingRefused("Het overleg heeft nog niet plaatsgevonden.")


class StaleDecision(Conflict):
    """The decision was recorded or amended after the form was loaded: nothing was written."""

    def __init__(self, item: AgendaItem) -> None:
        super().__init__(f"decision changed; now at version {item.decision_version}")
        self.current_version = item.decision_version
        self.item = item


def record_decision(
    item: AgendaItem, *, by: User, decision: str, expected_version: int | None, today: date | None = None
) -> AgendaItem:
    """Record (or amend, audited as such) the decision on one case, from the decision version the
    user saw (``AgendaItem.decision_version``; 0 before the first): never a silent overwrite.

    :raises StaleDecision: recorded or amended since ``expected_version`` (nothing written; the
        claim is one conditional UPDATE, so two parallel amendments cannot both pass).
    :raises MeetingRefused:
    """
    _require_running(item, by, "meeting.decision", today)
    text = (decision or "").replace("\r\n", "\n").strip()
    if not text:
        raise MeetingRefused("Schrijf het besluit.", "decision")
    if len(text) > MAX_DECISION_LENGTH:
        raise MeetingRefused(f"Ten hoogste {MAX_DECISION_LENGTH} tekens.", "decision")
    if expected_version is None or expected_version != item.decision_version:
        raise StaleDecision(item)
    claimed = db.session.execute(
        update(AgendaItem)
        .where(AgendaItem.id == item.id, AgendaItem.decision_version == expected_version)
        .values(decision_version=expected_version + 1)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:  # another amendment won the race between the check and the claim
        db.session.refresh(item)
        raise StaleDecision(item)
    set_committed_value(item, "decision_version", expected_version + 1)
    amended = item.decided_at is not None
    item.decision = text
    item.decided_at = utcnow()
    item.decided_by_id = by.id
    db.session.flush()
    audit.record(
        by,
        "meeting.decision",
        item,
        details={"meeting": item.meeting_id, "amended": amended, "version": item.decision_version},
    )
    return item


def add_meeting_action(item: AgendaItem, *, by: User, today: date | None = None, **action: object) -> PlanAction:
    """Agree an action during the meeting: it lands in the case plan, linked to this item."""
    _require_running(item, by, "meeting.action", today)
    return plans.add_action(item.case, by=by, agenda_item_id=item.id, today=today, **action)  # type: ignore[arg-type]
