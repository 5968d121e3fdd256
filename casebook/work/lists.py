"""The lists behind My work's tiles: every row, paged, not only the ten a tile shows.

Each list is the tile's query with a keyset page (``casebook.pagination``), so a tile's count is
the total of exactly the list it links to. Scope is the policy's SQL: ``case_scope`` for cases a
user may list, ``case_content_scope`` where an action's text is decrypted (content, never for
supervisors), ``mine_clause`` for "mine" (the one definition, shared with the case list).

Actions come in two groups, said on the page: assigned to me by name (``mine``), and my
organisation's actions that nobody is named for yet (``organisation``) — somebody has to pick
those up.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, timedelta

from sqlalchemy import Select, and_, func, select
from sqlalchemy import case as when
from sqlalchemy.orm import joinedload, selectinload

from casebook import audit
from casebook.access import (
    Action,
    authorised_cases,
    can,
    case_content_scope,
    case_scope,
    deny,
    require_audited,
)
from casebook.access.rules.closure import deciding_clause
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.pagination import Order, Page, PageRequest, paginate
from casebook.plans.models import OPEN_STATUSES, PlanAction
from casebook.plans.services import EVALUATION_HORIZON_DAYS
from casebook.work.mine import mine_clause


class ActionGroup(enum.StrEnum):
    MINE = "mine"  # the named owner is me
    ORGANISATION = "organisation"  # my organisation's, nobody named


def open_case_clause():
    """Cases not closed: the one meaning of "open" of the case list, the action lists and reminders."""
    return Case.closed_at.is_(None)


# -- actions ------------------------------------------------------------------------------------


def _owner(user: User, group: ActionGroup):
    if group is ActionGroup.MINE:
        return PlanAction.owner_user_id == user.id
    return and_(PlanAction.owner_user_id.is_(None), PlanAction.owner_organisation_id == user.organisation_id)


def _open_actions(user: User):
    return (
        case_content_scope(user),
        Case.closed_at.is_(None),
        PlanAction.status.in_(OPEN_STATUSES),
    )


def _actions_query(user: User, group: ActionGroup) -> Select:
    return (
        select(PlanAction)
        .join(Case, PlanAction.case_id == Case.id)
        .where(*_open_actions(user), _owner(user, group))
        .options(selectinload(PlanAction.case), joinedload(PlanAction.owner_user).lazyload(User.role_rows))
    )


ACTIONS_ORDER = Order("work.actions", (PlanAction.due_on, PlanAction.id), descending=False)


@dataclass(frozen=True)
class ActionRow:
    """An open action with its (decrypted) text and its case, as the owner works from it."""

    action: PlanAction
    description: str
    overdue: bool

    @property
    def group(self) -> ActionGroup:
        return ActionGroup.MINE if self.action.owner_user_id is not None else ActionGroup.ORGANISATION


@dataclass(frozen=True)
class ActionCounts:
    mine: int
    mine_overdue: int
    organisation: int
    organisation_overdue: int

    @property
    def total(self) -> int:
        return self.mine + self.organisation

    @property
    def overdue(self) -> int:
        return self.mine_overdue + self.organisation_overdue


def action_counts(user: User, today: date) -> ActionCounts:
    """Both groups' open and overdue counts in one statement (of exactly the lists' rows)."""
    named = PlanAction.owner_user_id == user.id
    unassigned = _owner(user, ActionGroup.ORGANISATION)
    overdue = PlanAction.due_on < today
    row = db.session.execute(
        select(
            func.count(when((named, PlanAction.id))),
            func.count(when((and_(named, overdue), PlanAction.id))),
            func.count(when((unassigned, PlanAction.id))),
            func.count(when((and_(unassigned, overdue), PlanAction.id))),
        )
        .select_from(PlanAction)
        .join(Case, PlanAction.case_id == Case.id)
        .where(*_open_actions(user), (named | unassigned))
    ).one()
    return ActionCounts(*(int(value or 0) for value in row))


def first_actions(user: User, today: date, limit: int) -> list[ActionRow]:
    """The first ``limit`` actions of both groups, soonest first, with their text (for the tile).
    Audited as ``plan.action.list`` (their texts are case content)."""
    either = _owner(user, ActionGroup.MINE) | _owner(user, ActionGroup.ORGANISATION)
    query = (
        select(PlanAction)
        .join(Case, PlanAction.case_id == Case.id)
        .where(*_open_actions(user), either)
        .options(selectinload(PlanAction.case), joinedload(PlanAction.owner_user).lazyload(User.role_rows))
        .order_by(*ACTIONS_ORDER.columns)
        .limit(limit)
    )
    actions = list(db.session.scalars(query))
    audit.record(user, "plan.action.list", details={"view": "my_work", "group": "both", "count": len(actions)})
    return [ActionRow(a, str(a.description), a.is_overdue(today)) for a in actions]


def my_actions(user: User, group: ActionGroup, page: PageRequest, today: date) -> Page[ActionRow]:
    """One page of the group's open actions, soonest due first, each with its text and case.

    Only actions on open cases whose content the user may read. Audited as ``plan.action.list``
    (group and page position; the texts never enter the trail).

    :raises Refused: ``user`` does not work on plans (audited). :raises InvalidCursor:
    """
    require_audited(user, Action.EDIT_PLAN)
    result = paginate(db.session(), _actions_query(user, group), ACTIONS_ORDER, page)
    audit.record(
        user,
        "plan.action.list",
        details={"view": "my_work", "group": group.value, "count": len(result.items), **page.audit_details()},
    )
    return result.map(lambda a: ActionRow(a, str(a.description), a.is_overdue(today)))


# -- evaluations --------------------------------------------------------------------------------


def evaluations_clause(user: User, today: date) -> tuple:
    horizon = today + timedelta(days=EVALUATION_HORIZON_DAYS)
    return (case_scope(user), mine_clause(user), open_case_clause(), Case.next_evaluation_on <= horizon)


EVALUATIONS_ORDER = Order("work.evaluations", (Case.next_evaluation_on, Case.id), descending=False)


def evaluations_due(user: User, page: PageRequest, today: date) -> Page[Case]:
    """One page of my open cases with an evaluation past or within the horizon, soonest first.
    Audited like a case list. :raises Refused: (audited) :raises InvalidCursor:"""
    require_audited(user, Action.UPDATE_CASE)
    result = paginate(db.session(), select(Case).where(*evaluations_clause(user, today)), EVALUATIONS_ORDER, page)
    audit.record(
        user,
        str(Action.LIST_CASES),
        details={"view": "evaluations_due", "count": len(result.items), **page.audit_details()},
    )
    return result


# -- closures to approve ------------------------------------------------------------------------


def closures_clause(user: User) -> tuple:
    """Proposals my organisation decides (the lead's, or the fallback's: ``access.rules.closure``), in
    my scope, of types my authorisations let me approve: the SQL side of ``APPROVE_CLOSURE``, so the
    count and the pages agree; each case of a page is asked again (``can``), so no row is shown that
    may not be approved."""
    return (
        case_scope(user),
        deciding_clause(user),
        authorised_cases(user, Action.APPROVE_CLOSURE),
    )


CLOSURES_ORDER = Order("work.closures", (Case.closure_proposed_at, Case.id), descending=False)


def closures_to_approve(user: User, page: PageRequest) -> Page[Case]:
    """One page of closing proposals the user may decide, oldest first. Audited like a case list.
    :raises Refused: ``user`` approves no closures (audited). :raises InvalidCursor:"""
    if not can(user, Action.APPROVE_CLOSURE):
        raise deny(user, Action.APPROVE_CLOSURE, requested_id="list")
    query = select(Case).where(*closures_clause(user)).options(selectinload(Case.participants))
    result = paginate(db.session(), query, CLOSURES_ORDER, page)
    result = replace(result, items=[c for c in result.items if can(user, Action.APPROVE_CLOSURE, c)])
    audit.record(
        user, str(Action.LIST_CASES), details={"view": "closures", "count": len(result.items), **page.audit_details()}
    )
    return result
