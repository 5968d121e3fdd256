"""``casebook audit verify [--checkpoint FILE]`` and ``casebook audit checkpoint [--append FILE]``."""

from __future__ import annotations

import pytest

from casebook import audit
from casebook.audit import chain
from casebook.audit.models import AuditEvent
from casebook.cli import cli
from casebook.db import db, utcnow
from tests.audit.tamper import snapshot, tamper, triggers_bypassed
from tests.factories import make_user


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def events():
    user = make_user()
    recorded = [audit.record(user, "case.list", details={"page": i}) for i in range(4)]
    db.session.commit()  # chains them
    return [snapshot(event) for event in recorded]


def test_verify_passes_on_an_intact_chain(runner, events):
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"head #{events[-1].seq}" in result.output


def test_verify_exits_1_naming_the_first_broken_event(runner, events):
    tamper("UPDATE audit_event SET actor_username = 'edited' WHERE id = :id", id=events[1].id)
    tamper("UPDATE audit_event SET actor_username = 'edited' WHERE id = :id", id=events[2].id)
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1
    assert f"BROKEN at event #{events[1].seq}: content changed" in result.output


def test_checkpoint_appends_and_verify_checks_it(runner, events, tmp_path):
    file = tmp_path / "checkpoints.txt"
    first = runner.invoke(cli, ["audit", "checkpoint", "--append", str(file)])
    assert first.exit_code == 0, first.output
    assert f"seq={events[-1].seq} hash={events[-1].hash}" in first.output
    assert file.read_text().strip() == first.output.strip()
    audit.record(None, "case.list")
    db.session.commit()
    runner.invoke(cli, ["audit", "checkpoint", "--append", str(file)])
    assert len(file.read_text().splitlines()) == 2
    ok = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert ok.exit_code == 0 and "2 checkpoint(s) match" in ok.output
    tamper("DELETE FROM audit_event WHERE seq > :seq", seq=events[-2].seq)  # cut the tail
    cut = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert cut.exit_code == 1 and f"BROKEN at event #{events[-1].seq}" in cut.output


def test_no_checkpoint_of_a_broken_chain(runner, events, tmp_path):
    tamper("UPDATE audit_event SET action = 'x' WHERE id = :id", id=events[0].id)
    file = tmp_path / "c.txt"
    result = runner.invoke(cli, ["audit", "checkpoint", "--append", str(file)])
    assert result.exit_code == 1 and not file.exists()


def test_an_unreadable_checkpoint_file_exits_2(runner, events, tmp_path):
    file = tmp_path / "junk.txt"
    file.write_text("not a checkpoint\n")
    assert runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)]).exit_code == 2


def test_verify_catches_an_event_appended_with_the_public_hash_function(runner, events):
    """Leak 8: someone with database write access appends an event hashed with chain.compute_hash."""
    forged = AuditEvent(
        seq=events[-1].seq + 1,
        occurred_at=utcnow(),
        actor_username="mallory",
        action="case.view",
        outcome="allowed",
        details={},
        prev_hash=events[-1].hash,
    )
    forged.hash = chain.compute_hash(events[-1].hash, forged)
    with triggers_bypassed():
        db.session.add(forged)
        db.session.flush()
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 1 and f"BROKEN at event #{forged.seq}" in result.output


def test_verify_refuses_a_forged_checkpoint(runner, events, tmp_path):
    file = tmp_path / "checkpoints.txt"
    assert runner.invoke(cli, ["audit", "checkpoint", "--append", str(file)]).exit_code == 0
    line = file.read_text().strip()
    assert " sig=" in line
    # a line the attacker wrote for a head of their own, with the signature copied from a real one
    at = line.split(" ", 1)[0]
    forged = f"{at} seq={events[-2].seq} hash={events[-2].hash} sig={line.rsplit('sig=', 1)[1]}"
    file.write_text(line + "\n" + forged + "\n")
    result = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(file)])
    assert result.exit_code == 1 and "signature does not verify" in result.output
    unsigned = tmp_path / "unsigned.txt"
    unsigned.write_text(line.rsplit(" sig=", 1)[0] + "\n")
    result = runner.invoke(cli, ["audit", "verify", "--checkpoint", str(unsigned)])
    assert result.exit_code == 1 and "unsigned" in result.output


def test_reanchor_command_on_a_keyed_chain_does_nothing(runner, events):
    result = runner.invoke(cli, ["audit", "reanchor"])
    assert result.exit_code == 0 and "nothing to re-anchor" in result.output
