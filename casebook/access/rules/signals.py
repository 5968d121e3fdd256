"""Rules for signals (meldingen) and the weegtafel.

- Registering is for caseworkers and coordinators; the source of a signal is the registering
  user's own organisation, unless they may name another (``NAME_SIGNAL_SOURCE``): the workers of
  the Zorg- en Veiligheidshuis, the intake point that takes in signals from partners and
  hotlines (Veilig Thuis, Meld Misdaad Anoniem) on their behalf.
- A signal of a restricted type (radicalisation, domestic violence) is, at the weegtafel, seen
  and weighed only by users authorised for its type at the type's default confidentiality (the
  confidentiality a case opened from it would get); other types by every coordinator who triages.
- Who registered a signal keeps seeing it (they wrote it).

The SQL twin of the type check is ``signal_visibility``, composed by the queue and its counts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, false, or_, select

from casebook.access.actions import Action
from casebook.access.models import Authorisation
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import CASE_ROLES, authorisation_applies_to, is_authorised
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
