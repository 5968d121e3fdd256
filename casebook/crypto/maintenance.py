"""Key maintenance over the database: re-wrap data keys under the primary KEK, count keys in use, verify.

Used by ``casebook keys rotate | retire | verify``. Rotation touches the small ``data_key`` rows
only, never a field ciphertext: a field names its data key by id, and the data key itself does
not change, only the KEK it is wrapped under.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from casebook.crypto import envelope, fields
from casebook.crypto.errors import DecryptionError
from casebook.crypto.keyring import Keyring
from casebook.crypto.models import DataKey
from casebook.crypto.store import _ENCRYPTED_FIELDS, EncryptedText, is_shredded, key_by_id
from casebook.db import utcnow

_KEYS = DataKey.__table__


def data_keys_under(session: Session, kek_id: str) -> int:
    """How many live (not shredded) data keys are wrapped under ``kek_id``."""
    return session.scalar(
        select(func.count()).select_from(_KEYS).where(_KEYS.c.kek_id == kek_id, _KEYS.c.wrapped.is_not(None))
    )


def data_keys_not_under(session: Session, kek_id: str) -> int:
    """How many live data keys still wait to be re-wrapped under ``kek_id`` (an unfinished rotation if > 0)."""
    return session.scalar(
        select(func.count()).select_from(_KEYS).where(_KEYS.c.kek_id != kek_id, _KEYS.c.wrapped.is_not(None))
    )


@dataclass
class RewrapResult:
    rewrapped: int = 0
    failed: list[int] = field(default_factory=list)  # data-key ids that did not unwrap


def rewrap_all(
    session: Session,
    keyring: Keyring,
    *,
    batch_size: int = 500,
    on_batch: Callable[[int], None] | None = None,
) -> RewrapResult:
    """Re-wrap every live data key not yet under the primary KEK, committing once per batch.

    Resumable: an interrupted run leaves committed batches under the new key, and the next run
    selects only the keys still under an old one. The update is conditional on the row still
    holding the wrap that was read, so a key shredded meanwhile is never brought back.
    """
    primary_id = keyring.primary_id
    result = RewrapResult()
    last_id = 0
    while True:
        rows = session.execute(
            select(_KEYS.c.id, _KEYS.c.owner_type, _KEYS.c.owner_ref, _KEYS.c.kek_id, _KEYS.c.wrapped)
            .where(_KEYS.c.kek_id != primary_id, _KEYS.c.wrapped.is_not(None), _KEYS.c.id > last_id)
            .order_by(_KEYS.c.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return result
        try:
            for row in rows:
                owner = f"{row.owner_type}:{row.owner_ref}"
                try:
                    kek_id, wrapped = envelope.rewrap_dek(keyring, row.kek_id, row.wrapped, owner)
                except DecryptionError:
                    result.failed.append(row.id)
                    continue
                done = session.execute(
                    update(_KEYS)
                    .where(_KEYS.c.id == row.id, _KEYS.c.kek_id == row.kek_id, _KEYS.c.wrapped == row.wrapped)
                    .values(kek_id=kek_id, wrapped=wrapped, rewrapped_at=utcnow())
                )
                result.rewrapped += done.rowcount
            session.commit()
        except BaseException:
            session.rollback()
            raise
        last_id = rows[-1].id
        if on_batch is not None:
            on_batch(len(rows))


@dataclass
class VerifyReport:
    keys_checked: int = 0
    values_checked: int = 0
    shredded: int = 0
    failures: list[str] = field(default_factory=list)  # "person 12 bsn: reason" — ids and field names only


def encrypted_models() -> dict[type, list[EncryptedText]]:
    """Every model class with encrypted attributes, and those attributes."""
    return {cls: list(attrs) for cls, attrs in _ENCRYPTED_FIELDS.items()}


def _rows(session: Session, cls: type, sample: int | None, batch_size: int) -> Iterator[list[Any]]:
    if sample is not None:
        ids = list(session.scalars(select(cls.id)))
        chosen = sorted(random.sample(ids, min(sample, len(ids))))
        for start in range(0, len(chosen), batch_size):
            yield list(session.scalars(select(cls).where(cls.id.in_(chosen[start : start + batch_size]))))
        return
    last_id = 0
    while True:
        batch = list(session.scalars(select(cls).where(cls.id > last_id).order_by(cls.id).limit(batch_size)))
        if not batch:
            return
        yield batch
        last_id = batch[-1].id


def verify_all(session: Session, keyring: Keyring, *, sample: int | None = None, batch_size: int = 500) -> VerifyReport:
    """Unwrap every live data key and decrypt every encrypted value (or ``sample`` rows per model).

    Failures name the table, row id, field and reason, never a value. Shredded values are
    counted apart: they are unreadable on purpose.
    """
    report = VerifyReport()
    session.info.pop("casebook_deks", None)  # verify what is stored, not keys unwrapped earlier in this session
    keys = session.execute(select(_KEYS).where(_KEYS.c.wrapped.is_not(None)).order_by(_KEYS.c.id)).all()
    if sample is not None:
        keys = random.sample(keys, min(sample, len(keys)))
    for row in keys:
        report.keys_checked += 1
        try:
            envelope.unwrap_dek(keyring, row.kek_id, row.wrapped, f"{row.owner_type}:{row.owner_ref}")
        except DecryptionError as exc:
            report.failures.append(f"data_key {row.id}: {exc}")
    for cls, attributes in encrypted_models().items():
        for batch in _rows(session, cls, sample, batch_size):
            for obj in batch:
                for attribute in attributes:
                    _verify_value(session, obj, attribute, report)
            session.expunge_all()
            session.info.pop("casebook_deks", None)
    return report


def _verify_value(session: Session, obj: Any, attribute: EncryptedText, report: VerifyReport) -> None:
    blob = getattr(obj, attribute.column_attr)
    if blob is None:
        return
    report.values_checked += 1
    where = f"{obj.__tablename__} {obj.id} {attribute.name}"
    try:
        key_id = fields.blob_dek_id(bytes(blob))
        if session.execute(select(_KEYS.c.id).where(_KEYS.c.id == key_id)).first() is None:
            raise DecryptionError("its data key does not exist")
        if is_shredded(session, key_id):
            report.shredded += 1
            return
        fields.decrypt_text(key_by_id(session, key_id), bytes(blob), attribute.aad(obj))
    except DecryptionError as exc:
        report.failures.append(f"{where}: {exc}")
