"""Handoff services: draft, send, cancel, accept, reject, complete, expire — each one transaction.

Every decision claims the handoff with a conditional UPDATE (``… WHERE id = ? AND status =
'pending'``) and checks the row count, so of two concurrent decisions exactly one wins; the
loser gets a ``HandoffConflict`` and changes nothing. Changes to the case go through the ORM's
version column (``Case.version``), so a case changed concurrently also ends in a conflict.
Services flush; the request or CLI wrapper commits.
"""

from casebook.handoffs.services.common import (
    CONFLICT_TEXTS,
    MAX_TEXT,
    HandoffInput,
    authorise_decision,
    expiry_days,
    load_for,
    rendered_items,
)
from casebook.handoffs.services.deciding import (
    accept,
    cancel,
    complete,
    eligible_process_coordinators,
    expire_due,
    reject,
)
from casebook.handoffs.services.responsibility import eligible_case_managers
from casebook.handoffs.services.sending import draft, send, send_draft

__all__ = [
    "CONFLICT_TEXTS",
    "MAX_TEXT",
    "HandoffInput",
    "accept",
    "authorise_decision",
    "cancel",
    "complete",
    "draft",
    "eligible_case_managers",
    "eligible_process_coordinators",
    "expire_due",
    "expiry_days",
    "load_for",
    "reject",
    "rendered_items",
    "send",
    "send_draft",
]
