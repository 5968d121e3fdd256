"""The audit trail: ``record()`` writes one event, chained under the keyring's chain key, in the
caller's transaction — linked into the chain when that transaction commits (``chain.seal``), so
no request holds the chain's lock while it works; ``seal_pending()`` links the buffer earlier.

Nothing a user types reaches the chain (it is unshreddable, so personal data in it would be
there for good): ``record`` refuses a ``reason`` and details that hold free text — a string with
whitespace or punctuation beyond that of codes, slugs, references and timestamps, or a long one.
Free text lives encrypted on its own row; the event references the row. (A bare number passes
even when it looks like a BSN, because ids from URLs look the same; a ``bsn`` key never passes.)

A change and its event commit together or not at all. Reads and denials are *durable*: when a
request ends in an error and its changes roll back, the request wrapper writes them again in a
fresh transaction (see ``casebook.web``), so "who looked at this file" stays complete.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from flask import current_app, g, has_request_context, request
from sqlalchemy.orm import Session

from casebook.audit import chain
from casebook.audit.models import AuditEvent, Outcome
from casebook.db import db, utcnow

__all__ = [
    "UNKNOWN",
    "AuditEvent",
    "FreeTextRefused",
    "Outcome",
    "chain_key",
    "checkpoint_key",
    "filter_details",
    "known",
    "observe",
    "one_of",
    "record",
    "replay_durable",
    "seal_pending",
]

FORBIDDEN_DETAIL_KEYS = frozenset({"body", "text", "name", "bsn", "password", "code", "token", "session", "secret"})
# Codes, slugs, usernames, references, ids, ISO timestamps, endpoints ("note:3", "api.case_list").
TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_.:@/+*#=-]{1,128}")
# Markers callers use for a value they withheld (e.g. the audit search's "(not shown)").
WITHHELD_MARKERS = frozenset({"(not shown)", "(unknown)"})


OBSERVERS = "casebook.audit.observers"  # app.extensions key: callables told of every recorded event


def observe(app: Any, observer: Callable[[AuditEvent, Any], None]) -> None:
    """Have ``observer(event, obj)`` called for every event ``record`` writes in ``app``, in the same
    transaction: the one place a module hooks into every audited read and change of personal data
    (the processing log does). An observer that raises fails the recording — and so the operation."""
    app.extensions.setdefault(OBSERVERS, []).append(observer)


class FreeTextRefused(ValueError):
    """A caller tried to put free text into the audit chain: a programming error, never user input."""


def chain_key() -> bytes:
    """The HMAC key of the chain's events, from the application's keyring (never the database)."""
    return current_app.extensions["casebook.keyring"].chain_key_for("event")


def checkpoint_key() -> bytes:
    """The key that signs checkpoints of the chain head."""
    return current_app.extensions["casebook.keyring"].chain_key_for("checkpoint")


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
    _check_value(details, "details")


def _check_value(value: Any, where: str) -> None:
    """Refuse free-text-shaped values anywhere in ``details`` (keys too). The message names the
    place only, never the value."""
    if value is None or isinstance(value, bool | int | float):
        return
    if isinstance(value, str):
        if value in WITHHELD_MARKERS or value == "":
            return
        if not TOKEN_SHAPE.fullmatch(value):
            raise FreeTextRefused(
                f"audit {where} holds free text; store it encrypted on its own row and reference the row"
            )
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str) or not TOKEN_SHAPE.fullmatch(key):
                raise FreeTextRefused(f"audit {where} has a key that is not a plain name")
            _check_value(item, f"{where}.{key}")
        return
    if isinstance(value, list | tuple):
        for item in value:
            _check_value(item, f"{where}[]")
        return
    raise FreeTextRefused(f"audit {where} holds a {type(value).__name__}, not a plain value")


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    case_id: int | None = None,
    outcome: Outcome = Outcome.ALLOWED,
    details: dict[str, Any] | None = None,
    durable: bool | None = None,
    reason: None = None,
) -> AuditEvent:
    """Record an audit event for ``actor`` doing ``action`` on ``obj`` in the current transaction.

    The event is returned unchained (no ``id``, ``seq`` or ``hash`` yet): it is linked into the chain
    when the transaction commits, and dropped with it — or with the savepoint it was recorded in —
    on a rollback. ``seal_pending()`` links it earlier.

    ``details`` holds non-personal facts only (field names, codes, ids of the rows that hold any
    text). ``durable`` defaults to true for denials and for reads (actions ending in ``.view``,
    ``.list`` or ``.search``).

    :raises FreeTextRefused: a ``reason=`` (events have no free-text field any more) or details
        holding free text.
    """
    if reason is not None:
        raise FreeTextRefused(
            "audit.record takes no reason: free text never enters the chain; "
            "store it encrypted on its own row and put the row's id in details"
        )
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
        "details": details,
    }
    if has_request_context():
        fields["client_ip"] = request.remote_addr
        fields["user_agent"] = (request.user_agent.string or "")[:300] or None
        fields["request_id"] = g.get("request_id")
    event = chain.enqueue(db.session(), AuditEvent(**fields), chain_key())
    for observer in current_app.extensions.get(OBSERVERS, ()):
        observer(event, obj)
    if durable is None:
        durable = fields["outcome"] is not Outcome.ALLOWED or action.endswith((".view", ".list", ".search", ".export"))
    if durable and has_request_context():
        g.setdefault("durable_audit", []).append(fields)
    return event


# What a list or search event records for a filter value that did not resolve to reference data.
UNKNOWN = "(unknown)"

Resolver = Callable[[Any], Any]


def known(column: Any, *, key: Any = None, normalise: Callable[[str], str] = str.strip) -> Resolver:
    """A resolver for ``filter_details``: the value of ``column`` of the row whose ``key`` (default:
    ``column``) equals the typed value (normalised), or None when no such row exists. E.g.
    ``known(District.code)``, or ``known(User.id, key=func.lower(User.username), normalise=...)`` to
    record a user id for a typed username."""
    from sqlalchemy import select

    def resolve(value: Any) -> Any:
        typed = normalise(value) if isinstance(value, str) else value
        return db.session.scalar(select(column).where((column if key is None else key) == typed).limit(1))

    return resolve


def one_of(allowed: Any) -> Resolver:
    """A resolver for ``filter_details``: the value itself when it is one of ``allowed`` (e.g. an
    enum's values), else None."""
    values = {str(getattr(item, "value", item)) for item in allowed}
    return lambda value: str(value) if str(value) in values else None


def filter_details(filters: Mapping[str, tuple[Any, Resolver]]) -> dict[str, Any]:
    """The ``filters`` details of a list or search event: each filter that was given is recorded
    only as the reference data it resolved to (``resolver(value)``: a code that exists, a user id, a
    known status — or None), else as ``UNKNOWN``. A typed value never reaches the chain as typed:
    a code-shaped BSN or name (``999996873``, ``jansen.fatima.2008-03-04``) passes ``record``'s
    free-text check, so the only safe filter value is one that is reference data.

    ``filters`` maps the detail's name to ``(typed value, resolver)``; a value None or "" is left out.
    """
    recorded: dict[str, Any] = {}
    for name, (value, resolve) in filters.items():
        if value is None or value == "":
            continue
        resolved = resolve(value)
        if resolved is None:
            recorded[name] = UNKNOWN
        elif hasattr(resolved, "isoformat"):
            recorded[name] = resolved.isoformat()
        else:
            recorded[name] = resolved if isinstance(resolved, int | bool) else str(resolved)
    return recorded


def replay_durable() -> int:
    """Record again, in the session's fresh transaction, the durable events of a request whose
    transaction was rolled back (the rollback dropped them from the buffer); its commit chains them."""
    pending = g.pop("durable_audit", [])
    key = chain_key()
    for fields in pending:
        chain.enqueue(db.session(), AuditEvent(**fields), key)
    return len(pending)


def seal_pending(session: Session | None = None) -> list[AuditEvent]:
    """Chain the events recorded in ``session``'s transaction (default: the app's) now, instead of at
    its commit, and return them with their ``seq`` and ``hash``.

    For a check or a test that must see its own events before committing. It takes the chain lock
    for the rest of the transaction, which the commit-time sealing exists to avoid: a request that
    merely shows the trail does without its own in-flight events.

    :raises chain.SealInSavepoint: inside a savepoint.
    """
    return chain.seal(session if session is not None else db.session())
