"""Reference data read once per process instead of once per request: the choices a screen offers.

Status types, closing results, case types, districts and intervention kinds change when the
functional admin (or a migration, or the demo seed) changes them, not while a case worker works;
yet every case page and case list read them again to fill a select box. ``reference_values`` reads
such a list once per app and keeps it for ``REFERENCE_CACHE_SECONDS``.

What may be kept here, and what may not:

- only reference data that is neither personal nor a decision: labels and ids to *offer*. The
  service that acts on a choice reads the row itself (a transition checks the status against the
  case's type, an intervention checks that its kind is active), so a stale choice can at most be
  offered and then refused — never let anything through;
- nothing the policy decides on (organisations a case may involve, users, authorisations): those
  are read per request, as the policy reads them;
- plain values (tuples, frozen dataclasses, strings), never ORM objects, so nothing cached is bound
  to, or can be lazy-loaded through, another request's session.

Kept per app (``app.extensions``), never in a process global: two apps in one process (tests, the
bench) do not share it. Emptied at once when this process writes a row of a watched model (flush,
or an ORM ``insert``/``update``/``delete``), again when that transaction ends, and when a
connection that wrote one rolls back (a test's outer transaction does); a transaction that has
written one reads past the cache until it ends, so uncommitted data is never kept. Changes made by
another process (a migration, ``seed-demo``) show after at most ``REFERENCE_CACHE_SECONDS``; 0
turns the cache off.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from flask import Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from casebook.db import db

EXTENSION_KEY = "casebook.reference"
WROTE_REFERENCE = "casebook_wrote_reference"  # on a session's and a connection's ``info``

T = TypeVar("T")

# The models whose rows feed a cache entry somewhere. A write of any of them empties every entry
# of every app in the process: reference data changes rarely, and a precise invalidation is not
# worth a mistake (a session or a connection does not know which app it serves).
_watched: set[type] = set()
_caches: weakref.WeakSet[ReferenceCache] = weakref.WeakSet()


class ReferenceCache:
    """One app's reference values: ``{key: (read at, value)}``.

    ``generation`` counts the clearings: a value read while the cache was cleared (another thread
    wrote reference data meanwhile) may be the old one and is not kept."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.generation = 0
        self._values: dict[Hashable, tuple[float, Any]] = {}
        self._lock = threading.Lock()
        _caches.add(self)

    def get(self, key: Hashable, read: Callable[[], T]) -> T:
        now = time.monotonic()
        with self._lock:
            held = self._values.get(key)
            generation = self.generation
        if held is not None and now - held[0] < self.seconds:
            return held[1]
        value = read()
        if self.seconds > 0 and not _writing_reference():
            with self._lock:
                if generation == self.generation:
                    self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()
            self.generation += 1


def _cache_of(app: Flask) -> ReferenceCache:
    cache = app.extensions.get(EXTENSION_KEY)
    if cache is None:
        seconds = float(app.config["REFERENCE_CACHE_SECONDS"])
        cache = app.extensions.setdefault(EXTENSION_KEY, ReferenceCache(seconds))
    return cache


def reference_values(key: Hashable, read: Callable[[], T], *, models: tuple[type, ...]) -> T:
    """``read()``, kept for the current app under ``key`` (include in it whatever the value depends
    on, e.g. a case type id). ``models``: the models ``read`` selects from; a write of one empties
    the cache. ``read`` must return plain values (see the module's docstring), never ORM objects."""
    _watched.update(models)
    if not has_app_context():
        return read()
    return _cache_of(current_app).get(key, read)


def forget() -> None:
    """Empty every app's cache (any write of reference data does this itself)."""
    for cache in list(_caches):
        cache.clear()


def _writing_reference() -> bool:
    """Has the current session written reference data in a transaction not yet ended?"""
    return bool(db.session().info.get(WROTE_REFERENCE))


def _wrote(session: Session) -> None:
    session.info[WROTE_REFERENCE] = True
    connection = session.connection()
    connection.info[WROTE_REFERENCE] = True
    forget()


@event.listens_for(Session, "after_flush")
def _after_flush(session: Session, _flush_context: UOWTransaction) -> None:
    if _watched and any(isinstance(obj, tuple(_watched)) for obj in (*session.new, *session.dirty, *session.deleted)):
        _wrote(session)


@event.listens_for(Session, "do_orm_execute")
def _orm_execute(state: ORMExecuteState) -> None:
    """``insert(District)``, ``update(StatusType)`` … through the session: past the unit of work."""
    writes = state.is_insert or state.is_update or state.is_delete
    if writes and state.bind_mapper is not None and state.bind_mapper.class_ in _watched:
        _wrote(state.session)


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    if session.info.pop(WROTE_REFERENCE, None):
        forget()


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, previous_transaction: SessionTransaction) -> None:
    if session.info.get(WROTE_REFERENCE):
        forget()
        if previous_transaction.parent is None:  # the transaction itself, not a savepoint in it
            session.info.pop(WROTE_REFERENCE, None)


def _connection_ended(connection: Connection) -> None:
    """A rollback past the session (the test harness's outer transaction) or a commit of a
    connection that wrote reference data: what was read from it may not have been kept. A
    connection the server dropped (a restart) has no info left to ask: forget, to be safe."""
    if connection.invalidated or connection.info.pop(WROTE_REFERENCE, None):
        forget()


event.listen(Engine, "commit", _connection_ended)
event.listen(Engine, "rollback", _connection_ended)
