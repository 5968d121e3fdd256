"""scripts/pg_roles.py: the owner migrates, the app role serves and cannot rewrite the audit trail.

A throwaway database and two throwaway roles per test run (roles are cluster-wide, so their names are
unique and they are dropped afterwards). The script is run as an operator runs it, as a process.
"""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from casebook import create_app, migrate
from tests.conftest import TEST_SETTINGS, IsolatedClient

pytestmark = pytest.mark.postgres

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "pg_roles.py"
sys.path.insert(0, str(ROOT / "scripts"))
import pg_roles  # noqa: E402


def run_script(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and script, arguments from the test
        [sys.executable, str(SCRIPT), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
        check=False,
    )


class Cluster:
    def __init__(self, admin_url: str) -> None:
        suffix = uuid.uuid4().hex[:10]
        self.admin_url = admin_url
        self.database = f"casebook_roles_{suffix}"
        self.owner = f"casebook_owner_{suffix}"
        self.app = f"casebook_app_{suffix}"

    def url(self, role: str, password: str) -> str:
        return (
            make_url(self.admin_url)
            .set(username=role, password=password, database=self.database)
            .render_as_string(hide_password=False)
        )


@pytest.fixture
def cluster(postgres_admin_url: str) -> Iterator[Cluster]:
    cluster = Cluster(postgres_admin_url)
    try:
        yield cluster
    finally:
        admin = create_engine(postgres_admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{cluster.database}" WITH (FORCE)'))
            for role in (cluster.app, cluster.owner):
                connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def _set_up(cluster: Cluster) -> tuple[str, str]:
    """Roles and database, a migration as the owner, the grants (twice: idempotent); the two URLs."""
    passwords = {"OWNER_PW": "owner-" + uuid.uuid4().hex, "APP_PW": "app-" + uuid.uuid4().hex}
    setup_args = [
        "setup",
        cluster.admin_url,
        "--database",
        cluster.database,
        "--owner-role",
        cluster.owner,
        "--app-role",
        cluster.app,
        "--owner-password-env",
        "OWNER_PW",
        "--app-password-env",
        "APP_PW",
    ]
    for _ in range(2):
        result = run_script(*setup_args, env=passwords)
        assert result.returncode == 0, result.stderr
    assert passwords["APP_PW"] not in result.stdout + result.stderr
    owner_url = cluster.url(cluster.owner, passwords["OWNER_PW"])
    app_url = cluster.url(cluster.app, passwords["APP_PW"])

    owner_app = create_app({**TEST_SETTINGS, "DATABASE_URL": owner_url})
    with _own_database(owner_app):
        migrate.upgrade(owner_app)
    for _ in range(2):
        result = run_script("grant", owner_url, "--app-role", cluster.app)
        assert result.returncode == 0, result.stderr
    assert "append-only: SELECT, INSERT" in result.stdout
    return owner_url, app_url


@contextlib.contextmanager
def _own_database(application) -> Iterator[None]:
    """Inside ``application``'s context, with the session on its own engine: the suite's autouse
    fixture binds the shared session to the test database's connection for the test's duration."""
    from casebook.db import db

    saved = dict(db.session.session_factory.kw)
    db.session.remove()
    db.session.configure(bind=None)
    try:
        with application.app_context():
            yield
            db.session.remove()
            db.engine.dispose()
    finally:
        db.session.remove()
        db.session.configure(**{key: saved[key] for key in ("bind", "join_transaction_mode") if key in saved})


def _as(url: str) -> psycopg.Connection:
    return psycopg.connect(pg_roles.libpq_url(url), autocommit=True)


def test_app_role_appends_to_the_trail_but_cannot_rewrite_it(cluster: Cluster, tmp_path: Path) -> None:
    owner_url, app_url = _set_up(cluster)
    assert run_script("check", owner_url, "--app-role", cluster.app).returncode == 0

    # The app, under the app role: seed the reference data and accounts, log in, open the case list.
    served = create_app({**TEST_SETTINGS, "DATABASE_URL": app_url, "INSTANCE_PATH": str(tmp_path)})
    with _own_database(served):
        from casebook.db import db
        from casebook.demo.seed import seed_accounts, seed_reference_data

        seed_reference_data()
        seed_accounts(TEST_SETTINGS["DEMO_PASSWORD"])
        db.session.commit()
        served.test_client_class = IsolatedClient
        client = served.test_client()
        response = client.post(
            "/login", data={"username": "zvh.coordinator", "password": TEST_SETTINGS["DEMO_PASSWORD"]}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:300]
        response = client.get("/cases")
        assert response.status_code == 200, response.headers.get("Location")

    with _as(app_url) as connection:
        events = connection.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        assert events >= 2  # the login and the list, written by the app role
        # Ordinary tables: read, append, change, remove.
        connection.execute("INSERT INTO district (code, name) VALUES ('test-wijk', 'Testwijk')")
        connection.execute("UPDATE district SET name = 'Testwijk 2' WHERE code = 'test-wijk'")
        assert connection.execute("SELECT name FROM district WHERE code = 'test-wijk'").fetchone() == ("Testwijk 2",)
        connection.execute("DELETE FROM district WHERE code = 'test-wijk'")
        # The trail: no rewrite, no removal, no truncation, no way around the triggers.
        for statement in (
            "UPDATE audit_event SET action = 'forged'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
            "UPDATE audit_unkeyed_reason SET seq = seq",
            "DELETE FROM audit_unkeyed_reason",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute(statement)
        for statement in (
            "ALTER TABLE audit_event DISABLE TRIGGER USER",
            "DROP TABLE audit_event",
            "CREATE TABLE scratch (id int)",
            "UPDATE alembic_version SET version_num = 'x'",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute(statement)
        assert connection.execute("SELECT count(*) FROM audit_event").fetchone()[0] == events


def test_a_table_a_later_migration_adds_is_append_only_until_granted(cluster: Cluster) -> None:
    owner_url, app_url = _set_up(cluster)
    with _as(owner_url) as owner:
        owner.execute("CREATE TABLE later_feature (id serial PRIMARY KEY, name text)")
    with _as(app_url) as connection:
        # Default privileges: a new table may be read and appended to, nothing more.
        connection.execute("INSERT INTO later_feature (name) VALUES ('a')")
        with pytest.raises(errors.InsufficientPrivilege):
            connection.execute("UPDATE later_feature SET name = 'b'")
    check = run_script("check", owner_url, "--app-role", cluster.app)
    assert check.returncode == 1 and "lacks UPDATE, DELETE on later_feature" in check.stderr
    assert run_script("grant", owner_url, "--app-role", cluster.app).returncode == 0
    assert run_script("check", owner_url, "--app-role", cluster.app).returncode == 0
    with _as(app_url) as connection:
        connection.execute("UPDATE later_feature SET name = 'b'")
        # processing_log (its migration's): the app appends lines, only the owner prunes them
        connection.execute(
            "INSERT INTO processing_log (trace_id, span_id, name, status, started_at, ended_at,"
            " processing_activity_id, data_subject_id, data_subject_type)"
            " VALUES ('4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7', 'case.view', 'OK', now(), now(),"
            " 'pga-casework', 'x', 'BSN')"
        )
        for statement in ("UPDATE processing_log SET name = 'x'", "DELETE FROM processing_log"):
            with pytest.raises(errors.InsufficientPrivilege):
                connection.execute(statement)
    with _as(owner_url) as owner:
        assert owner.execute("DELETE FROM processing_log").rowcount == 1


def test_grant_refuses_to_run_as_the_app_role(cluster: Cluster) -> None:
    _owner_url, app_url = _set_up(cluster)
    result = run_script("grant", app_url, "--app-role", cluster.app)
    assert result.returncode != 0 and "not as the app role" in result.stderr


def test_the_append_only_list_names_the_audit_tables_of_the_models() -> None:
    from casebook.audit.models import AuditEvent, UnkeyedEventReason

    assert {AuditEvent.__tablename__, UnkeyedEventReason.__tablename__} <= set(pg_roles.APPEND_ONLY_TABLES)
