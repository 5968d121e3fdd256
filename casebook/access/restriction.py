"""Restriction of processing ("beperking van de verwerking", AVG art. 18): visible, but frozen.

A case or a person marked restricted (``processing_restricted_at``, set and cleared by the privacy
officer's ``casebook.subject_requests.restrictions``) keeps being readable by whoever could read
it, but every change — content, process, handoffs, documents, agenda, the person's data — is
refused until the restriction is lifted. The policy (``casebook.access.policy.can``) applies this
after the action's own rule, so it holds for the screens, the API and every service alike.

A refusal for this reason is not a 404: the user sees the case anyway, so saying why reveals
nothing. ``ProcessingRestricted`` (a ``Conflict``: 409 with the message) is raised only when the
action's own rule would have allowed it.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l

from casebook.access.actions import Action
from casebook.errors import Conflict

# Every action that changes a case, what is on it, or a person. Reading, cancelling one's own
# pending handoff or request, and restricting/lifting themselves are not in it.
FROZEN_ACTIONS = frozenset(
    {
        Action.UPDATE_CASE,
        Action.ADD_NOTE,
        Action.ADD_INTERVENTION,
        Action.EDIT_PLAN,
        Action.TRANSITION_CASE,
        Action.PROPOSE_CLOSURE,
        Action.APPROVE_CLOSURE,
        Action.REOPEN_CASE,
        Action.MANAGE_PARTICIPANTS,
        Action.SEND_HANDOFF,
        Action.DRAFT_HANDOFF,
        Action.SEND_HANDOFF_DRAFT,
        Action.DECIDE_HANDOFF,
        Action.COMPLETE_HANDOFF,
        Action.REQUEST_TRANSFER,
        Action.ANSWER_TRANSFER_REQUEST,
        Action.PLACE_ON_AGENDA,
        Action.UPLOAD_DOCUMENT,
        Action.ADD_DOCUMENT_VERSION,
        Action.RECTIFY_PERSON,
    }
)

RESTRICTED_MESSAGE = _l(
    "De verwerking is beperkt (AVG art. 18): deze gegevens zijn te zien, maar er kan niets aan worden "
    "gewijzigd of overgedragen tot de privacyfunctionaris de beperking opheft."
)


class ProcessingRestricted(Conflict):
    """A change refused because the case or person is restricted (409, with the reason)."""

    def __init__(self) -> None:
        super().__init__(str(RESTRICTED_MESSAGE))
        self.message = RESTRICTED_MESSAGE


def _restricted_object(obj: Any) -> bool:
    """Is ``obj`` a restricted case or person, or does it belong to a restricted case?"""
    from casebook.cases.models import Case
    from casebook.people.models import Person

    if isinstance(obj, Case | Person):
        return obj.processing_restricted_at is not None
    case = getattr(obj, "case", None)
    return isinstance(case, Case) and case.processing_restricted_at is not None


def frozen(action: Action, obj: Any) -> bool:
    """Does the restriction of ``obj`` refuse ``action`` (whatever its own rule says)?"""
    return obj is not None and action in FROZEN_ACTIONS and _restricted_object(obj)
