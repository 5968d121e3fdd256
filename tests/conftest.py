"""Test set-up: one migrated database per run, each test inside a transaction that is rolled back.

The database is SQLite (a temporary file) unless ``CASEBOOK_TEST_DATABASE_URL`` names another,
e.g. a throwaway PostgreSQL database (``.ci/run`` does this). Tests that need a PostgreSQL
server of their own use ``postgres_admin_url``: skipped with a reason on a laptop without one,
a failure when ``CI=true``.
"""

from __future__ import annotations

import contextvars
import os
import socket
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.globals import _cv_app
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casebook import create_app, migrate
from casebook.crypto import generate_keyring, keyring_to_json
from casebook.db import db

TEST_DATABASE_URL = os.environ.get("CASEBOOK_TEST_DATABASE_URL")
POSTGRES_ADMIN_URL = os.environ.get(
    "CASEBOOK_TEST_POSTGRES_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
IN_CI = os.environ.get("CI", "").lower() == "true"

TEST_KEYRING_JSON = keyring_to_json(generate_keyring())

TEST_SETTINGS = {
    "MASTER_KEYS": TEST_KEYRING_JSON,
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "WTF_CSRF_ENABLED": False,
    "DEMO_PASSWORD": "demo-password-for-tests",
    "PASSWORD_HASH_PARAMS": {"time_cost": 1, "memory_cost": 1024, "parallelism": 1},
    # MFA is off for the ordinary tests so `login_as` stays one request; tests/auth switch it on
    # (fixture `mfa_on`) and prove MFA is required for every role. Production default: on.
    "REQUIRE_MFA": False,
    # The demo's two years of history (15 s per seeding) only where a test looks at it
    # (tests/test_demo_history.py switches it on).
    "DEMO_HISTORY": False,
}


def pytest_report_header() -> str:
    url = make_url(TEST_DATABASE_URL) if TEST_DATABASE_URL else None
    return f"casebook database: {url.render_as_string(hide_password=True) if url else 'SQLite (temporary file)'}"


def _reset_postgres_schema(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    if TEST_DATABASE_URL:
        if make_url(TEST_DATABASE_URL).get_backend_name() == "postgresql":
            _reset_postgres_schema(TEST_DATABASE_URL)
        return TEST_DATABASE_URL
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'casebook-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    instance = tmp_path_factory.mktemp("instance")
    application = create_app({**TEST_SETTINGS, "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance)})
    with application.app_context():
        migrate.upgrade(application)
    return application


@pytest.fixture(autouse=True)
def _rollback_transaction(app: Flask) -> Iterator[None]:
    """Run the test in a transaction on one connection; commits become savepoints; roll all back."""
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            db.session.configure(bind=None)


@pytest.fixture(autouse=True)
def _reset_rate_limits(app: Flask) -> Iterator[None]:
    """Lockout and rate-limit counters (memory://) start empty in every test."""
    from casebook.extensions import limiter

    limiter.reset()
    yield
    limiter.reset()


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context, as in production.

    The test itself runs inside an app context; without this, requests would reuse it and
    share ``g`` (and Flask-Login's cached user) across requests.
    """

    def open(self, *args, **kwargs):
        def run():
            _cv_app.set(None)
            return super(IsolatedClient, self).open(*args, **kwargs)

        return contextvars.copy_context().run(run)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def dialect(app: Flask) -> str:
    return db.dialect


def _postgres_reachable(url: str) -> bool:
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(scope="session")
def postgres_admin_url() -> str:
    """A PostgreSQL server where tests may create databases of their own."""
    if not _postgres_reachable(POSTGRES_ADMIN_URL):
        message = f"needs PostgreSQL at {make_url(POSTGRES_ADMIN_URL).render_as_string(hide_password=True)}"
        if IN_CI:
            pytest.fail(message + " (CI=true: a missing PostgreSQL is a failure)")
        pytest.skip(message)
    return POSTGRES_ADMIN_URL


@pytest.fixture
def fresh_postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """An empty throwaway PostgreSQL database, dropped afterwards."""
    name = f"casebook_t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(postgres_admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def mfa_on(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """MFA required, as in production (the ordinary tests run with REQUIRE_MFA=False)."""
    monkeypatch.setitem(app.config, "REQUIRE_MFA", True)


@pytest.fixture
def frozen_clock(monkeypatch: pytest.MonkeyPatch):
    """Account security's clock, fixed and movable: ``frozen_clock.advance(minutes=16)``."""
    from datetime import timedelta

    from casebook.auth import clock
    from casebook.db import utcnow

    class FrozenClock:
        def __init__(self) -> None:
            self.moment = utcnow()

        def now(self):
            return self.moment

        def advance(self, **delta: float) -> None:
            self.moment = self.moment + timedelta(**delta)

    frozen = FrozenClock()
    monkeypatch.setattr(clock, "now", frozen.now)
    return frozen
