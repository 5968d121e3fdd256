"""Settings: defaults → environment → overrides; production refuses to start unsafely."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

from casebook import create_app
from casebook.settings import ConfigurationError, finalise, load_settings
from tests.conftest import TEST_KEYRING_JSON


def test_environment_overrides_defaults_and_overrides_win(tmp_path):
    environ = {"CASEBOOK_PAGE_SIZE": "10", "CASEBOOK_DEFAULT_LOCALE": "en", "OTHER": "x"}
    settings = load_settings({"PAGE_SIZE": 5}, environ=environ)
    assert settings["PAGE_SIZE"] == 5
    assert settings["DEFAULT_LOCALE"] == "en"
    assert "OTHER" not in settings


def test_development_generates_secret_key_once_with_private_mode(tmp_path):
    settings = finalise(load_settings({"INSTANCE_PATH": str(tmp_path)}, environ={}))
    key_file = tmp_path / "secret_key"
    assert key_file.read_text().strip() == settings["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = finalise(load_settings({"INSTANCE_PATH": str(tmp_path)}, environ={}))
    assert again["SECRET_KEY"] == settings["SECRET_KEY"]
    assert settings["DATABASE_URL"] == f"sqlite:///{tmp_path / 'casebook.sqlite3'}"


@pytest.mark.parametrize(
    ("environ", "missing"),
    [
        ({}, "CASEBOOK_SECRET_KEY and CASEBOOK_DATABASE_URL"),
        ({"CASEBOOK_SECRET_KEY": "s" * 40}, "CASEBOOK_DATABASE_URL"),
        ({"CASEBOOK_DATABASE_URL": "sqlite:///x.db"}, "CASEBOOK_SECRET_KEY"),
    ],
)
def test_production_refuses_without_secret_key_or_database(tmp_path, environ, missing):
    environ = {"CASEBOOK_ENV": "production", "CASEBOOK_INSTANCE_PATH": str(tmp_path), **environ}
    with pytest.raises(ConfigurationError, match=missing):
        finalise(load_settings(environ=environ))
    assert not (tmp_path / "secret_key").exists()


def test_production_refusal_is_one_line_and_nonzero_exit(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEBOOK_")}
    env.update({"CASEBOOK_ENV": "production", "CASEBOOK_INSTANCE_PATH": str(tmp_path)})
    result = subprocess.run(
        [sys.executable, "-m", "casebook", "db", "upgrade"], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0
    assert result.stderr.strip().count("\n") == 0
    assert "production mode needs CASEBOOK_SECRET_KEY" in result.stderr
    assert "Traceback" not in result.stderr


def test_production_sets_secure_cookie(tmp_path):
    app = create_app(
        {
            "ENV": "production",
            "SECRET_KEY": "x" * 48,
            "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}",
            "INSTANCE_PATH": str(tmp_path),
            "MASTER_KEYS": TEST_KEYRING_JSON,
        }
    )
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_client_address_comes_from_trusted_proxies_only(tmp_path):
    from casebook.db import db
    from tests.conftest import TEST_SETTINGS

    seen = {}

    def build(hops):
        app = create_app(
            {**TEST_SETTINGS, "DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}", "INSTANCE_PATH": str(tmp_path)}
            | {"TRUSTED_PROXIES": hops}
        )

        @app.get("/whoami-test")
        def whoami():
            from flask import request

            seen[hops] = request.remote_addr
            return "ok"

        whoami._casebook_public = True
        return app

    headers = {"X-Forwarded-For": "203.0.113.7, 198.51.100.2"}
    for hops in (0, 1):
        app = build(hops)
        with app.app_context():
            app.test_client().get("/whoami-test", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.1"})
            db.session.remove()
    assert seen == {0: "10.0.0.1", 1: "198.51.100.2"}
