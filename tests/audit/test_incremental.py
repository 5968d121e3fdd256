"""Incremental verification: ``verify``/``checkpoint --checkpoint FILE`` walk only the events after
the file's last signed checkpoint; ``--full`` walks the whole chain."""

from __future__ import annotations

import pytest

from casebook import audit
from casebook.cli import cli
from casebook.db import db
from tests.audit.tamper import snapshot, tamper
from tests.factories import make_user


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def checkpointed(runner, tmp_path):
    """Four events, a checkpoint of their head, then three more events."""
    user = make_user()
    before = [audit.record(user, "case.list", details={"page": i}) for i in range(4)]
    db.session.commit()  # chains them
    before = [snapshot(event) for event in before]
    file = tmp_path / "checkpoints.txt"
    assert runner.invoke(cli, ["audit", "checkpoint", "--append", str(file)]).exit_code == 0
    after = [audit.record(user, "case.list", details={"page": i}) for i in range(4, 7)]
    db.session.commit()
    after = [snapshot(event) for event in after]
    return before, after, file


def test_incremental_verify_walks_only_the_events_after_the_checkpoint(runner, checkpointed):
    _before, after, file = checkpointed
    result = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert result.exit_code == 0, result.output
    assert "audit chain ok: 3 events" in result.output
    assert f"head #{after[-1].seq}" in result.output


def test_incremental_verify_detects_tampering_after_the_checkpoint(runner, checkpointed):
    _before, after, file = checkpointed
    tamper("UPDATE audit_event SET actor_username = 'edited' WHERE id = :id", id=after[1].id)
    result = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert result.exit_code == 1
    assert f"BROKEN at event #{after[1].seq}: content changed" in result.output


def test_full_verify_detects_tampering_before_the_checkpoint(runner, checkpointed):
    before, _after, file = checkpointed
    tamper("UPDATE audit_event SET actor_username = 'edited' WHERE id = :id", id=before[1].id)
    # the incremental walk trusts the signed head and does not look back ...
    assert runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)]).exit_code == 0
    # ... the full walk does
    result = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file), "--full"])
    assert result.exit_code == 1
    assert f"BROKEN at event #{before[1].seq}: content changed" in result.output


def test_a_checkpoint_with_a_bad_signature_is_refused(runner, checkpointed):
    _before, _after, file = checkpointed
    line = file.read_text().strip()
    file.write_text(line[:-1] + ("0" if line[-1] != "0" else "1") + "\n")
    for command in (["audit", "verify"], ["audit", "checkpoint"]):
        result = runner.invoke(cli, [*command, "--checkpoint", str(file)])
        assert result.exit_code == 1
        assert "signature does not verify" in result.output


def test_checkpoint_from_a_checkpoint_signs_the_new_head(runner, checkpointed):
    _before, after, file = checkpointed
    result = runner.invoke(cli, ["audit", "checkpoint", "--checkpoint", str(file), "--append", str(file)])
    assert result.exit_code == 0, result.output
    assert f"seq={after[-1].seq} hash={after[-1].hash}" in result.output
    again = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert again.exit_code == 0 and "audit chain ok: 0 events" in again.output
