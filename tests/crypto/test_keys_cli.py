"""``casebook keys``: rotation re-wraps data keys only (resumably), retire refuses keys in use, verify finds damage."""

from __future__ import annotations

import json
import os

import pytest
from sqlalchemy import select, text

from casebook.cli import cli
from casebook.crypto import envelope, keyring_to_json, load_keyring
from casebook.crypto.models import DataKey
from casebook.db import db
from casebook.people.models import Person
from tests.conftest import TEST_KEYRING_JSON
from tests.factories import make_person
from tests.helpers import last_event

FIELDS = ("family_name", "given_names", "birth_date", "bsn")


@pytest.fixture
def keyring_file(app, tmp_path, monkeypatch):
    """The app's keyring as a file (rotation and retirement change the file, never the environment)."""
    path = tmp_path / "keyring.json"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(TEST_KEYRING_JSON)
    monkeypatch.setitem(app.config, "MASTER_KEYS", None)
    monkeypatch.setitem(app.config, "KEYRING", str(path))
    monkeypatch.setitem(app.extensions, "casebook.keyring", load_keyring(path))
    return path


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def _persons(count: int = 3) -> list[int]:
    ids = [make_person(f"Persoon{n}", bsn="123456782").id for n in range(count)]
    db.session.commit()
    return ids


def _raw_fields(person_ids: list[int]) -> dict:
    rows = db.session.execute(
        text(f"SELECT id, {', '.join(FIELDS)} FROM person WHERE id IN ({', '.join(map(str, person_ids))})")
    )
    return {row[0]: tuple(bytes(v) for v in row[1:]) for row in rows}


def _keys() -> list[DataKey]:
    db.session.expire_all()
    return list(db.session.scalars(select(DataKey).order_by(DataKey.id)))


def test_rotate_rewraps_every_data_key_and_never_touches_field_ciphertext(runner, keyring_file):
    ids = _persons()
    old_primary = json.loads(keyring_file.read_text())["primary"]
    fields_before = _raw_fields(ids)
    result = runner.invoke(cli, ["keys", "rotate", "--batch-size", "2"])
    assert result.exit_code == 0, result.output
    document = json.loads(keyring_file.read_text())
    new_primary = document["primary"]
    assert new_primary != old_primary and set(document["keys"]) == {old_primary, new_primary}
    assert oct(keyring_file.stat().st_mode & 0o777) == "0o600"
    assert {key.kek_id for key in _keys()} == {new_primary}
    assert all(key.rewrapped_at is not None for key in _keys())
    assert _raw_fields(ids) == fields_before
    db.session.expunge_all()
    db.session.info.pop("casebook_deks", None)
    assert [db.session.get(Person, pid).family_name for pid in ids] == ["Persoon0", "Persoon1", "Persoon2"]
    assert last_event("keys.rotate").details == {"primary_key_id": new_primary, "rewrapped": 3, "failed": 0}


def test_an_interrupted_rotation_resumes_without_adding_another_key(runner, keyring_file, monkeypatch):
    _persons(5)
    real_rewrap, calls = envelope.rewrap_dek, []

    def crash_on_the_third(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_rewrap(*args, **kwargs)

    monkeypatch.setattr(envelope, "rewrap_dek", crash_on_the_third)
    interrupted = runner.invoke(cli, ["keys", "rotate", "--batch-size", "2"])
    assert interrupted.exit_code != 0
    primary = json.loads(keyring_file.read_text())["primary"]
    assert [key.kek_id == primary for key in _keys()] == [True, True, False, False, False]  # first batch committed

    monkeypatch.setattr(envelope, "rewrap_dek", real_rewrap)
    resumed = runner.invoke(cli, ["keys", "rotate", "--batch-size", "2"])
    assert resumed.exit_code == 0, resumed.output
    assert "continuing an unfinished rotation" in resumed.output
    document = json.loads(keyring_file.read_text())
    assert document["primary"] == primary and len(document["keys"]) == 2
    assert {key.kek_id for key in _keys()} == {primary}


def test_retire_refuses_a_key_in_use_then_removes_it_after_rotation(runner, keyring_file):
    _persons(2)
    old_primary = json.loads(keyring_file.read_text())["primary"]
    refused = runner.invoke(cli, ["keys", "retire", old_primary])
    assert refused.exit_code == 1 and "still wrapped under" in refused.output
    assert runner.invoke(cli, ["keys", "rotate"]).exit_code == 0
    new_primary = json.loads(keyring_file.read_text())["primary"]
    assert runner.invoke(cli, ["keys", "retire", new_primary]).exit_code != 0  # the primary is in use
    retired = runner.invoke(cli, ["keys", "retire", old_primary])
    assert retired.exit_code == 0, retired.output
    assert list(json.loads(keyring_file.read_text())["keys"]) == [new_primary]
    assert last_event("keys.retire").details == {"key_id": old_primary}


def test_keys_commands_refuse_a_keyring_from_the_environment(runner):
    result = runner.invoke(cli, ["keys", "rotate"])
    assert result.exit_code == 2 and "CASEBOOK_MASTER_KEYS" in result.output


def test_verify_passes_on_good_data_and_reports_a_flipped_byte(runner):
    ids = _persons(2)
    good = runner.invoke(cli, ["keys", "verify"])
    assert good.exit_code == 0, good.output
    assert "0 failure(s)" in good.output
    blob = bytearray(_raw_fields(ids)[ids[1]][3])
    blob[-1] ^= 1
    db.session.execute(text("UPDATE person SET bsn = :b WHERE id = :id"), {"b": bytes(blob), "id": ids[1]})
    db.session.commit()
    bad = runner.invoke(cli, ["keys", "verify"])
    assert bad.exit_code == 1
    assert f"person {ids[1]} bsn: encrypted value failed authentication" in bad.output
    assert "123456782" not in bad.output and "Persoon" not in bad.output
    assert last_event("keys.verify").details["failures"] == 1
    assert runner.invoke(cli, ["keys", "verify", "--sample", "1"]).exit_code in (0, 1)


def test_verify_reports_a_tampered_wrapped_data_key(runner):
    (pid,) = _persons(1)
    key = _keys()[-1]
    wrapped = bytearray(key.wrapped)
    wrapped[0] ^= 1
    db.session.execute(text("UPDATE data_key SET wrapped = :w WHERE id = :id"), {"w": bytes(wrapped), "id": key.id})
    db.session.commit()
    result = runner.invoke(cli, ["keys", "verify"])
    assert result.exit_code == 1
    assert f"data_key {key.id}: wrapped data key failed authentication" in result.output
    assert f"person {pid} family_name" in result.output


def test_keys_init_creates_a_private_file_and_never_overwrites(tmp_path):
    from click.testing import CliRunner

    target = tmp_path / "kr" / "keyring.json"
    env = {"CASEBOOK_MASTER_KEYS": ""}
    first = CliRunner().invoke(cli, ["keys", "init", "--path", str(target)], env=env)
    assert first.exit_code == 0, first.output
    assert target.stat().st_mode & 0o777 == 0o600
    content = target.read_text()
    second = CliRunner().invoke(cli, ["keys", "init", "--path", str(target)], env=env)
    assert second.exit_code == 2 and "already exists" in second.output
    assert target.read_text() == content
    assert load_keyring(target).primary_id in content
    assert keyring_to_json(load_keyring(target)) == content


def test_rotation_keeps_the_chain_key(runner, keyring_file):
    before = load_keyring(keyring_file).chain_key
    _persons(1)
    assert runner.invoke(cli, ["keys", "rotate"]).exit_code == 0
    assert load_keyring(keyring_file).chain_key == before


def test_add_chain_key_gives_an_older_keyring_one_and_never_replaces_it(runner, keyring_file):
    document = json.loads(keyring_file.read_text())
    del document["chain_key"]
    keyring_file.write_text(json.dumps(document))
    added = runner.invoke(cli, ["keys", "add-chain-key"])
    assert added.exit_code == 0, added.output
    chain_key = load_keyring(keyring_file).chain_key
    assert chain_key is not None
    again = runner.invoke(cli, ["keys", "add-chain-key"])
    assert again.exit_code == 2 and "never changes" in again.output
    assert load_keyring(keyring_file).chain_key == chain_key
