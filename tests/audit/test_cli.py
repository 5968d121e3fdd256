"""``casebook audit verify [--checkpoint FILE]`` and ``casebook audit checkpoint [--append FILE]``."""

from __future__ import annotations

import pytest

from casebook import audit
from casebook.cli import cli
from tests.audit.tamper import snapshot, tamper
from tests.factories import make_user


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def events():
    user = make_user()
    return [snapshot(audit.record(user, "case.list", details={"page": i})) for i in range(4)]


def test_verify_passes_on_an_intact_chain(runner, events):
    result = runner.invoke(cli, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert f"head #{events[-1].seq}" in result.output


def test_verify_exits_1_naming_the_first_broken_event(runner, events):
    tamper("UPDATE audit_event SET reason = 'edited' WHERE id = :id", id=events[1].id)
    tamper("UPDATE audit_event SET reason = 'edited' WHERE id = :id", id=events[2].id)
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
