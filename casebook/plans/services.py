"""Plan van aanpak rules, and the tasks derived from it.

- Seeing the plan needs ``VIEW_CASE`` and gives its metadata (counts, casusregisseur, the next
  evaluation); its goals and actions are case content (``READ_CASE_CONTENT``: workers on the case,
  never supervisors). Changing goals, actions and the evaluation date needs
  ``EDIT_PLAN`` (writing participants); naming the casusregisseur is procesregie
  (``MANAGE_PARTICIPANTS``: coordinators of the lead organisation).
- An action's owner is an active participating organisation, optionally a named active user of
  it; its due date is not in the past when it is agreed.
- Tasks are queries: an action is overdue when it is open or in progress and its due date has
  passed; an evaluation is due when ``Case.next_evaluation_on`` is near. Nothing is copied.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import Action, can, case_scope, deny, prime_grants, require_audited
from casebook.auth.models import User
from casebook.cases import participants as participation
from casebook.cases.lifecycle import case_change, check_version, require_open
from casebook.cases.models import Case, CaseFieldChange, Involvement
from casebook.casework import local_today
from casebook.db import db, utcnow
from casebook.errors import Conflict, RuleViolation
from casebook.organisations.models import Organisation
from casebook.plans.models import (
    OPEN_STATUSES,
    ActionChangeKind,
    ActionStatus,
    CasePlan,
    Evaluation,
    GoalStatus,
    LifeDomain,
    PlanAction,
    PlanActionChange,
    PlanGoal,
    PlanGoalChange,
)

MAX_TEXT_LENGTH = 4_000
# One answer for a named owner who is unknown, inactive or of another organisation: the answer must
# not tell a caller which usernames exist anywhere (the API takes a typed username).
OWNER_USER_REFUSED = "Er is geen actieve medewerker met deze gebruikersnaam bij de gekozen organisatie."
EVALUATION_HORIZON_DAYS = 7


class PlanRefused(RuleViolation):
    """The change cannot be made as asked; ``field`` names the form field, the message is Dutch."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class StalePlanItem(Conflict):
    """The goal or action changed after the form was loaded (optimistic locking): nothing was written."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"plan item changed; now at version {current_version}")
        self.current_version = current_version


def check_item_version(item: PlanGoal | PlanAction, expected_version: int | None) -> None:
    """:raises StalePlanItem: ``expected_version`` is given and is not the item's version."""
    if expected_version is not None and expected_version != item.version:
        raise StalePlanItem(item.version)


@contextmanager
def item_change(item: PlanGoal | PlanAction) -> Iterator[None]:
    """Flush the block's changes of ``item`` in a savepoint: a concurrent writer that won the race
    (the row's version moved under us) is a ``StalePlanItem`` and the block's work is undone."""
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except StaleDataError as exc:
        savepoint.rollback()
        db.session.refresh(item)
        raise StalePlanItem(item.version) from exc
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


@dataclass(frozen=True)
class PlanEvent:
    """One moment of the plan's history for the case timeline: a goal set (``"goal"``), an action
    agreed (``"action"``) or an action's status changed (``"status"``). ``text`` is the goal's text or
    the action's description, for readers of content only; the rest is metadata."""

    at: datetime
    kind: str
    anchor: str  # the element on the case page, e.g. "goal-12"
    actor: User | None
    domain: LifeDomain | None = None
    owner_organisation: Organisation | None = None
    to_status: ActionStatus | None = None
    text: str | None = None


@dataclass
class PlanView:
    case: Case
    case_manager: User | None
    goals_by_domain: OrderedDict[LifeDomain, list[PlanGoal]]
    loose_actions: list[PlanAction]  # agreed in a casusoverleg without a goal
    overdue: list[PlanAction]
    today: date
    evaluation_due: bool
    goal_count: int = 0
    open_action_count: int = 0
    overdue_count: int = 0
    domains_without_goal: list[LifeDomain] = field(default_factory=list)
    content: bool = True  # False: metadata only (counts); goals and actions are left out
    history: list[PlanEvent] = field(default_factory=list)  # for the timeline, newest last
    evaluations: list[Evaluation] = field(default_factory=list)  # latest first; content only
    goals_by_id: dict[int, PlanGoal] = field(default_factory=dict)  # for the history of moves


# -- reading -----------------------------------------------------------------------------------


def plan_for(user: User, case: Case, *, today: date | None = None) -> PlanView:
    """The plan of ``case`` with its tasks. Audited as ``plan.view``. :raises AccessDenied:

    A viewer who may see the case but not read its content (a supervisor) gets the counts only:
    the goals and actions themselves are never handed out, so no template can show them.
    """
    require_audited(user, Action.VIEW_CASE, case)
    content = can(user, Action.READ_CASE_CONTENT, case)
    today = today or local_today()
    # Two statements whatever the size of the plan: the actions with their status changes, and the
    # goals (given their actions from the first read) with the plan's case manager, anchored on the
    # case so that the plan row comes along when there are no goals. Names are joined in; the roles
    # of the people named are not needed to show them.
    actions = list(
        db.session.scalars(
            select(PlanAction)
            .where(PlanAction.case_id == case.id)
            .options(
                joinedload(PlanAction.created_by).lazyload(User.role_rows),
                joinedload(PlanAction.owner_user).lazyload(User.role_rows),
                joinedload(PlanAction.changes).joinedload(PlanActionChange.changed_by).lazyload(User.role_rows),
            )
            .order_by(PlanAction.due_on, PlanAction.id)
        ).unique()
    )
    rows = (
        db.session.execute(
            select(CasePlan, PlanGoal)
            .select_from(Case)
            .outerjoin(CasePlan, CasePlan.case_id == Case.id)  # at most one per case
            .outerjoin(PlanGoal, PlanGoal.case_id == Case.id)
            .where(Case.id == case.id)
            .options(
                joinedload(CasePlan.case_manager).lazyload(User.role_rows),
                joinedload(PlanGoal.created_by).lazyload(User.role_rows),
                joinedload(PlanGoal.changes).joinedload(PlanGoalChange.changed_by).lazyload(User.role_rows),
            )
            .order_by(PlanGoal.created_at, PlanGoal.id)
        )
        .unique()
        .all()
    )
    plan = rows[0][0] if rows else None
    goals = [goal for _plan, goal in rows if goal is not None]
    for goal in goals:  # the relationship's own order: (due_on, id), as ``actions`` was read
        set_committed_value(goal, "actions", [a for a in actions if a.goal_id == goal.id])
    by_domain: OrderedDict[LifeDomain, list[PlanGoal]] = OrderedDict((d, []) for d in LifeDomain)
    for goal in goals:
        by_domain[goal.domain].append(goal)
    overdue = [a for a in actions if a.is_overdue(today)]
    evaluations = evaluations_of(case) if content else []
    view = PlanView(
        case=case,
        case_manager=plan.case_manager if plan else None,
        goals_by_domain=OrderedDict((d, g) for d, g in by_domain.items() if g) if content else OrderedDict(),
        loose_actions=[a for a in actions if a.goal_id is None] if content else [],
        overdue=overdue if content else [],
        today=today,
        evaluation_due=evaluation_due(case, today),
        goal_count=len(goals),
        open_action_count=sum(1 for a in actions if a.is_open),
        overdue_count=len(overdue),
        domains_without_goal=[d for d, g in by_domain.items() if not g],
        content=content,
        history=_history(goals, actions, content, evaluations),
        evaluations=evaluations,
        goals_by_id={goal.id: goal for goal in goals} if content else {},
    )
    audit.record(
        user,
        "plan.view",
        case,
        details={
            "goals": len(goals),
            "actions": len(actions),
            "evaluations": len(view.evaluations),
            "content": content,
        },
    )
    return view


def evaluations_of(case: Case) -> list[Evaluation]:
    """The case's evaluations, latest first, with their goals and participants (one statement).
    For ``plan_for`` and the API, which check the policy and audit the read with the plan."""
    return list(
        db.session.scalars(
            select(Evaluation)
            .where(Evaluation.case_id == case.id)
            .options(
                joinedload(Evaluation.goals),
                joinedload(Evaluation.participants),
                joinedload(Evaluation.recorded_by).lazyload(User.role_rows),
            )
            .order_by(Evaluation.held_on.desc(), Evaluation.id.desc())
        ).unique()
    )


def evaluation_due(case: Case, today: date, within_days: int = EVALUATION_HORIZON_DAYS) -> bool:
    return (
        case.closed_at is None
        and case.next_evaluation_on is not None
        and case.next_evaluation_on <= today + timedelta(days=within_days)
    )


def load_goal(user: User, case: Case, goal_id: int) -> PlanGoal:
    """A goal of ``case`` or an audited 404."""
    goal = db.session.get(PlanGoal, goal_id)
    if goal is None or goal.case_id != case.id or not can(user, Action.READ_CASE_CONTENT, case):
        raise deny(user, "plan.goal.view", case, requested_id=goal_id)
    audit.record(user, "plan.goal.view", goal, case_id=case.id)
    return goal


def goals_of(case: Case) -> list[PlanGoal]:
    """The goals of ``case`` in the order they were set, for choices on a page whose read of the
    plan is audited already (no policy check, no event of its own)."""
    return list(db.session.scalars(select(PlanGoal).where(PlanGoal.case_id == case.id).order_by(PlanGoal.id)))


def load_action(user: User, case: Case, action_id: int) -> PlanAction:
    """An action of ``case`` or an audited 404."""
    action = db.session.get(PlanAction, action_id)
    if action is None or action.case_id != case.id or not can(user, Action.READ_CASE_CONTENT, case):
        raise deny(user, "plan.action.view", case, requested_id=action_id)
    return action


def _history(
    goals: list[PlanGoal], actions: list[PlanAction], content: bool, evaluations: list[Evaluation]
) -> list[PlanEvent]:
    """The plan's moments for the timeline, from the rows ``plan_for`` read (no statement of its own)."""
    events = [
        PlanEvent(
            at=change.changed_at,
            kind="goal_edit",
            anchor=f"goal-{goal.id}",
            actor=change.changed_by,
            domain=goal.domain,
        )
        for goal in goals
        for change in goal.changes
    ]
    events += [
        PlanEvent(at=e.recorded_at, kind="evaluation", anchor=f"evaluation-{e.id}", actor=e.recorded_by)
        for e in evaluations
    ]
    events += [
        PlanEvent(
            at=goal.created_at,
            kind="goal",
            anchor=f"goal-{goal.id}",
            actor=goal.created_by,
            domain=goal.domain,
            text=goal.text if content else None,
        )
        for goal in goals
    ]
    for action in actions:
        events.append(
            PlanEvent(
                at=action.created_at,
                kind="action",
                anchor=f"action-{action.id}",
                actor=action.created_by,
                owner_organisation=action.owner_organisation,
                text=action.description if content else None,
            )
        )
        events.extend(
            PlanEvent(
                at=change.changed_at,
                kind=_EVENT_KINDS.get(change.kind, "status"),
                anchor=f"action-{action.id}",
                actor=change.changed_by,
                owner_organisation=change.to_owner_organisation,
                to_status=change.to_status,
            )
            for change in action.changes
        )
    return sorted(events, key=lambda e: e.at)


_EVENT_KINDS = {ActionChangeKind.EDIT: "edit", ActionChangeKind.MOVE: "move", ActionChangeKind.REASSIGN: "reassign"}


def owner_organisations(case: Case) -> list[Organisation]:
    """Organisations that may own an action: the active lead and contributors."""
    seen: dict[int, Organisation] = {}
    for p in case.active_participants:
        if p.involvement in (Involvement.LEAD, Involvement.CONTRIBUTOR):
            seen.setdefault(p.organisation_id, p.organisation)
    return sorted(seen.values(), key=lambda o: o.name)


def owner_users(case: Case) -> list[User]:
    """Candidates for a named owner or casusregisseur: active users of the owner organisations
    whom the policy lets work on this plan (``EDIT_PLAN``) — so never someone who cannot see it.

    Taken from the case's participant candidates (read once per case page) and their
    authorisations read in one statement, so the list costs the same for 5 workers as for 500."""
    org_ids = {o.id for o in owner_organisations(case)}
    if not org_ids:
        return []
    users = [u for u in participation.user_choices(case) if u.organisation_id in org_ids]
    prime_grants(users, case.case_type_id)
    return [u for u in users if can(u, Action.EDIT_PLAN, case)]


# -- changing ----------------------------------------------------------------------------------


def _clean_text(text: str | None, field_name: str, empty_message: str) -> str:
    value = (text or "").replace("\r\n", "\n").strip()
    if not value:
        raise PlanRefused(empty_message, field_name)
    if len(value) > MAX_TEXT_LENGTH:
        raise PlanRefused(f"Ten hoogste {MAX_TEXT_LENGTH} tekens.", field_name)
    return value


def add_goal(
    case: Case,
    *,
    by: User,
    domain: LifeDomain | str,
    text: str,
    target_on: date | None = None,
    owner_organisation: Organisation | None = None,
    today: date | None = None,
) -> PlanGoal:
    """Add a goal on a life domain, optionally with a target date (not in the past) and an owner
    organisation (a lead or contributor). :raises AccessDenied: (audited) :raises PlanRefused:"""
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    try:
        domain = LifeDomain(domain)
    except ValueError:
        raise PlanRefused("Kies een leefgebied.", "domain") from None
    text = _clean_text(text, "text", "Beschrijf het doel.")
    check_goal_target(target_on, today=today or local_today())
    check_goal_owner(case, owner_organisation)
    goal = PlanGoal(
        case=case,
        domain=domain,
        created_by=by,
        text=text,
        target_on=target_on,
        status=GoalStatus.OPEN,
        owner_organisation=owner_organisation,
    )
    db.session.add(goal)
    db.session.flush()
    details = {"domain": domain.value}
    if target_on or owner_organisation:
        details |= {
            "target_on": target_on.isoformat() if target_on else None,
            "owner_organisation": owner_organisation.slug if owner_organisation else None,
        }
    audit.record(by, "plan.goal.add", goal, details=details)
    return goal


def check_goal_target(target_on: date | None, *, today: date) -> None:
    """:raises PlanRefused: a target date in the past."""
    if target_on is not None and target_on < today:
        raise PlanRefused("De streefdatum ligt in het verleden.", "target_on")


def check_goal_owner(case: Case, organisation: Organisation | None) -> None:
    """:raises PlanRefused: an owner that is not the lead or a contributor of the case."""
    if organisation is not None and organisation.id not in {o.id for o in owner_organisations(case)}:
        raise PlanRefused("Kies een deelnemende organisatie als eigenaar.", "owner_organisation")


def add_action(
    case: Case,
    *,
    by: User,
    description: str,
    owner_organisation: Organisation | None,
    due_on: date | None,
    goal: PlanGoal | None = None,
    owner_user: User | None = None,
    agenda_item_id: int | None = None,
    today: date | None = None,
) -> PlanAction:
    """Agree a new action. :raises AccessDenied: (audited) :raises PlanRefused:"""
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    today = today or local_today()
    text = _clean_text(description, "description", "Beschrijf de actie.")
    if goal is not None and goal.case_id != case.id:
        raise PlanRefused("Dit doel hoort niet bij deze casus.", "goal")
    allowed = {o.id for o in owner_organisations(case)}
    if owner_organisation is None or owner_organisation.id not in allowed:
        raise PlanRefused("Kies een deelnemende organisatie als eigenaar.", "owner_organisation")
    if owner_user is not None and (
        owner_user.organisation_id != owner_organisation.id or owner_user.id not in {u.id for u in owner_users(case)}
    ):
        raise PlanRefused(OWNER_USER_REFUSED, "owner_user")
    if due_on is None:
        raise PlanRefused("Vul een streefdatum in.", "due_on")
    if due_on < today:
        raise PlanRefused("De streefdatum ligt in het verleden.", "due_on")
    action = PlanAction(
        case=case,
        goal=goal,
        agenda_item_id=agenda_item_id,
        owner_organisation=owner_organisation,
        owner_user=owner_user,
        due_on=due_on,
        status=ActionStatus.OPEN,
        created_by=by,
        description=text,
    )
    db.session.add(action)
    db.session.flush()
    details = {"goal": goal.id if goal else None, "owner_organisation": owner_organisation.slug}
    if agenda_item_id:
        details["agenda_item"] = agenda_item_id
    audit.record(by, "plan.action.add", action, details=details)
    return action


def change_action_status(
    action: PlanAction, *, by: User, status: ActionStatus | str, expected_version: int | None = None
) -> PlanActionChange:
    """Move an action to another status (reopening a done or cancelled action is allowed), from the
    action version the user saw when one is given.

    Marking an action done, or reopening a done one, is for its owner organisation or the case's
    procesregisseur (``COMPLETE_PLAN_ACTION``); other writing participants change other statuses.

    :raises AccessDenied: (audited) :raises PlanRefused: unknown or unchanged status.
    :raises StalePlanItem: the action changed since ``expected_version`` (nothing written).
    """
    require_audited(by, Action.EDIT_PLAN, action.case)
    require_open(action.case)
    try:
        status = ActionStatus(status)
    except ValueError:
        raise PlanRefused("Kies een status.", "status") from None
    if ActionStatus.DONE in (status, action.status):
        require_audited(by, Action.COMPLETE_PLAN_ACTION, action)
    check_item_version(action, expected_version)
    if status is action.status:
        raise PlanRefused("De actie heeft deze status al.", "status")
    with item_change(action):
        change = PlanActionChange(action=action, from_status=action.status, to_status=status, changed_by=by)
        db.session.add(change)
        action.status = status
    audit.record(by, "plan.action.status", action, details={"from": change.from_status.value, "to": status.value})
    return change


def open_actions_of(case: Case) -> list[PlanAction]:
    """The open and in-progress actions of ``case``, soonest due first. No policy check and no
    audit event: for services (closing a case, a participant leaving) that decide themselves."""
    return list(
        db.session.scalars(
            select(PlanAction)
            .where(PlanAction.case_id == case.id, PlanAction.status.in_(OPEN_STATUSES))
            .order_by(PlanAction.due_on, PlanAction.id)
        )
    )


def withdraw_action(action: PlanAction, *, by: User | None, reason: str) -> None:
    """Cancel ("vervallen") an open or in-progress action, the reason kept encrypted on its change
    record; an action that is no longer open is left as it is (closing a case withdraws what is
    left, whatever was finished already). Flushes and audits; no policy check (callers decide).

    :raises PlanRefused: an empty or too long reason.
    """
    text = _clean_text(reason, "reason", "Geef een reden.")
    if not action.is_open:
        return
    change = PlanActionChange(
        action=action,
        kind=ActionChangeKind.WITHDRAW,
        from_status=action.status,
        to_status=ActionStatus.CANCELLED,
        changed_by=by,
        reason=text,
    )
    action.status = ActionStatus.CANCELLED
    db.session.add(change)
    db.session.flush()
    audit.record(by, "plan.action.withdraw", action, details={"from": change.from_status.value})


def reassign_action(
    action: PlanAction,
    *,
    by: User | None,
    organisation: Organisation,
    user: User | None = None,
    reason: str | None = None,
) -> None:
    """Give an open action to another owner organisation (and optionally a named worker of it);
    the previous owner stays on the change record, the reason (optional) encrypted. Flushes and
    audits; no policy check (callers decide).

    :raises PlanRefused: the action is not open, the organisation does not take part as lead or
        contributor, or the named user is not an active worker of it.
    """
    if not action.is_open:
        raise PlanRefused("Alleen een open actie kan een andere eigenaar krijgen.", "status")
    if organisation.id not in {o.id for o in owner_organisations(action.case)}:
        raise PlanRefused("Kies een deelnemende organisatie als eigenaar.", "owner_organisation")
    if user is not None and (user.organisation_id != organisation.id or not user.active):
        raise PlanRefused(OWNER_USER_REFUSED, "owner_user")
    text = _clean_text(reason, "reason", "Geef een reden.") if reason and reason.strip() else None
    if action.owner_organisation_id == organisation.id and action.owner_user_id == (user.id if user else None):
        return
    change = PlanActionChange(
        action=action,
        kind=ActionChangeKind.REASSIGN,
        from_status=action.status,
        to_status=action.status,
        from_owner_organisation_id=action.owner_organisation_id,
        to_owner_organisation_id=organisation.id,
        from_owner_user_id=action.owner_user_id,
        to_owner_user_id=user.id if user else None,
        changed_by=by,
        reason=text,
    )
    action.owner_organisation = organisation
    action.owner_user = user
    db.session.add(change)
    db.session.flush()
    audit.record(
        by,
        "plan.action.reassign",
        action,
        details={
            "from_organisation": change.from_owner_organisation_id,
            "to_organisation": organisation.slug,
            "to_user_id": user.id if user else None,
        },
    )


def _record_field_change(case: Case, field: str, old: str | None, new: str | None, *, by: User) -> None:
    """Keep the change in the case's field history (as the case edit form does): the conflict page
    of a stale form and the case history show who changed what, and from which version."""
    db.session.add(
        CaseFieldChange(
            case_id=case.id,
            field=field,
            old_value=old,
            new_value=new,
            changed_by=by,
            changed_at=utcnow(),
            version=case.version,
        )
    )
    db.session.flush()


def set_next_evaluation(
    case: Case, *, by: User, on: date | None, expected_version: int | None, today: date | None = None
) -> bool:
    """Plan (or clear) the next evaluation of the plan, from the case version the user saw.

    :raises StaleCase: the case changed since ``expected_version`` (nothing written; never a silent
        overwrite of another's date). :raises PlanRefused: a date in the past.
    :returns: whether anything changed.
    """
    require_audited(by, Action.EDIT_PLAN, case)
    require_open(case)
    check_version(case, expected_version)
    today = today or local_today()
    if on is not None and on < today:
        raise PlanRefused("De evaluatiedatum ligt in het verleden.", "next_evaluation_on")
    old = case.next_evaluation_on
    if old == on:
        return False
    with case_change(case, expected_version):
        case.next_evaluation_on = on
    _record_field_change(
        case, "next_evaluation_on", old.isoformat() if old else None, on.isoformat() if on else None, by=by
    )
    audit.record(
        by,
        "plan.evaluation",
        case,
        details={"next_evaluation_on": on.isoformat() if on else None, "version": case.version},
    )
    return True


def set_case_manager(case: Case, *, by: User, manager: User | None, expected_version: int | None) -> CasePlan:
    """Name the casusregisseur (an active worker of a lead or contributing organisation), from the
    case version the user saw; the change is a new case version with its field history.

    :raises AccessDenied: (audited; procesregie only) :raises StaleCase: the case changed since
        ``expected_version`` (nothing written). :raises PlanRefused:
    """
    require_audited(by, Action.MANAGE_PARTICIPANTS, case)
    require_open(case)
    check_version(case, expected_version)
    if manager is not None and manager.id not in {u.id for u in owner_users(case)}:
        raise PlanRefused("Kies een medewerker van een deelnemende organisatie.", "case_manager")
    plan = db.session.scalar(select(CasePlan).where(CasePlan.case_id == case.id))
    old = plan.case_manager if plan is not None else None
    if plan is not None and old == manager:
        return plan
    with case_change(case, expected_version):
        if plan is None:
            plan = CasePlan(case=case)
            db.session.add(plan)
        plan.case_manager = manager
        plan.updated_at = utcnow()
        case.version += 1  # the case plan is not a case column: the case version says it changed
    _record_field_change(
        case,
        "case_manager",
        old.display_name if old else None,
        manager.display_name if manager else None,
        by=by,
    )
    audit.record(
        by,
        "plan.case_manager",
        case,
        details={"case_manager_user_id": manager.id if manager else None, "version": case.version},
    )
    return plan


# -- tasks for "My work" -----------------------------------------------------------------------


def _owned_by(user: User) -> ColumnElement[bool]:
    """Actions assigned to the user by name, or to their organisation without a name."""
    return or_(
        PlanAction.owner_user_id == user.id,
        and_(PlanAction.owner_user_id.is_(None), PlanAction.owner_organisation_id == user.organisation_id),
    )


def _task_query(user: User):
    return (
        select(PlanAction)
        .join(Case, PlanAction.case_id == Case.id)
        .where(case_scope(user), Case.closed_at.is_(None), PlanAction.status.in_(OPEN_STATUSES), _owned_by(user))
        .options(selectinload(PlanAction.case))
        .order_by(PlanAction.due_on, PlanAction.id)
    )


def open_actions_for(user: User, *, limit: int = 200) -> list[PlanAction]:
    """Open and in-progress actions of ``user`` (or their organisation) on cases they may see, soonest first.

    Scoped in SQL with ``case_scope``; audited as ``plan.action.list``.
    """
    actions = list(db.session.scalars(_task_query(user).limit(limit)))
    audit.record(user, "plan.action.list", details={"filter": "open", "count": len(actions)})
    return actions


def open_action_counts_for(user: User, *, today: date | None = None) -> tuple[int, int]:
    """(open, overdue) counts of the actions ``open_actions_for`` lists, counted by the same query."""
    today = today or local_today()
    tasks = _task_query(user).order_by(None).options().subquery()
    total = db.session.scalar(select(func.count()).select_from(tasks)) or 0
    overdue = db.session.scalar(select(func.count()).select_from(tasks).where(tasks.c.due_on < today)) or 0
    return total, overdue


def overdue_actions_for(user: User, *, today: date | None = None, limit: int = 200) -> list[PlanAction]:
    """The subset of ``open_actions_for`` whose due date has passed, most overdue first."""
    today = today or local_today()
    actions = list(db.session.scalars(_task_query(user).where(PlanAction.due_on < today).limit(limit)))
    audit.record(user, "plan.action.list", details={"filter": "overdue", "count": len(actions)})
    return actions


def evaluations_due_for(
    user: User, *, today: date | None = None, within_days: int = EVALUATION_HORIZON_DAYS, limit: int = 200
) -> list[Case]:
    """Open cases the user may see whose next evaluation is past or within ``within_days``."""
    today = today or local_today()
    cases = list(
        db.session.scalars(
            select(Case)
            .where(
                case_scope(user),
                Case.closed_at.is_(None),
                Case.next_evaluation_on.is_not(None),
                Case.next_evaluation_on <= today + timedelta(days=within_days),
            )
            .order_by(Case.next_evaluation_on, Case.id)
            .limit(limit)
        )
    )
    audit.record(user, "plan.evaluation.list", details={"count": len(cases), "within_days": within_days})
    return cases
