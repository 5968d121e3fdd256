"""The database side of encryption at rest: data keys per owner and encrypted model attributes.

Models declare an encrypted attribute once::

    class Note(Base):
        uuid: Mapped[str] = uuid_column()
        body_ciphertext: Mapped[bytes | None] = mapped_column("body", LargeBinary)
        body = EncryptedText("body_ciphertext", owner=lambda note: note.case)

Callers read and write plain text (``note.body = "…"``). Encryption happens at flush, when
the owner and the row's uuid are known; the associated data binds each ciphertext to its table,
column, row uuid and owner, so a ciphertext copied elsewhere fails to decrypt. Owners (cases,
persons …) have a ``uuid`` and a class attribute ``crypto_owner_type``.

A value that cannot be read comes back as an ``UnreadableText`` (a ``str`` carrying a clear
Dutch marker) so a page shows "gegevens vernietigd" or an integrity error for that item and
still works; an integrity failure is audited.
"""

from __future__ import annotations

import logging
import uuid as uuid_module
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app
from sqlalchemy import String, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.orm.attributes import flag_modified, instance_state

from casebook.crypto import envelope, fields
from casebook.crypto.errors import DecryptionError
from casebook.crypto.keyring import Keyring
from casebook.crypto.models import DataKey
from casebook.db import utcnow

log = logging.getLogger(__name__)

SHREDDED_TEXT = "[gegevens vernietigd]"
INTEGRITY_TEXT = "[integriteitsfout: dit gegeven kan niet worden gecontroleerd en wordt niet getoond]"


class UnreadableText(str):
    """Shown instead of a value that was shredded or failed authentication."""

    reason: str

    def __new__(cls, reason: str) -> UnreadableText:
        obj = super().__new__(cls, SHREDDED_TEXT if reason == "shredded" else INTEGRITY_TEXT)
        obj.reason = reason
        return obj


def uuid_column() -> Mapped[str]:
    """A client-side uuid: the row reference bound into ciphertexts (known before INSERT)."""
    return mapped_column(String(36), unique=True, default=lambda: str(uuid_module.uuid4()))


def ensure_uuid(obj: Any) -> str:
    if getattr(obj, "uuid", None) is None:
        obj.uuid = str(uuid_module.uuid4())
    return obj.uuid


def current_keyring() -> Keyring:
    return current_app.extensions["casebook.keyring"]


def encryption_enabled() -> bool:
    """Benchmarks switch encryption off (``ENCRYPTION_DISABLED_FOR_BENCHMARK``); never in production."""
    return not current_app.config["ENCRYPTION_DISABLED_FOR_BENCHMARK"]


# -- data keys ---------------------------------------------------------------------------------


class _Unavailable:
    """Cached instead of a data key that is shredded, missing or does not unwrap."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


_SHREDDED = _Unavailable("data key shredded")
_MISSING = _Unavailable("data key missing")
_PREFETCH_CHUNK = 500


def _dek_cache(session: Session) -> dict[int, bytes | _Unavailable]:
    """Unwrapped data keys live in the session (one request) only, never in process-wide memory."""
    return session.info.setdefault("casebook_deks", {})


def owner_ref(owner: Any) -> tuple[str, str]:
    return owner.crypto_owner_type, ensure_uuid(owner)


def data_key_for(session: Session, owner: Any) -> tuple[int, bytes]:
    """The (id, key) of ``owner``'s data key, creating and wrapping it on first use.

    Runs inside ``before_flush``, so a new key is inserted with Core (no nested ORM flush).
    :raises DecryptionError: the owner's key was shredded (nothing new may be written for it).
    """
    owner_type, ref = owner_ref(owner)
    table = DataKey.__table__
    connection = session.connection()
    row = connection.execute(
        select(table.c.id).where(table.c.owner_type == owner_type, table.c.owner_ref == ref)
    ).first()
    if row is None:
        dek = envelope.new_dek()
        kek_id, wrapped = envelope.wrap_dek(current_keyring(), dek, f"{owner_type}:{ref}")
        key_id = connection.execute(
            table.insert().returning(table.c.id),
            {"owner_type": owner_type, "owner_ref": ref, "kek_id": kek_id, "wrapped": wrapped, "created_at": utcnow()},
        ).scalar_one()
        _dek_cache(session)[key_id] = dek
        return key_id, dek
    return row.id, key_by_id(session, row.id)


def _referenced_key_ids(session: Session) -> set[int]:
    """Data-key ids named by the ciphertexts of objects already loaded in the session (no lazy loads)."""
    ids: set[int] = set()
    for obj in list(session.identity_map.values()):
        for encrypted in _fields_of(type(obj)):
            blob = obj.__dict__.get(encrypted.column_attr)
            if blob:
                try:
                    ids.add(fields.blob_dek_id(bytes(blob)))
                except DecryptionError:
                    continue
    return ids


def _prefetch_keys(session: Session, key_id: int) -> None:
    """Fetch and unwrap ``key_id`` together with every other key the loaded objects need, in one query.

    A page that lists 50 persons (each with its own data key) then costs one query for all its
    keys instead of one per person; the unwrapping itself is a few microseconds per key.
    """
    cache = _dek_cache(session)
    wanted = sorted(({key_id} | _referenced_key_ids(session)) - cache.keys())
    table = DataKey.__table__
    keyring = current_keyring()
    for start in range(0, len(wanted), _PREFETCH_CHUNK):
        chunk = wanted[start : start + _PREFETCH_CHUNK]
        rows = session.connection().execute(
            select(table.c.id, table.c.owner_type, table.c.owner_ref, table.c.kek_id, table.c.wrapped).where(
                table.c.id.in_(chunk)
            )
        )
        for row in rows:
            if row.wrapped is None:
                cache[row.id] = _SHREDDED
                continue
            try:
                cache[row.id] = envelope.unwrap_dek(
                    keyring, row.kek_id, row.wrapped, f"{row.owner_type}:{row.owner_ref}"
                )
            except DecryptionError as exc:
                cache[row.id] = _Unavailable(str(exc))
        for missing in chunk:
            cache.setdefault(missing, _MISSING)


def _key_state(session: Session, key_id: int) -> bytes | _Unavailable:
    cache = _dek_cache(session)
    if key_id not in cache:
        _prefetch_keys(session, key_id)
    return cache[key_id]


def key_by_id(session: Session, key_id: int) -> bytes:
    """The unwrapped data key with this id (cached for the session). :raises DecryptionError:"""
    state = _key_state(session, key_id)
    if isinstance(state, _Unavailable):
        raise DecryptionError(state.reason)
    return state


def is_shredded(session: Session, key_id: int) -> bool:
    return _key_state(session, key_id) is _SHREDDED


_SHRED_HOOKS: dict[str, list[Callable[[Session, Any], None]]] = {}


def register_shred_hook(owner_type: str, hook: Callable[[Session, Any], None]) -> None:
    """Let a domain module remove what it derived from an owner's data (e.g. blind indexes) when it is shredded."""
    _SHRED_HOOKS.setdefault(owner_type, []).append(hook)


def shred(session: Session, owner: Any, *, by: Any = None, reason: str | None = None) -> bool:
    """Destroy ``owner``'s data key: everything it protected becomes unreadable for good.

    Also runs the owner type's shred hooks (blind-index entries go too), drops decrypted values
    cached on objects in this session, and records ``crypto.shred``. Returns False when there was
    nothing left to shred. The audit event carries no personal data, so the chain still verifies:
    ``reason`` is a code (``retention_expired``), never free text, as it goes into the chain.
    """
    owner_type, ref = owner_ref(owner)
    row = session.scalar(select(DataKey).where(DataKey.owner_type == owner_type, DataKey.owner_ref == ref))
    if row is None or row.wrapped is None:
        return False
    row.wrapped = None
    row.shredded_at = utcnow()
    _dek_cache(session)[row.id] = _SHREDDED
    session.flush()
    for hook in _SHRED_HOOKS.get(owner_type, ()):
        hook(session, owner)
    for obj in list(session.identity_map.values()):
        for encrypted in _fields_of(type(obj)):
            if encrypted.owner(obj) is owner:
                obj.__dict__.pop(encrypted._cache_key, None)
    from casebook import audit

    details = {"owner_type": owner_type, "data_key": row.id, **({"reason": reason} if reason else {})}
    audit.record(by, "crypto.shred", owner, details=details)
    return True


# -- encrypted attributes ----------------------------------------------------------------------

_ENCRYPTED_FIELDS: dict[type, list[EncryptedText]] = {}


class EncryptedText:
    """A model attribute stored encrypted in ``column_attr`` under the data key of ``owner(obj)``."""

    def __init__(
        self,
        column_attr: str,
        owner: Callable[[Any], Any],
        *,
        encode: Callable[[Any], str] = str,
        decode: Callable[[str], Any] = str,
    ) -> None:
        self.column_attr = column_attr
        self.owner = owner
        self.encode = encode
        self.decode = decode
        self.name = ""

    def __set_name__(self, cls: type, name: str) -> None:
        self.name = name
        _ENCRYPTED_FIELDS.setdefault(cls, []).append(self)
        _FIELDS_BY_CLASS.clear()

    @property
    def _pending_key(self) -> str:
        return f"_casebook_plain_{self.name}"

    @property
    def _cache_key(self) -> str:
        return f"_casebook_decrypted_{self.name}"

    def __get__(self, obj: Any, cls: type | None = None) -> Any:
        if obj is None:
            return self
        state = obj.__dict__
        if self._pending_key in state:
            return state[self._pending_key]
        blob = getattr(obj, self.column_attr)
        if blob is None:
            return None
        cached = state.get(self._cache_key)
        if cached is not None and cached[0] is blob:
            return cached[1]
        value = self._decrypt(obj, bytes(blob))
        state[self._cache_key] = (blob, value)
        return value

    def __set__(self, obj: Any, value: str | None) -> None:
        if isinstance(value, UnreadableText):
            raise ValueError("an unreadable value cannot be written back")
        obj.__dict__[self._pending_key] = value
        state = instance_state(obj)
        if state.persistent or state.detached:
            getattr(obj, self.column_attr)  # load it if expired, so the change can be flagged
            if self.column_attr not in obj.__dict__:  # never set since the INSERT: nothing to load
                setattr(obj, self.column_attr, None)
            flag_modified(obj, self.column_attr)

    def aad(self, obj: Any) -> bytes:
        owner_type, ref = owner_ref(self.owner(obj))
        return fields.field_aad(obj.__tablename__, self.column_attr, ensure_uuid(obj), f"{owner_type}:{ref}")

    def encrypt_pending(self, session: Session, obj: Any) -> None:
        if self._pending_key not in obj.__dict__:
            return
        value = obj.__dict__.pop(self._pending_key)
        if value is None:
            setattr(obj, self.column_attr, None)
            return
        text = self.encode(value)
        if not encryption_enabled():
            blob = b"\x00" + text.encode()
        else:
            key_id, dek = data_key_for(session, self.owner(obj))
            blob = fields.encrypt_text(dek, key_id, text, self.aad(obj))
        setattr(obj, self.column_attr, blob)
        obj.__dict__[self._cache_key] = (blob, value)

    def _decrypt(self, obj: Any, blob: bytes) -> str:
        if blob[:1] == b"\x00" and not encryption_enabled():
            return self.decode(blob[1:].decode())
        session = Session.object_session(obj)
        try:
            if session is None:
                raise DecryptionError("no session to fetch the data key")
            key = _key_state(session, fields.blob_dek_id(blob))
            if key is _SHREDDED:
                return UnreadableText("shredded")
            if isinstance(key, _Unavailable):
                raise DecryptionError(key.reason)
            return self.decode(fields.decrypt_text(key, blob, self.aad(obj)))
        except DecryptionError:
            log.warning("integrity failure on %s.%s id=%s", type(obj).__name__, self.name, getattr(obj, "id", None))
            _audit_integrity_failure(obj, self.name)
            return UnreadableText("integrity")


def _audit_integrity_failure(obj: Any, field_name: str) -> None:
    from flask_login import current_user

    from casebook import audit
    from casebook.audit import Outcome

    actor = current_user._get_current_object() if current_user and current_user.is_authenticated else None
    audit.record(
        actor, "crypto.integrity_failure", obj, outcome=Outcome.ERROR, details={"field": field_name}, durable=True
    )


@event.listens_for(Session, "before_flush")
def _encrypt_before_flush(session: Session, _flush_context: Any, _instances: Any) -> None:
    """Encrypt pending plain values of new and changed objects, now that owners are known."""
    for obj in list(session.new) + list(session.dirty):
        for encrypted in _fields_of(type(obj)):
            encrypted.encrypt_pending(session, obj)


_FIELDS_BY_CLASS: dict[type, tuple[EncryptedText, ...]] = {}


def _fields_of(cls: type) -> tuple[EncryptedText, ...]:
    """The encrypted attributes of ``cls`` and its bases (memoised: called for every object at flush)."""
    found = _FIELDS_BY_CLASS.get(cls)
    if found is None:
        found = tuple(f for klass in cls.__mro__ for f in _ENCRYPTED_FIELDS.get(klass, ()))
        _FIELDS_BY_CLASS[cls] = found
    return found


def init_app(app: Flask) -> None:
    """Load the keyring (see ``casebook.crypto.setup``) and make it available to the store."""
    from casebook.crypto.setup import check_keyring_against_database, load_app_keyring

    keyring = load_app_keyring(app)
    check_keyring_against_database(app.extensions["casebook.engine"], keyring)
    app.extensions["casebook.keyring"] = keyring
