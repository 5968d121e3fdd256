"""Which roles may attempt an action at all: the only table of roles in the product.

Rules of every object type start here (``roles_allow``) and then look at the object. Role checks
anywhere else are a defect: templates, views and services ask ``can()``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from casebook.access.actions import Action
from casebook.access.scope import CASE_ROLES, WORK_ROLES
from casebook.auth.models import Role, User

GLOBAL_ACTION_ROLES: dict[Action, tuple[Role, ...]] = {
    Action.OPEN_CASE: (Role.COORDINATOR,),
    Action.VIEW_PERSON: CASE_ROLES,  # through a case they may list (rules/persons.py)
    Action.SEARCH_PERSONS: WORK_ROLES,
    Action.REVEAL_BSN: WORK_ROLES,  # of a person they may see, in an organisation that may process BSNs
    Action.VIEW_PERSON_MATCHES: (Role.COORDINATOR,),  # of the ZVH (rules/persons.py)
    Action.VIEW_HOUSEHOLD: CASE_ROLES,  # through a case they may list (rules/households.py)
    Action.COORDINATE_HOUSEHOLD: (Role.COORDINATOR,),
    Action.REGISTER_SIGNAL: WORK_ROLES,
    Action.TRIAGE_SIGNALS: (Role.COORDINATOR,),
    Action.MANAGE_MEETINGS: (Role.COORDINATOR,),
    Action.VIEW_AUDIT: (Role.SUPERVISOR,),
    Action.REVIEW_BREAK_GLASS: (Role.SUPERVISOR,),
    Action.BREAK_GLASS: WORK_ROLES,
    Action.MANAGE_USERS: (Role.ADMIN,),
    Action.MANAGE_REFERENCE_DATA: (Role.ADMIN,),
    Action.MANAGE_AUTHORISATIONS: (Role.ADMIN, Role.SUPERVISOR),
    Action.LIST_CASES: CASE_ROLES,
    Action.DECIDE_HANDOFF: (Role.COORDINATOR,),
    Action.REQUEST_TRANSFER: (Role.COORDINATOR,),
    # --- retention: destruction lists (rules/retention.py: a supervisor of the municipality only)
    Action.VIEW_DESTRUCTION_LISTS: (Role.SUPERVISOR, Role.PRIVACY_OFFICER),
    Action.DRAW_UP_DESTRUCTION_LIST: (Role.SUPERVISOR, Role.PRIVACY_OFFICER),
    Action.APPROVE_DESTRUCTION_LIST: (Role.SUPERVISOR, Role.PRIVACY_OFFICER),
    Action.WITHHOLD_DESTRUCTION_ITEM: (Role.SUPERVISOR, Role.PRIVACY_OFFICER),
    # --- weegtafel: context, assignment and information requests
    Action.ASSIGN_SIGNAL: (Role.COORDINATOR,),
    Action.REQUEST_SIGNAL_INFORMATION: (Role.COORDINATOR,),
    Action.ANSWER_INFORMATION_REQUEST: WORK_ROLES,
    # --- privacy-log: the register and the processing log (rules/privacy.py)
    Action.VIEW_REGISTER: (Role.PRIVACY_OFFICER,),
    Action.EXPORT_REGISTER: (Role.PRIVACY_OFFICER,),
    Action.EDIT_REGISTER: (Role.PRIVACY_OFFICER,),
    Action.VIEW_PROCESSING_LOG: (Role.PRIVACY_OFFICER,),
    Action.EXPORT_PROCESSING_LOG: (Role.PRIVACY_OFFICER,),
    # --- subject-requests: requests of persons concerned ---
    Action.MANAGE_SUBJECT_REQUESTS: (Role.PRIVACY_OFFICER,),
    Action.EXPORT_SUBJECT_DATA: (Role.PRIVACY_OFFICER,),
    Action.FIND_SUBJECT: (Role.PRIVACY_OFFICER,),
    Action.RECTIFY_PERSON: (Role.PRIVACY_OFFICER,),
    Action.RESTRICT_PROCESSING: (Role.PRIVACY_OFFICER,),
}


def roles_compatible(roles: Iterable[Role | str]) -> bool:
    """Separation of duties: a functional admin holds no role that works on cases or compiles exports.

    Otherwise one admin could read case content after all — by giving their own account a case
    role or the privacy officer's (whose inzage export holds content), or by making a puppet account
    with a password they chose and having it authorised.
    """
    held = {Role(role) for role in roles}
    return not (Role.ADMIN in held and held & {*CASE_ROLES, Role.PRIVACY_OFFICER})


def roles_allow(user: User, action: Action) -> bool:
    """Does one of the user's roles let them attempt ``action`` without an object?"""
    roles = GLOBAL_ACTION_ROLES.get(action)
    return bool(roles) and user.has_role(*roles)


def access_review_interval_days(user: User, config: Mapping[str, Any]) -> int:
    """Accounts that manage users and reference data are reviewed more often (quarterly) than others."""
    return int(config["ACCESS_REVIEW_DAYS_ADMIN"] if user.has_role(Role.ADMIN) else config["ACCESS_REVIEW_DAYS"])
