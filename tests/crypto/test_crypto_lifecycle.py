"""Shredding with a verifiable audit chain, wrong keyrings refused at start-up, integrity errors on pages, the bench."""

from __future__ import annotations

from sqlalchemy import text

from casebook import audit, create_app, migrate
from casebook.audit import chain
from casebook.auth.models import Role
from casebook.crypto import generate_keyring, keyring_to_json
from casebook.crypto.store import SHREDDED_TEXT, shred
from casebook.db import db
from casebook.people import services as people
from casebook.people.models import Person
from casebook.settings import ConfigurationError
from tests.conftest import TEST_SETTINGS
from tests.factories import login_as, make_case, make_org, make_person, make_user
from tests.helpers import last_event


def test_after_shredding_every_field_is_unreadable_and_the_audit_chain_verifies():
    org = make_org()
    user = make_user(org=org, roles=[Role.CASEWORKER])
    person = make_person("Kwakernaak", given_names="Theodorus", bsn="123456782", address="Voorstraat 1")
    make_case(lead=org, subjects=[person])
    people.load_person_for(user, person.id)
    people.reveal_bsn(user, person)
    assert shred(db.session(), person, by=user, reason="retention_expired")
    db.session.commit()
    db.session.expunge_all()
    gone = db.session.get(Person, person.id)
    assert [gone.family_name, gone.given_names, gone.bsn, gone.address] == [SHREDDED_TEXT] * 4
    assert gone.birth_date == SHREDDED_TEXT
    assert last_event("crypto.shred").details["reason"] == "retention_expired"
    result = chain.verify(db.session(), audit.chain_key())
    assert result.ok, result.problem


def test_shredding_drops_values_already_decrypted_in_the_session():
    person = make_person("Kwakernaak")
    assert person.family_name == "Kwakernaak"
    shred(db.session(), person)
    assert person.family_name == SHREDDED_TEXT


def test_a_damaged_value_shows_an_integrity_error_and_the_rest_of_the_page_works(client):
    org = make_org()
    user = make_user(org=org, roles=[Role.CASEWORKER])
    person = make_person("Kwakernaak", given_names="Theodorus", bsn="123456782")
    make_case(lead=org, subjects=[person])
    db.session.commit()
    blob = bytearray(db.session.execute(text("SELECT bsn FROM person WHERE id = :id"), {"id": person.id}).scalar())
    blob[20] ^= 0xFF
    db.session.execute(text("UPDATE person SET bsn = :b WHERE id = :id"), {"b": bytes(blob), "id": person.id})
    db.session.commit()
    login_as(client, user)
    page = client.get(f"/persons/{person.id}")
    assert page.status_code == 200
    assert "integriteitsfout" in page.text and "Kwakernaak" in page.text
    assert last_event("crypto.integrity_failure").details == {"field": "bsn"}


def _app_with(tmp_path, database: str, keyring_json: str, **extra):
    return create_app(
        {
            **TEST_SETTINGS,
            "DATABASE_URL": f"sqlite:///{tmp_path / database}",
            "INSTANCE_PATH": str(tmp_path),
            "MASTER_KEYS": keyring_json,
            **extra,
        }
    )


def _database_with_a_person(tmp_path) -> str:
    """A migrated SQLite database holding one encrypted person; returns the keyring it was written with."""
    keyring_json = keyring_to_json(generate_keyring())
    test_bind = db.session.session_factory.kw.get("bind")
    db.session.remove()
    db.session.configure(bind=None)
    try:
        app = _app_with(tmp_path, "k.db", keyring_json)
        with app.app_context():
            migrate.upgrade(app)
            db.session.add(Person(family_name="Kwakernaak"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session.configure(bind=test_bind)
    return keyring_json


def test_a_wrong_keyring_stops_start_up_with_one_clear_line(tmp_path):
    right = _database_with_a_person(tmp_path)
    _app_with(tmp_path, "k.db", right)  # the right keyring starts
    wrong = keyring_to_json(generate_keyring())
    try:
        _app_with(tmp_path, "k.db", wrong, ENV="production")
    except ConfigurationError as exc:
        message = str(exc)
    else:
        raise AssertionError("a wrong keyring must stop start-up")
    assert "the keyring lacks master key" in message and "wrong or outdated keyring" in message
    assert "\n" not in message


def test_a_keyring_with_the_right_id_but_other_key_bytes_is_refused(tmp_path):
    import json

    right = json.loads(_database_with_a_person(tmp_path))
    forged = json.loads(keyring_to_json(generate_keyring()))
    right["keys"][right["primary"]] = next(iter(forged["keys"].values()))
    try:
        _app_with(tmp_path, "k.db", json.dumps(right))
    except ConfigurationError as exc:
        assert "does not open this database's data keys: wrong keyring" in str(exc)
    else:
        raise AssertionError("a keyring whose key does not unwrap must stop start-up")


def test_bench_measures_both_pages_in_one_run():
    from casebook.bench import crypto as bench

    fields = bench.field_medians(repeat=3, number=5)
    assert fields.plaintext_bytes == 2048 and fields.encrypt_us > 0 and fields.decrypt_us > 0
    test_bind = db.session.session_factory.kw.get("bind")
    db.session.remove()
    db.session.configure(bind=None)  # the bench builds its own databases, outside the test transaction
    try:
        page = bench.page_medians(requests=3, subjects=3)
        notes_page = bench.page_medians(requests=3, subjects=1, notes=4)
    finally:
        db.session.remove()
        db.session.configure(bind=test_bind)
    assert page.encrypted_ms > 0 and page.plain_ms > 0 and page.encrypted_values == 9
    assert notes_page.encrypted_values == 7 and notes_page.data_keys == 2
