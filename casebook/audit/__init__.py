"""The audit trail: ``record()`` writes one hash-chained event in the caller's transaction.

A change and its event commit together or not at all. Reads and denials are *durable*: when a
request ends in an error and its changes roll back, the request wrapper writes them again in a
fresh transaction (see ``casebook.web``), so "who looked at this file" stays complete.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, g, has_request_context, request

from casebook.audit import chain
from casebook.audit.models import AuditEvent, Outcome
from casebook.db import db, utcnow

__all__ = ["AuditEvent", "Outcome", "bp", "record", "replay_durable"]

# The supervisor screens (casebook.audit.views) attach their routes to this blueprint.
bp = Blueprint("audit", __name__, url_prefix="/audit")

FORBIDDEN_DETAIL_KEYS = frozenset({"body", "text", "name", "bsn", "password", "code", "token", "session", "secret"})


def _object_ref(obj: Any) -> tuple[str | None, str | None]:
    if obj is None:
        return None, None
    return type(obj).__name__.lower(), str(getattr(obj, "id", None))


def _case_id_of(obj: Any) -> int | None:
    if obj is None:
        return None
    if type(obj).__name__ == "Case":
        return obj.id
    return getattr(obj, "case_id", None)


def _check_details(details: dict[str, Any]) -> None:
    bad = FORBIDDEN_DETAIL_KEYS.intersection(k.lower() for k in details)
    if bad:
        raise ValueError(f"audit details may not carry personal data or secrets: {sorted(bad)}")


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    case_id: int | None = None,
    outcome: Outcome = Outcome.ALLOWED,
    reason: str | None = None,
    details: dict[str, Any] | None = None,
    durable: bool | None = None,
) -> AuditEvent:
    """Append an audit event for ``actor`` doing ``action`` on ``obj``.

    ``details`` holds non-personal facts only (field names, filters). ``durable`` defaults to
    true for denials and for reads (actions ending in ``.view``, ``.list`` or ``.search``).
    """
    details = dict(details or {})
    _check_details(details)
    object_type, object_id = _object_ref(obj)
    fields: dict[str, Any] = {
        "occurred_at": utcnow(),
        "actor_user_id": getattr(actor, "id", None),
        "actor_username": getattr(actor, "username", None),
        "actor_organisation": getattr(getattr(actor, "organisation", None), "slug", None),
        "action": str(action),
        "object_type": object_type,
        "object_id": object_id,
        "case_id": case_id if case_id is not None else _case_id_of(obj),
        "outcome": Outcome(outcome),
        "reason": reason,
        "details": details,
    }
    if has_request_context():
        fields["client_ip"] = request.remote_addr
        fields["user_agent"] = (request.user_agent.string or "")[:300] or None
        fields["request_id"] = g.get("request_id")
    event = chain.append(db.session(), AuditEvent(**fields))
    if durable is None:
        durable = fields["outcome"] is not Outcome.ALLOWED or action.endswith((".view", ".list", ".search", ".export"))
    if durable and has_request_context():
        g.setdefault("durable_audit", []).append(fields)
    return event


def replay_durable() -> int:
    """Re-append the durable events of a request whose transaction was rolled back."""
    pending = g.pop("durable_audit", [])
    for fields in pending:
        chain.append(db.session(), AuditEvent(**fields))
    return len(pending)
