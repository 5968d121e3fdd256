"""A backing service gone away answers 503 (page or problem document, ``Retry-After``), never 500.

The database: an app whose database cannot be reached at all, and a commit that fails because the
connection was lost (what a PostgreSQL restart does to a request in flight) — nothing of that
request is stored, not the note and not its audit event. The rate-limit storage: the error Redis
raises when it is unreachable, on the login form (which checks the lockout there).
"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from casebook import create_app
from casebook.audit.models import AuditEvent
from casebook.cases.models import Involvement
from casebook.db import AppBoundSession, db
from casebook.extensions import limiter
from casebook.journal.models import Note
from tests.conftest import TEST_SETTINGS
from tests.factories import login_as, make_case, make_org, make_user


def _lost_connection(*_args, **_kwargs):
    raise OperationalError("COMMIT", {}, Exception("server closed the connection unexpectedly"))


@pytest.fixture
def unreachable_app(tmp_path):
    """An app of its own on a database file that cannot be opened; the suite's session binding (to
    the test transaction) is lifted meanwhile, so its requests really go to that app's engine."""
    url = f"sqlite:///{tmp_path / 'missing' / 'no-such-dir' / 'casebook.sqlite3'}"
    factory = db.session.session_factory
    saved = dict(factory.kw)
    db.session.remove()
    factory.configure(bind=None)
    try:
        yield create_app({**TEST_SETTINGS, "DATABASE_URL": url, "INSTANCE_PATH": str(tmp_path)})
    finally:
        db.session.remove()
        factory.configure(**saved)


def test_an_unreachable_database_is_a_503_page_not_a_500(unreachable_app):
    response = unreachable_app.test_client().post("/login", data={"username": "someone", "password": "secret"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    assert response.mimetype == "text/html"
    assert "Tijdelijk niet beschikbaar" in response.get_data(as_text=True)


def test_an_unreachable_database_is_a_503_problem_document_under_the_api(unreachable_app):
    response = unreachable_app.test_client().get("/api/v1/cases", headers={"Authorization": "Bearer x.y"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["status"] == 503


def test_a_commit_on_a_lost_connection_is_a_503_and_stores_nothing(client, monkeypatch):
    west = make_org("wijkteam-west")
    case = make_case(lead=west, participants=[(make_org("politie"), Involvement.CONTRIBUTOR)])
    login_as(client, make_user(org=west))
    events_before = db.session.scalar(select(func.count(AuditEvent.id)))

    monkeypatch.setattr(AppBoundSession, "commit", _lost_connection)
    response = client.post(f"/cases/{case.id}/notes", data={"body": "Huisbezoek", "visibility": "shared"})
    monkeypatch.undo()

    assert response.status_code == 503
    assert "Location" not in response.headers  # not the redirect the note would have had
    assert db.session.scalar(select(func.count(Note.id)).where(Note.case_id == case.id)) == 0
    assert db.session.scalar(select(func.count(AuditEvent.id))) == events_before


def _storage_errors() -> list[Exception]:
    from limits.errors import StorageError

    errors: list[Exception] = [StorageError(ConnectionError("Redis unreachable"))]
    try:
        from redis.exceptions import ConnectionError as RedisConnectionError
    except ImportError:
        return errors
    return [*errors, RedisConnectionError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")]


@pytest.mark.parametrize("error", _storage_errors(), ids=lambda e: type(e).__name__)
def test_an_unreachable_rate_limit_storage_is_a_503_on_the_login_form(client, monkeypatch, error):
    user = make_user()

    def unreachable(*_args, **_kwargs):
        raise error

    storage = limiter.limiter.storage
    for name in ("incr", "get", "get_expiry", "clear", "acquire_entry", "get_moving_window", "check"):
        if hasattr(storage, name):
            monkeypatch.setattr(storage, name, unreachable)
    response = client.post("/login", data={"username": user.username, "password": "wrong"})
    assert response.status_code == 503
    assert "Tijdelijk niet beschikbaar" in response.get_data(as_text=True)


@pytest.mark.parametrize("error", _storage_errors(), ids=lambda e: type(e).__name__)
def test_a_rate_limit_storage_lost_after_the_view_is_a_503_too(app, client, monkeypatch, error):
    """An incomplete login form never reaches the lockout; the limiter counts the failed attempt
    after the view, and that is where the unreachable storage shows. (Outside tests Flask hands an
    error after the view to the 500 handler; TESTING would re-raise it instead.)"""
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    storage = limiter.limiter.storage

    def unreachable(*_args, **_kwargs):
        raise error

    for name in ("incr", "acquire_entry"):
        if hasattr(storage, name):
            monkeypatch.setattr(storage, name, unreachable)
    response = client.post("/login", data={"username": ""})
    assert response.status_code == 503


def test_rolling_back_on_a_connection_the_server_dropped_does_not_raise(app):
    """What a PostgreSQL restart leaves a request with: an invalidated connection mid-transaction.
    The rollback must go through (the reference cache's listener once raised there: a 500)."""
    with app.app_context():
        connection = db.engine.connect().execution_options(read_only=True)  # SQLite: no write lock
        transaction = connection.begin()
        connection.invalidate()
        transaction.rollback()
        connection.close()


def test_when_even_the_layout_needs_the_lost_database_the_503_is_a_plain_page(client, monkeypatch):
    import casebook.web

    login_as(client, make_user())

    def no_connection(*_args, **_kwargs):
        raise OperationalError("SELECT", {}, Exception("connection refused"))

    monkeypatch.setattr(AppBoundSession, "get_bind", no_connection)  # the page's queries
    monkeypatch.setattr(casebook.web, "render_template", no_connection)  # and the layout's header
    response = client.get("/cases")
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    html = response.get_data(as_text=True)
    assert "<h1>Tijdelijk niet beschikbaar</h1>" in html and "Er is niets opgeslagen" in html
