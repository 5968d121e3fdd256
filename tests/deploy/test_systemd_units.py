"""deploy/systemd: the app unit is hardened, every timer runs a command that exists.

The units are parsed here (systemd allows a key more than once, which configparser does not); when
``systemd-analyze`` is installed they are also verified by systemd itself, with the install paths
pointed at this checkout and its virtualenv.
"""

from __future__ import annotations

import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
PENDING = UNITS / "pending"
INSTALLED_CODE = "/opt/casebook"
INSTALLED_BIN = "/opt/casebook/.venv/bin/"


def parse_unit(path: Path) -> dict[str, list[tuple[str, str]]]:
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] | None = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = sections.setdefault(header.group(1), [])
            continue
        assert current is not None, f"{path.name}: {line!r} outside a section"
        key, _, value = line.partition("=")
        current.append((key.strip(), value.strip()))
    return sections


def values(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> list[str]:
    return [value for name, value in unit.get(section, []) if name == key]


def value(unit: dict[str, list[tuple[str, str]]], section: str, key: str) -> str:
    found = values(unit, section, key)
    assert len(found) == 1, f"[{section}] {key}: {found}"
    return found[0]


def timers(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.timer"))


def service_of(timer: Path) -> Path:
    unit = value(parse_unit(timer), "Timer", "Unit")
    service = timer.parent / unit
    assert service.exists(), f"{timer.name} starts {unit}, which is not beside it"
    return service


def casebook_command(service: Path) -> tuple[list[str], list[str]]:
    """The ``casebook`` subcommand path and the options of the service's ExecStart."""
    words = shlex.split(value(parse_unit(service), "Service", "ExecStart"))
    assert words[0] == INSTALLED_BIN + "casebook", f"{service.name} runs {words[0]}"
    path: list[str] = []
    for word in words[1:]:
        if word.startswith("-"):
            break
        path.append(word)  # the subcommands come first; what follows are options and their values
    assert path, f"{service.name}: no subcommand"
    return path, [word for word in words[1:] if word.startswith("--")]


def resolve(app: Flask, path: list[str]) -> click.Command | None:
    from casebook.cli import cli

    command: click.Command | None = cli.commands.get(path[0]) or app.cli.commands.get(path[0])
    for name in path[1:]:
        if not isinstance(command, click.Group):
            return None
        command = command.commands.get(name)
    return command


def test_the_app_unit_is_hardened_and_reloads_gracefully() -> None:
    unit = parse_unit(UNITS / "casebook.service")
    expected = {
        "User": "casebook",
        "NoNewPrivileges": "yes",
        "ProtectSystem": "strict",
        "PrivateTmp": "yes",
        "ProtectHome": "yes",
        "EnvironmentFile": "/etc/casebook/casebook.env",
        "Type": "notify",
        "KillMode": "mixed",
    }
    for key, expected_value in expected.items():
        assert value(unit, "Service", key) == expected_value, key
    assert "/var/lib/casebook" in value(unit, "Service", "ReadWritePaths").split()
    assert value(unit, "Service", "CapabilityBoundingSet") == ""
    assert value(unit, "Service", "ExecReload") == "/bin/kill -s HUP $MAINPID"
    start = shlex.split(value(unit, "Service", "ExecStart"))
    assert start[0] == INSTALLED_BIN + "gunicorn"
    assert start[start.index("--config") + 1] == f"{INSTALLED_CODE}/deploy/gunicorn.conf.py"
    # systemd waits longer than gunicorn gives its workers to finish, so a stop is graceful.
    graceful = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))["graceful_timeout"]
    assert int(value(unit, "Service", "TimeoutStopSec")) > graceful
    # The keyring comes as a credential; no secret in the unit itself.
    assert value(unit, "Service", "LoadCredential") == "keyring:/etc/casebook/keyring.json"
    assert "CASEBOOK_KEYRING=%d/keyring" in values(unit, "Service", "Environment")
    for key, _value in unit["Service"]:
        assert not re.search(r"SECRET|PASSWORD|MASTER_KEYS", _value), key


@pytest.mark.parametrize("timer", timers(UNITS) + timers(PENDING), ids=lambda path: path.name)
def test_every_timer_is_scheduled_and_persistent_with_a_hardened_oneshot(timer: Path) -> None:
    unit = parse_unit(timer)
    assert value(unit, "Timer", "OnCalendar")
    assert value(unit, "Timer", "Persistent") == "true"
    assert value(unit, "Install", "WantedBy") == "timers.target"
    service = parse_unit(service_of(timer))
    assert value(service, "Service", "Type") == "oneshot"
    for key, expected in (("User", "casebook"), ("NoNewPrivileges", "yes"), ("ProtectSystem", "strict")):
        assert value(service, "Service", key) == expected
    assert "/etc/casebook/casebook.env" in values(service, "Service", "EnvironmentFile")
    assert service_of(timer).stem == timer.stem


def test_the_active_timers_are_the_periodic_jobs_of_the_product() -> None:
    commands = {" ".join(casebook_command(service_of(timer))[0]) for timer in timers(UNITS)}
    assert commands == {"handoffs expire", "notifications send", "audit checkpoint", "processing-log prune"}
    pending = {" ".join(casebook_command(service_of(timer))[0]) for timer in timers(PENDING)}
    assert pending == {"retention plan"}


@pytest.mark.parametrize("timer", timers(UNITS), ids=lambda path: path.name)
def test_an_active_timer_runs_a_command_and_options_that_exist(app: Flask, timer: Path) -> None:
    path, options = casebook_command(service_of(timer))
    command = resolve(app, path)
    assert command is not None and not isinstance(command, click.Group), f"`casebook {' '.join(path)}` is no command"
    known = {option for param in command.params for option in getattr(param, "opts", [])}
    assert set(options) <= known, f"`casebook {' '.join(path)}` has no {set(options) - known}"


@pytest.mark.parametrize("timer", timers(PENDING), ids=lambda path: path.name)
def test_a_pending_timer_waits_for_a_command_that_does_not_exist_yet(app: Flask, timer: Path) -> None:
    path, _options = casebook_command(service_of(timer))
    assert resolve(app, path) is None, (
        f"`casebook {' '.join(path)}` exists now: move {timer.stem}.timer and .service from deploy/systemd/pending/ "
        "to deploy/systemd/ (and check the README's table of timers)"
    )


SYSTEMD_ANALYZE = shutil.which("systemd-analyze")


@pytest.mark.skipif(SYSTEMD_ANALYZE is None, reason="systemd-analyze is not installed")
def test_systemd_accepts_every_unit(tmp_path: Path) -> None:
    venv_bin = str(Path(sys.executable).parent) + "/"
    units = [*UNITS.glob("*.service"), *UNITS.glob("*.timer"), *PENDING.glob("*.service"), *PENDING.glob("*.timer")]
    for unit in units:
        text = unit.read_text().replace(INSTALLED_BIN, venv_bin).replace(INSTALLED_CODE, str(ROOT))
        (tmp_path / unit.name).write_text(text)
    result = subprocess.run(  # noqa: S603 - systemd's own checker on files this test wrote
        [SYSTEMD_ANALYZE, "verify", *sorted(str(path) for path in tmp_path.iterdir())],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0 and not result.stderr.strip(), result.stderr
    for timer in timers(UNITS) + timers(PENDING):
        calendar = value(parse_unit(timer), "Timer", "OnCalendar")
        check = subprocess.run(  # noqa: S603 - systemd's own checker
            [SYSTEMD_ANALYZE, "calendar", calendar], capture_output=True, text=True, timeout=30, check=False
        )
        assert check.returncode == 0, f"{timer.name}: {check.stderr}"
