"""Encrypted model attributes: per-owner data keys, bound ciphertexts, shredding, integrity errors."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select, text

from casebook import create_app
from casebook.audit import Outcome
from casebook.crypto import generate_keyring, keyring_to_json
from casebook.crypto.models import DataKey
from casebook.crypto.store import INTEGRITY_TEXT, SHREDDED_TEXT, UnreadableText, shred
from casebook.db import db
from casebook.people.models import Person
from casebook.settings import ConfigurationError
from tests.factories import make_person, make_user
from tests.helpers import last_event


def _reload(person_id: int) -> Person:
    db.session.commit()
    db.session.expunge_all()
    return db.session.get(Person, person_id)


def _raw(person_id: int, column: str) -> bytes:
    return bytes(db.session.execute(text(f"SELECT {column} FROM person WHERE id = :id"), {"id": person_id}).scalar())


def test_person_fields_round_trip_and_are_ciphertext_in_the_database():
    person = make_person("van der Berg", given_names="Noor", birth_date=date(2009, 2, 3), bsn="123456782")
    again = _reload(person.id)
    assert (again.family_name, again.given_names, again.birth_date, again.bsn) == (
        "van der Berg",
        "Noor",
        date(2009, 2, 3),
        "123456782",
    )
    raw = _raw(person.id, "family_name") + _raw(person.id, "bsn")
    assert b"Berg" not in raw and b"123456782" not in raw
    assert raw[:1] == b"\x01"


def test_each_person_gets_its_own_wrapped_data_key():
    a, b = make_person("Jansen"), make_person("Jansen")
    db.session.commit()
    keys = db.session.scalars(select(DataKey).where(DataKey.owner_ref.in_([a.uuid, b.uuid]))).all()
    assert len(keys) == 2 and keys[0].wrapped != keys[1].wrapped
    assert _raw(a.id, "family_name") != _raw(b.id, "family_name")


def test_same_value_twice_gives_different_ciphertexts():
    person = make_person("Bakker", given_names="Bakker")
    db.session.commit()
    assert _raw(person.id, "family_name") != _raw(person.id, "given_names")


def test_ciphertext_moved_to_another_row_or_column_fails_with_a_clear_marker():
    user = make_user()
    a, b = make_person("Visser"), make_person("Smit")
    db.session.commit()
    db.session.execute(
        text("UPDATE person SET family_name = :blob WHERE id = :id"), {"blob": _raw(a.id, "family_name"), "id": b.id}
    )
    db.session.execute(
        text("UPDATE person SET given_names = :blob WHERE id = :id"), {"blob": _raw(a.id, "family_name"), "id": a.id}
    )
    moved_row, moved_column = _reload(b.id), db.session.get(Person, a.id)
    for value in (moved_row.family_name, moved_column.given_names):
        assert isinstance(value, UnreadableText) and value.reason == "integrity"
        assert value == INTEGRITY_TEXT
    assert moved_column.family_name == "Visser"
    event = last_event("crypto.integrity_failure")
    assert event.outcome is Outcome.ERROR and event.details == {"field": "given_names"}
    assert user  # the rest keeps working


def test_flipped_byte_fails_authentication():
    person = make_person("Dekker")
    db.session.commit()
    blob = bytearray(_raw(person.id, "family_name"))
    blob[-1] ^= 0x01
    db.session.execute(text("UPDATE person SET family_name = :b WHERE id = :id"), {"b": bytes(blob), "id": person.id})
    assert _reload(person.id).family_name.reason == "integrity"


def test_shredding_makes_every_field_read_as_destroyed():
    person = make_person("Mulder", bsn="111222333")
    assert shred(db.session(), _reload(person.id))
    gone = _reload(person.id)
    assert gone.family_name == SHREDDED_TEXT and gone.bsn.reason == "shredded"
    assert not shred(db.session(), gone)


def test_unreadable_values_cannot_be_written_back():
    person = make_person("Bos")
    shred(db.session(), person)
    gone = _reload(person.id)
    with pytest.raises(ValueError, match="unreadable"):
        gone.family_name = gone.family_name


def test_updating_a_field_reencrypts_it():
    person = make_person("Vos")
    before = _raw(person.id, "family_name") if db.session.commit() is None else b""
    loaded = db.session.get(Person, person.id)
    loaded.family_name = "de Vos"
    again = _reload(person.id)
    assert again.family_name == "de Vos" and _raw(person.id, "family_name") != before


def _production(tmp_path, **extra):
    return {
        "ENV": "production",
        "SECRET_KEY": "s" * 48,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
        "INSTANCE_PATH": str(tmp_path),
        **extra,
    }


def test_production_refuses_to_start_without_a_keyring(tmp_path):
    with pytest.raises(ConfigurationError, match="no keyring"):
        create_app(_production(tmp_path))


def test_production_refuses_a_master_key_equal_to_the_secret_key(tmp_path):
    keyring = json.loads(keyring_to_json(generate_keyring()))
    pasted_master_key = next(iter(keyring["keys"].values()))  # the base64 text, as an operator would paste it
    with pytest.raises(ConfigurationError, match="equals CASEBOOK_SECRET_KEY"):
        create_app(_production(tmp_path, SECRET_KEY=pasted_master_key, MASTER_KEYS=json.dumps(keyring)))


def test_production_refuses_a_broken_keyring_with_one_line(tmp_path):
    with pytest.raises(ConfigurationError) as raised:
        create_app(_production(tmp_path, MASTER_KEYS='{"version": 1, "keys": {}}'))
    assert "\n" not in str(raised.value)


def test_development_creates_a_missing_keyring_privately(tmp_path):
    create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'd.db'}"})
    assert (tmp_path / "keyring.json").stat().st_mode & 0o777 == 0o600
