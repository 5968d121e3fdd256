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
    return not current_app.config.get("ENCRYPTION_DISABLED_FOR_BENCHMARK", False)


# -- data keys ---------------------------------------------------------------------------------


def _dek_cache(session: Session) -> dict[int, bytes]:
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
        select(table.c.id, table.c.kek_id, table.c.wrapped).where(
            table.c.owner_type == owner_type, table.c.owner_ref == ref
        )
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
    cache = _dek_cache(session)
    if row.id not in cache:
        if row.wrapped is None:
            raise DecryptionError("data key shredded")
        cache[row.id] = envelope.unwrap_dek(current_keyring(), row.kek_id, row.wrapped, f"{owner_type}:{ref}")
    return row.id, cache[row.id]


def key_by_id(session: Session, key_id: int) -> bytes:
    """The unwrapped data key with this id (cached for the session). :raises DecryptionError:"""
    cache = _dek_cache(session)
    if key_id not in cache:
        table = DataKey.__table__
        row = (
            session.connection()
            .execute(
                select(table.c.owner_type, table.c.owner_ref, table.c.kek_id, table.c.wrapped).where(
                    table.c.id == key_id
                )
            )
            .first()
        )
        if row is None or row.wrapped is None:
            raise DecryptionError("data key missing or shredded")
        cache[key_id] = envelope.unwrap_dek(
            current_keyring(), row.kek_id, row.wrapped, f"{row.owner_type}:{row.owner_ref}"
        )
    return cache[key_id]


def is_shredded(session: Session, key_id: int) -> bool:
    table = DataKey.__table__
    wrapped = session.connection().execute(select(table.c.wrapped).where(table.c.id == key_id)).first()
    return wrapped is None or wrapped.wrapped is None


def shred(session: Session, owner: Any) -> bool:
    """Destroy ``owner``'s data key: everything it protected becomes unreadable for good."""
    owner_type, ref = owner_ref(owner)
    row = session.scalar(select(DataKey).where(DataKey.owner_type == owner_type, DataKey.owner_ref == ref))
    if row is None or row.wrapped is None:
        return False
    row.wrapped = None
    row.shredded_at = utcnow()
    _dek_cache(session).pop(row.id, None)
    session.flush()
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
            current = getattr(obj, self.column_attr)  # load it if expired, so the change can be flagged
            if self.column_attr in obj.__dict__:
                flag_modified(obj, self.column_attr)
            else:  # never set since INSERT (e.g. NULL): assigning marks the row dirty for before_flush
                setattr(obj, self.column_attr, current)

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
            key_id = fields.blob_dek_id(blob)
            if session is not None and is_shredded(session, key_id):
                return UnreadableText("shredded")
            if session is None:
                raise DecryptionError("no session to fetch the data key")
            return self.decode(fields.decrypt_text(key_by_id(session, key_id), blob, self.aad(obj)))
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


def _fields_of(cls: type) -> list[EncryptedText]:
    found: list[EncryptedText] = []
    for klass in cls.__mro__:
        found.extend(_ENCRYPTED_FIELDS.get(klass, ()))
    return found


def init_app(app: Flask) -> None:
    """Load the keyring (see ``casebook.crypto.setup``) and make it available to the store."""
    from casebook.crypto.setup import load_app_keyring

    app.extensions["casebook.keyring"] = load_app_keyring(app)
