"""Settings are declared once with their types: start-up refuses a wrong type or an unknown
``CASEBOOK_*`` name in one line; ``config show`` tells value and source, never a secret."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.cli import cli
from casebook.settings import NOT_SETTINGS, ConfigurationError, Setting, declarations, load_settings
from tests.conftest import TEST_KEYRING_JSON

ROOT = Path(__file__).resolve().parents[2]


def _clean_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    return {**env, **values}


def test_every_setting_that_needs_a_type_declares_one():
    """A plain text, number or switch may take its type from its default; anything else is annotated."""
    plain = (str, int, float, bool)
    unannotated = [s.name for s in declarations().values() if not s.annotated and type(s.default) not in plain]
    assert unannotated == [], f"annotate these in config/default.py: {unannotated}"


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("PAGE_SIZE", "10", 10),
        ("SQL_ECHO", "true", True),
        ("REQUIRE_MFA", "0", False),
        ("SMTP_HOST", "123", "123"),  # text stays text
        ("LANGUAGES", "nl,en", ["nl", "en"]),
        ("LANGUAGES", '["en"]', ["en"]),
        ("PASSWORD_HASH_PARAMS", '{"time_cost": 3}', {"time_cost": 3}),
        ("DATABASE_URL", "", None),
        ("CLAMAV_TIMEOUT", "2.5", 2.5),
        ("EXTRA_MODULES", "a.b, c.d", ["a.b", "c.d"]),
    ],
)
def test_environment_values_are_parsed_by_the_declared_type(name, raw, expected):
    settings = load_settings(environ={f"CASEBOOK_{name}": raw})
    assert settings[name] == expected
    assert settings["_SETTING_SOURCES"][name] == "env"


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CASEBOOK_PAGE_SIZE": "abc"}, "CASEBOOK_PAGE_SIZE must be an integer, got 'abc'"),
        ({"CASEBOOK_PAGESIZE": "10"}, "unknown setting CASEBOOK_PAGESIZE (did you mean CASEBOOK_PAGE_SIZE?)"),
        ({"CASEBOOK_NO_SUCH_THING": "1"}, "unknown setting CASEBOOK_NO_SUCH_THING"),
        ({"CASEBOOK_SQL_ECHO": "maybe"}, "CASEBOOK_SQL_ECHO must be true or false, got 'maybe'"),
        ({"CASEBOOK_ENV": "prod"}, "CASEBOOK_ENV must be one of 'development', 'production', got 'prod'"),
        ({"CASEBOOK_PASSWORD_HASH_PARAMS": "[1"}, "CASEBOOK_PASSWORD_HASH_PARAMS must be a JSON object or empty"),
    ],
)
def test_a_wrong_type_or_an_unknown_name_is_one_clear_line(environ, message):
    with pytest.raises(ConfigurationError) as raised:
        load_settings(environ=environ)
    assert str(raised.value) == message or str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)


def test_a_refused_secret_is_not_echoed():
    with pytest.raises(ConfigurationError) as raised:
        load_settings(environ={"CASEBOOK_SMTP_PASSWORD": "x", "CASEBOOK_SMTP_PORT": "hunter2"})
    assert "hunter2" in str(raised.value)  # a port is no secret
    with pytest.raises(ConfigurationError) as raised:
        Setting("API_TOKEN", dict[str, str] | None, None).parse_env("{s3cr3t")
    assert str(raised.value) == "CASEBOOK_API_TOKEN must be a JSON object or empty"


def test_tools_of_the_suite_and_the_benchmarks_are_not_settings():
    environ = {name: "1" for name in NOT_SETTINGS} | {
        "CASEBOOK_TEST_DATABASE_URL": "sqlite:///x",
        "CASEBOOK_TEST_POSTGRES_ADMIN_URL": "postgresql://x",
        "CASEBOOK_BENCH_ADMIN_URL": "postgresql://x",
        "CASEBOOK_LOAD_ADMIN_URL": "postgresql://x",
    }
    settings = load_settings(environ=environ)
    assert "TEST_DATABASE_URL" not in settings and "REQUIRE_BROWSER" not in settings


def test_overrides_of_declared_settings_are_checked_and_other_keys_pass():
    settings = load_settings({"PAGE_SIZE": "7", "TESTING": True, "SOME_TEST_SWITCH": object}, environ={})
    assert settings["PAGE_SIZE"] == 7 and settings["TESTING"] is True
    assert settings["_SETTING_SOURCES"]["PAGE_SIZE"] == "override"
    with pytest.raises(ConfigurationError, match="setting PAGE_SIZE must be an integer"):
        load_settings({"PAGE_SIZE": "many"}, environ={})


def test_defaults_are_not_repeated_in_code():
    """Code reads ``config["X"]``; the declaration holds the default (no ``config.get("X", 14)``,
    no ``config.get("X") or 25``)."""
    repeated = re.compile(r"config\.get\(\s*\"[A-Z0-9_]+\"\s*,|config\.get\(\s*\"[A-Z0-9_]+\"\s*\)\s*or\s+[\"'0-9(]")
    declared = set(declarations())
    offenders = []
    for path in (ROOT / "casebook").rglob("*.py"):
        for number, line in enumerate(path.read_text().splitlines(), 1):
            match = repeated.search(line)
            if match and re.search(r"\"([A-Z0-9_]+)\"", match.group(0)).group(1) in declared:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == []


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"CASEBOOK_PAGE_SIZE": "abc"}, "casebook: CASEBOOK_PAGE_SIZE must be an integer, got 'abc'"),
        ({"CASEBOOK_PAGESIZE": "1"}, "casebook: unknown setting CASEBOOK_PAGESIZE (did you mean CASEBOOK_PAGE_SIZE?)"),
    ],
)
def test_the_command_and_the_wsgi_entry_refuse_in_one_line(tmp_path, environ, message):
    env = _clean_env(CASEBOOK_INSTANCE_PATH=str(tmp_path), **environ)
    for command in ([sys.executable, "-m", "casebook", "config", "show"], [sys.executable, "-c", "import wsgi"]):
        result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)  # noqa: S603
        assert result.returncode != 0
        assert result.stderr.strip() == message
        assert not (tmp_path / "secret_key").exists()


def test_gunicorn_stops_instead_of_respawning_on_a_bad_setting(tmp_path):
    pytest.importorskip("gunicorn")
    env = _clean_env(CASEBOOK_INSTANCE_PATH=str(tmp_path), CASEBOOK_PAGE_SIZE="abc")
    command = [sys.executable, "-m", "gunicorn", "--workers", "1", "--bind", "127.0.0.1:0", "wsgi:app"]
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=60)  # noqa: S603
    assert result.returncode != 0
    assert "casebook: CASEBOOK_PAGE_SIZE must be an integer, got 'abc'" in result.stderr
    assert "Traceback" not in result.stderr


def test_config_show_prints_value_and_source_and_masks_secrets(tmp_path):
    env = _clean_env(
        CASEBOOK_INSTANCE_PATH=str(tmp_path),
        CASEBOOK_PAGE_SIZE="10",
        CASEBOOK_DATABASE_URL=f"sqlite:///{tmp_path / 'c.db'}",
        CASEBOOK_RATELIMIT_STORAGE_URL="redis://casebook:redis-pw-123@redis.internal:6379/0",
        CASEBOOK_SMTP_PASSWORD="smtp-pw-456",
        CASEBOOK_SECRET_KEY="secret-key-789-" + "x" * 30,
        CASEBOOK_MASTER_KEYS=TEST_KEYRING_JSON,
    )
    result = subprocess.run(
        [sys.executable, "-m", "casebook", "config", "show"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    lines = {line.split()[0]: line.split(None, 1)[1] for line in result.stdout.splitlines()}
    assert lines["PAGE_SIZE"] == "10  (env)"
    assert lines["DEFAULT_LOCALE"] == "nl  (default)"
    assert lines["SMTP_PASSWORD"] == "********  (env)"
    assert lines["SECRET_KEY"] == "********  (env)"
    assert lines["MASTER_KEYS"] == "********  (env)"
    assert lines["RATELIMIT_STORAGE_URL"] == "redis://casebook:********@redis.internal:6379/0  (env)"
    assert set(lines) == set(declarations())
    for secret in ("redis-pw-123", "smtp-pw-456", "secret-key-789", TEST_KEYRING_JSON[10:40]):
        assert secret not in result.stdout


def test_config_show_names_overrides_as_such(app):
    result = app.test_cli_runner().invoke(cli, ["config", "show", "--json"])
    assert result.exit_code == 0
    import json

    shown = json.loads(result.output)
    assert shown["REQUIRE_MFA"] == {"value": False, "source": "override"}
    assert shown["SECRET_KEY"] == {"value": "********", "source": "override"}
    assert shown["PAGE_SIZE"]["source"] == "default"


def test_seed_demo_refuses_production(app, monkeypatch):
    from sqlalchemy import func, select

    from casebook.db import db
    from casebook.organisations.models import Organisation

    before = db.session.scalar(select(func.count(Organisation.id)))
    monkeypatch.setitem(app.config, "ENV", "production")
    result = app.test_cli_runner().invoke(cli, ["seed-demo"])
    assert result.exit_code == 2
    assert "seed-demo is refused in production" in result.output
    assert db.session.scalar(select(func.count(Organisation.id))) == before


def test_the_production_example_names_only_settings_of_the_right_type():
    example = ROOT / "config" / "production.example.env"
    environ = dict(
        line.split("=", 1) for line in example.read_text().splitlines() if line.startswith("CASEBOOK_") and "=" in line
    )
    settings = load_settings(environ=environ)
    assert settings["ENV"] == "production" and settings["TRUSTED_PROXIES"] == 1
