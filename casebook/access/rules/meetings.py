"""Rules for the casusoverleg: meetings, their agenda items and the decisions on them.

- A meeting is seen by users (with a case role) of the organising and the invited
  organisations; it is run (agenda, decisions, actions) by the organiser's coordinators.
- An agenda item exists, for a viewer, only when they may see its case (``VIEW_CASE``).
- A case is put on an agenda (``PLACE_ON_AGENDA``) by a coordinator whose organisation (or who
  by name) takes part in it: a change, so a break-the-glass reader — who may see the case —
  never may. ``agenda_scope`` is its SQL twin (the candidates the picker offers).
- The decision on an item is case content (``READ_CASE_CONTENT`` on its case): supervisors see
  that the case was discussed, not what was decided.

``meeting_visibility`` is the SQL twin of the meeting check, composed with the domain's columns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, and_, false, or_, select

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.cases import case_rule, takes_part
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import CASE_ROLES, _participation, case_visibility, is_authorised, is_live_user
from casebook.auth.models import User
from casebook.cases.models import Case

if TYPE_CHECKING:
    from casebook.meetings.models import AgendaItem, Meeting


def meeting_visibility(
    user: Any, organiser_column: Any, invitation_organisation_column: Any, invitation_of_meeting: Any
) -> ColumnElement[bool]:
    """Meetings organised by, or inviting, the user's organisation — for users with a case role.

    ``invitation_of_meeting`` is the clause tying an invitation row to the meeting of the caller's
    query (``MeetingInvitation.meeting_id == Meeting.id``).
    """
    if not is_live_user(user) or not user.has_role(*CASE_ROLES):
        return false()
    invited = (
        select(invitation_organisation_column)
        .where(invitation_of_meeting, invitation_organisation_column == user.organisation_id)
        .exists()
    )
    return or_(organiser_column == user.organisation_id, invited)


def _is_meeting(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "organiser_organisation_id") and hasattr(obj, "invitations")


def _is_item(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "meeting") and hasattr(obj, "case") and hasattr(obj, "position")


def in_meeting_scope(user: User, meeting: Meeting) -> bool:
    return user.has_role(*CASE_ROLES) and (
        meeting.organiser_organisation_id == user.organisation_id
        or any(i.organisation_id == user.organisation_id for i in meeting.invitations)
    )


@rule(Action.LIST_MEETINGS)
def list_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and user.has_role(*CASE_ROLES)


@rule(Action.VIEW_MEETING)
def view_rule(user: User, action: Action, meeting: Any) -> bool:
    return _is_meeting(meeting) and in_meeting_scope(user, meeting)


@rule(Action.MANAGE_MEETINGS)
def manage_rule(user: User, action: Action, meeting: Any) -> bool:
    """Without an object: may schedule meetings. On a meeting: a coordinator of its organiser."""
    if not roles_allow(user, action):
        return False
    return meeting is None or (_is_meeting(meeting) and meeting.organiser_organisation_id == user.organisation_id)


@rule(Action.VIEW_AGENDA_ITEM)
def item_rule(user: User, action: Action, item: AgendaItem | Any) -> bool:
    return _is_item(item) and in_meeting_scope(user, item.meeting) and case_rule(user, Action.VIEW_CASE, item.case)


@rule(Action.READ_AGENDA_DECISION)
def decision_rule(user: User, action: Action, item: AgendaItem | Any) -> bool:
    return item_rule(user, Action.VIEW_AGENDA_ITEM, item) and case_rule(user, Action.READ_CASE_CONTENT, item.case)


@rule(Action.PLACE_ON_AGENDA)
def place_on_agenda_rule(user: User, action: Action, case: Any) -> bool:
    """Without a case: may put cases on agendas at all. On a case: a coordinator taking part in it."""
    if not roles_allow(user, Action.MANAGE_MEETINGS):
        return False
    if case is None:
        return True
    return (
        isinstance(case, Case)
        and takes_part(user, case)
        and is_authorised(user, Action.VIEW_CASE, case.case_type_id, case.confidentiality)
    )


def agenda_scope(user: Any) -> ColumnElement[bool]:
    """SQL twin of ``place_on_agenda_rule`` on ``Case``: the cases ``user`` may put on an agenda."""
    if not is_live_user(user) or not roles_allow(user, Action.MANAGE_MEETINGS):
        return false()
    return and_(_participation(user), case_visibility(user))
