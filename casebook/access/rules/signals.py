"""Rules for signals (meldingen) and the weegtafel.

- Registering is for caseworkers and coordinators; the source of a signal is the registering
  user's own organisation, unless they may name another (``NAME_SIGNAL_SOURCE``): the workers of
  the Zorg- en Veiligheidshuis, the intake point that takes in signals from partners and
  hotlines (Veilig Thuis, Meld Misdaad Anoniem) on their behalf.
- A signal of a restricted type (radicalisation, domestic violence) is, at the weegtafel, seen
  and weighed only by users authorised for its type at the type's default confidentiality (the
  confidentiality a case opened from it would get); other types by every coordinator who triages.
- Who registered a signal keeps seeing it (they wrote it) — but not the case it opened nor the
  persons others linked to it, unless they may see those (see the end of this file).
- ``VIEW_OWN_SIGNALS`` ("Mijn meldingen"): who may register signals follows their own — without an
  object, may keep such a list at all; on a signal, only one they registered themselves (another
  officer of the same organisation does not see it). The list's SQL twin is ``own_signals``, and
  the case reference it may show is limited by ``resulting_case_visibility``.

The SQL twin of the type check is ``signal_visibility``, composed by the queue and its counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, or_, select

from casebook.access.actions import Action
from casebook.access.models import Authorisation
from casebook.access.rules import rule
from casebook.access.rules.cases import case_rule
from casebook.access.rules.persons import view_person_rule
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import CASE_ROLES, authorisation_applies_to, case_scope, is_authorised, is_live_user
from casebook.auth.models import User
from casebook.cases.models import CaseType
from casebook.organisations.models import OrganisationKind

if TYPE_CHECKING:
    from casebook.signals.models import Signal


def type_visible(user: User, case_type: CaseType) -> bool:
    """May ``user`` see a signal of this type? Restricted types need an authorisation for the
    type covering its default confidentiality."""
    if not case_type.restricted:
        return True
    return user.has_role(*CASE_ROLES) and is_authorised(
        user, Action.VIEW_CASE, case_type.id, case_type.default_confidentiality
    )


def signal_visibility(user: User, case_type_id_column: Any) -> ColumnElement[bool]:
    """SQL twin of ``type_visible`` for the signal's case type column (correlated to the caller)."""
    if not user.has_role(*CASE_ROLES):
        return false()
    authorised = (
        select(Authorisation.id)
        .where(
            Authorisation.case_type_id == CaseType.id,
            Authorisation.max_confidentiality >= CaseType.default_confidentiality,
            authorisation_applies_to(user),
        )
        .exists()
    )
    return (
        select(CaseType.id)
        .where(CaseType.id == case_type_id_column, or_(CaseType.restricted.is_(False), authorised))
        .exists()
    )


def _is_signal(obj: Any) -> bool:
    return obj is not None and hasattr(obj, "registered_by_id") and hasattr(obj, "case_type")


@rule(Action.REGISTER_SIGNAL)
def register_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, action)


@rule(Action.NAME_SIGNAL_SOURCE)
def name_source_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, Action.REGISTER_SIGNAL) and user.organisation.kind is OrganisationKind.ZVH


@rule(Action.TRIAGE_SIGNALS)
def triage_rule(user: User, action: Action, signal: Any) -> bool:
    """Without an object: works the weegtafel. On a signal: may weigh this one (its type)."""
    if not roles_allow(user, action):
        return False
    return signal is None or (_is_signal(signal) and type_visible(user, signal.case_type))


@rule(Action.VIEW_SIGNAL)
def view_rule(user: User, action: Action, signal: Signal | Any) -> bool:
    if not _is_signal(signal):
        return False
    if triage_rule(user, Action.TRIAGE_SIGNALS, signal):
        return True
    return roles_allow(user, Action.REGISTER_SIGNAL) and signal.registered_by_id == user.id


@rule(Action.VIEW_OWN_SIGNALS)
def own_signals_rule(user: User, action: Action, signal: Signal | Any) -> bool:
    """Without an object: may follow the signals they registered. On a signal: registered it."""
    if not roles_allow(user, Action.REGISTER_SIGNAL):
        return False
    return signal is None or (_is_signal(signal) and signal.registered_by_id == user.id)


def own_signals(user: User, registered_by_column: Any) -> ColumnElement[bool]:
    """SQL twin of ``own_signals_rule`` on a signal: the signals ``user`` registered (nothing for who
    may not follow signals)."""
    if not is_live_user(user) or not roles_allow(user, Action.REGISTER_SIGNAL):
        return false()
    return registered_by_column == user.id


def resulting_case_visibility(user: User) -> ColumnElement[bool]:
    """SQL twin of ``may_see_resulting_case`` on ``Case``: the cases whose reference a signal's
    registrant may be shown — exactly the cases they may list (``case_scope``)."""
    return case_scope(user)


# --- what a viewer of the signal learns of its outcome and persons --------------------------------
#
# Seeing a signal (``VIEW_SIGNAL``) is not seeing what came of it: the registrant keeps seeing
# what they wrote, and learns *that* it was weighed and the kind of decision — not the case it
# opened (its reference needs ``VIEW_CASE`` on that case) nor the reasoning behind opening it (case
# content: ``READ_CASE_CONTENT``, as on the case's timeline). Nor does a signal reveal the persons
# linked to it by others: a person shows only to a viewer who may see them anyway, who linked
# them, or who weighs this signal at the weegtafel (the ZVH must see whom it is about to decide).


def may_see_resulting_case(user: User, signal: Signal | Any) -> bool:
    """May ``user`` learn which case the triage of ``signal`` opened (its reference, its id)?"""
    case = getattr(signal, "case", None)
    return case is not None and is_live_user(user) and case_rule(user, Action.VIEW_CASE, case)


def may_read_decision_reason(user: User, signal: Signal | Any) -> bool:
    """May ``user`` read the weegtafel's reasoning? When a case was opened it is that case's
    content; a decision without a case (advice, referral, no action) is the answer to the melder."""
    if not is_live_user(user) or not view_rule(user, Action.VIEW_SIGNAL, signal):
        return False
    case = getattr(signal, "case", None)
    if getattr(signal, "case_id", None) is None and case is None:
        return True
    return case is not None and case_rule(user, Action.READ_CASE_CONTENT, case)


def may_see_signal_person(user: User, signal: Signal | Any, link: Any) -> bool:
    """May ``user`` see the person of ``link`` (a ``SignalPerson`` of ``signal``) on the signal?"""
    if not is_live_user(user) or not view_rule(user, Action.VIEW_SIGNAL, signal):
        return False
    if link.linked_by_id is not None and link.linked_by_id == user.id:
        return True
    if triage_rule(user, Action.TRIAGE_SIGNALS, signal):
        return True
    return view_person_rule(user, Action.VIEW_PERSON, link.person)
