"""Rules for the weegtafel's work on a signal: assignment, the "bekend" context, information requests.

- A signal is assigned by, and to, coordinators who may weigh it (``TRIAGE_SIGNALS`` on it): the
  assignee must be able to pick it up.
- Who weighs a signal asks partner organisations for information about it
  (``REQUEST_SIGNAL_INFORMATION``) and reads the questions and answers on it.
- A partner organisation's caseworkers and coordinators see the questions addressed to their
  organisation and answer them (``ANSWER_INFORMATION_REQUEST``). They see the question only: the
  signal itself (its description, persons, source) stays closed to them, as before.
- The "bekend" context of the persons on a signal (their cases, households, earlier signals) is
  shown to who weighs it, each part only as far as the viewer may see it anyway (``case_scope``,
  ``household_cases``, ``signal_visibility``); the register's hidden matches only to the ZVH
  (``VIEW_PERSON_MATCHES``, rules/persons.py), without their content.

``requests_addressed_to`` is the SQL twin of the answering rule, used by the partner's inbox.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, false

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.access.rules.signals import triage_rule
from casebook.access.scope import is_live_user
from casebook.auth.models import User


def _is_request(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "question_ciphertext") and hasattr(obj, "organisation_id")


def weighs(user: User, signal: Any) -> bool:
    """Does ``user`` weigh ``signal`` at the weegtafel (and so may work on it)?"""
    return is_live_user(user) and triage_rule(user, Action.TRIAGE_SIGNALS, signal)


@rule(Action.ASSIGN_SIGNAL, Action.REQUEST_SIGNAL_INFORMATION)
def work_on_signal_rule(user: User, action: Action, signal: Any) -> bool:
    """Without an object: works at the weegtafel. On a signal: weighs it (its type)."""
    if not roles_allow(user, action):
        return False
    return signal is None or weighs(user, signal)


def may_be_assigned(candidate: User, signal: Any) -> bool:
    """May ``candidate`` be named as the one who picks ``signal`` up? Who could weigh it."""
    return is_live_user(candidate) and roles_allow(candidate, Action.ASSIGN_SIGNAL) and weighs(candidate, signal)


@rule(Action.ANSWER_INFORMATION_REQUEST)
def answer_request_rule(user: User, action: Action, request: Any) -> bool:
    """Without an object: keeps an inbox of questions. On a request: addressed to their organisation."""
    if not roles_allow(user, action):
        return False
    return request is None or (_is_request(request) and request.organisation_id == user.organisation_id)


def requests_addressed_to(user: User, organisation_id_column: Any) -> ColumnElement[bool]:
    """SQL twin of ``answer_request_rule`` on a request: those addressed to ``user``'s organisation."""
    if not is_live_user(user) or not roles_allow(user, Action.ANSWER_INFORMATION_REQUEST):
        return false()
    return organisation_id_column == user.organisation_id
