"""The reminders the periodic run finds: actions and evaluations due, handoffs, agenda items, closures.

Every kind — also the event-like ones (a handoff to decide, an agenda item added, a closure proposed)
— is found here from the state of the data, not created by a hook in the module where the event
happens: the other modules stay unaware of notifications, recipients are chosen by the policy in one
place, and a reminder is only made for what is *still* pending when the run comes (a handoff decided
within minutes makes no noise). The price is the timer's interval; the README schedules it every
15 minutes. The dedupe keys make each reminder once (an action's key holds its due date, so a new
date reminds again; a closure's key holds the proposal's moment, so a second proposal does too).

Recipients are users who may act on the object now (``can``); inactive users get nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from casebook.access import Action, can
from casebook.access.rules import handoffs as handoff_rules
from casebook.access.rules.closure import deciding_organisation_id
from casebook.auth.models import Role, User, UserRole
from casebook.cases.models import Case
from casebook.casework import local_today
from casebook.db import db, utcnow
from casebook.notifications.models import Notification
from casebook.notifications.services import Notice, create

# what the policy reads of a case (``can`` asks its participants) and whom a reminder names, loaded
# with the candidates in one statement each rather than one per case
CASE_LOADING = (selectinload(Case.process_coordinator), selectinload(Case.participants))


def due_days() -> int:
    """``REMINDER_DUE_DAYS``: how many days ahead an action or evaluation counts as due (default 3)."""
    value = int(current_app.config["REMINDER_DUE_DAYS"])
    return max(value, 0)


def lookback_days() -> int:
    """``REMINDER_LOOKBACK_DAYS``: how long past its date an action or evaluation is still looked at.

    Runs come every few minutes, so anything overdue was reminded of long before this; the window
    keeps each run's work bounded however many old overdue actions a municipality accumulates (the
    range is on the indexes ``(status, due_on)`` and ``next_evaluation_on``). Default 30 days.
    """
    value = int(current_app.config["REMINDER_LOOKBACK_DAYS"])
    return max(value, 1)


def create_due(today: date | None = None) -> list[Notification]:
    """Create every reminder that is due and not created before. Idempotent; flushes."""
    today = today or local_today()
    notices: list[Notice] = [
        *_actions(today),
        *_evaluations(today),
        *_handoffs(),
        *_requests(),
        *_agenda_items(today),
        *_closures(),
        *_subject_requests(today),
    ]
    return create(notices)


def _live(user: User | None) -> bool:
    return user is not None and user.active


def _stage(due_on: date, today: date) -> str:
    return "overdue" if due_on < today else "due"


def _case_managers(case_ids: Iterable[int]) -> dict[int, User]:
    from casebook.plans.models import CasePlan

    ids = sorted(set(case_ids))
    if not ids:
        return {}
    rows = db.session.scalars(select(CasePlan).where(CasePlan.case_id.in_(ids), CasePlan.case_manager_id.is_not(None)))
    return {plan.case_id: plan.case_manager for plan in rows if plan.case_manager is not None}


def _actions(today: date) -> Iterator[Notice]:
    """Open actions due within N days or overdue → their owner; unassigned → the case's casusregisseur
    if of the owning organisation, else its procesregisseur if of the owning organisation (they assign
    the work there). Only while the recipient may see the case."""
    from casebook.plans.models import OPEN_STATUSES, PlanAction

    actions = list(
        db.session.scalars(
            select(PlanAction)
            .join(Case, Case.id == PlanAction.case_id)
            .where(
                Case.closed_at.is_(None),
                PlanAction.status.in_(OPEN_STATUSES),
                PlanAction.due_on.between(today - timedelta(days=lookback_days()), today + timedelta(days=due_days())),
            )
            .options(selectinload(PlanAction.case).options(*CASE_LOADING))
        )
    )
    managers = _case_managers(a.case_id for a in actions if a.owner_user_id is None)
    for action in actions:
        recipient = action.owner_user
        if recipient is None:
            candidates = (managers.get(action.case_id), action.case.process_coordinator)
            recipient = next(
                (u for u in candidates if u is not None and u.organisation_id == action.owner_organisation_id), None
            )
        if not _live(recipient) or not can(recipient, Action.VIEW_CASE, action.case):
            continue
        stage = _stage(action.due_on, today)
        yield Notice(
            recipient_id=recipient.id,
            kind="action",
            event=stage,
            dedupe_key=f"action:{action.id}:{action.due_on.isoformat()}:{stage}",
            case_id=action.case_id,
            object_type="plan_action",
            object_id=action.id,
        )


def _regisseurs(case: Case, managers: dict[int, User]) -> list[User]:
    people = [case.process_coordinator, managers.get(case.id)]
    return [u for u in people if _live(u) and can(u, Action.VIEW_CASE, case)]


def _evaluations(today: date) -> Iterator[Notice]:
    """Open cases whose evaluation is due within N days or past → procesregisseur and casusregisseur."""
    cases = list(
        db.session.scalars(
            select(Case)
            .where(
                Case.next_evaluation_on.between(
                    today - timedelta(days=lookback_days()), today + timedelta(days=due_days())
                ),
                Case.closed_at.is_(None),
            )
            .options(*CASE_LOADING)
        )
    )
    managers = _case_managers(c.id for c in cases)
    for case in cases:
        stage = _stage(case.next_evaluation_on, today)
        for user in _regisseurs(case, managers):
            yield Notice(
                recipient_id=user.id,
                kind="evaluation",
                event=stage,
                dedupe_key=f"evaluation:{case.id}:{case.next_evaluation_on.isoformat()}:{stage}",
                case_id=case.id,
                object_type="case",
                object_id=case.id,
            )


def _users_with_role(organisation_ids: Iterable[int], role: Role) -> dict[int, list[User]]:
    ids = sorted(set(organisation_ids))
    if not ids:
        return {}
    users = db.session.scalars(
        select(User).where(
            User.organisation_id.in_(ids), User.active.is_(True), User.role_rows.any(UserRole.role == role)
        )
    )
    found: dict[int, list[User]] = {}
    for user in users:
        found.setdefault(user.organisation_id, []).append(user)
    return found


def _handoffs() -> Iterator[Notice]:
    """Pending handoffs → the receiving organisation's coordinators who may decide them."""
    from casebook.handoffs.models import Handoff

    now = utcnow()
    pending = list(
        db.session.scalars(
            select(Handoff).where(handoff_rules.live_pending_clause(Handoff.status, Handoff.expires_at, now))
        )
    )
    deciders = _users_with_role((h.receiver_organisation_id for h in pending), Role.COORDINATOR)
    for handoff in pending:
        for user in deciders.get(handoff.receiver_organisation_id, []):
            if can(user, Action.DECIDE_HANDOFF, handoff):
                yield Notice(
                    user.id, "handoff", "to_decide", f"handoff:{handoff.id}", handoff.case_id, "handoff", handoff.id
                )


def _requests() -> Iterator[Notice]:
    """Pending requests for a case → the lead organisation's coordinators who may answer them."""
    from casebook.handoffs.models import TransferRequest

    now = utcnow()
    pending = list(
        db.session.scalars(
            select(TransferRequest).where(
                handoff_rules.live_pending_clause(TransferRequest.status, TransferRequest.expires_at, now)
            )
        )
    )
    deciders = _users_with_role((r.lead_organisation_id for r in pending), Role.COORDINATOR)
    for asked in pending:
        for user in deciders.get(asked.lead_organisation_id, []):
            if can(user, Action.ANSWER_TRANSFER_REQUEST, asked):
                yield Notice(
                    user.id,
                    "handoff",
                    "request_to_decide",
                    f"request:{asked.id}",
                    asked.case_id,
                    "transfer_request",
                    asked.id,
                )


def _agenda_items(today: date) -> Iterator[Notice]:
    """Cases on the agenda of a meeting still to come → their procesregisseur and casusregisseur,
    except whoever put them there."""
    from casebook.meetings.models import AgendaItem, Meeting

    items = list(
        db.session.scalars(
            select(AgendaItem)
            .join(Meeting, Meeting.id == AgendaItem.meeting_id)
            .where(Meeting.held_on >= today, AgendaItem.decided_at.is_(None))
            .options(selectinload(AgendaItem.case).options(*CASE_LOADING))
        )
    )
    managers = _case_managers(i.case_id for i in items)
    for item in items:
        if item.case.closed_at is not None:
            continue
        for user in _regisseurs(item.case, managers):
            if user.id != item.added_by_id:
                yield Notice(
                    user.id, "agenda", "added", f"agenda:{item.id}", item.case_id, "meeting_agenda_item", item.id
                )


def _closures() -> Iterator[Notice]:
    """Proposed closures → the supervisors the policy lets approve them (of the deciding organisation:
    the lead's, or the fallback fixed with the proposal, ``access.rules.closure``)."""
    cases = list(
        db.session.scalars(
            select(Case).where(Case.closure_proposed_at.is_not(None)).options(selectinload(Case.participants))
        )
    )
    supervisors = _users_with_role((deciding_organisation_id(c) for c in cases), Role.SUPERVISOR)
    for case in cases:
        stamp = case.closure_proposed_at.strftime("%Y%m%dT%H%M%S")
        for user in supervisors.get(deciding_organisation_id(case), []):
            if can(user, Action.APPROVE_CLOSURE, case):
                yield Notice(user.id, "closure", "to_approve", f"closure:{case.id}:{stamp}", case.id, "case", case.id)


def subject_request_reminder_days() -> int:
    """``SUBJECT_REQUEST_REMINDER_DAYS``: how many days before its deadline a request is reminded of."""
    return max(int(current_app.config["SUBJECT_REQUEST_REMINDER_DAYS"]), 0)


def _subject_requests(today: date) -> Iterator[Notice]:
    """Open requests of persons concerned whose deadline is near or past → the privacy officers.

    The key holds the deadline and the stage: a reminder when it nears, one when it has passed, and
    again after an extension moves it.
    """
    from sqlalchemy import func

    from casebook.subject_requests.models import RequestStatus, SubjectRequest

    deadline = func.coalesce(SubjectRequest.extended_due_on, SubjectRequest.due_on)
    near = list(
        db.session.scalars(
            select(SubjectRequest).where(
                SubjectRequest.status == RequestStatus.OPEN,
                deadline <= today + timedelta(days=subject_request_reminder_days()),
            )
        )
    )
    if not near:
        return
    officers = list(
        db.session.scalars(
            select(User).where(User.active.is_(True), User.role_rows.any(UserRole.role == Role.PRIVACY_OFFICER))
        )
    )
    for request in near:
        stage = _stage(request.deadline, today)
        for user in officers:
            if can(user, Action.MANAGE_SUBJECT_REQUESTS, request):
                yield Notice(
                    user.id,
                    "subject_request",
                    stage,
                    f"subject_request:{request.id}:{request.deadline.isoformat()}:{stage}",
                    None,
                    "subject_request",
                    request.id,
                )
