"""JSON logs: one event per request with its id, route, status, duration and user id — and nothing
a user typed (no query string, no form values, no names, no BSN)."""

from __future__ import annotations

import io
import json
import logging

import pytest

from casebook.ops import logs
from tests.factories import make_user

BSN = "123456782"
NAME = "Wilhelmina-Testpersoon"


@pytest.fixture
def json_log(app, monkeypatch):
    """LOG_FORMAT=json as production sets it up, the handler's stream captured; logging restored after."""
    root = logging.getLogger()
    saved_handlers, saved_level = list(root.handlers), root.level
    casebook_handlers = list(logging.getLogger("casebook").handlers)
    monkeypatch.setitem(app.config, "LOG_FORMAT", "json")
    logs.configure(app)
    logs.configure(app)  # once per process, however many apps are built
    ours = [h for h in root.handlers if isinstance(h, logs.JsonStreamHandler)]
    assert len(ours) == 1
    stream = io.StringIO()
    ours[0].setStream(stream)
    yield stream
    root.handlers[:] = saved_handlers
    root.setLevel(saved_level)
    logging.getLogger("casebook").handlers[:] = casebook_handlers


def _lines(stream: io.StringIO) -> list[dict]:
    return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]


def _requests(stream: io.StringIO) -> list[dict]:
    return [entry for entry in _lines(stream) if entry.get("event") == "request"]


def test_each_request_is_one_json_event_with_its_fields(client, json_log):
    response = client.get("/healthz", headers={"X-Request-Id": "4bf92f3577b34da6a3ce929d0e0e4736"})
    (event,) = _requests(json_log)
    assert event["request_id"] == "4bf92f3577b34da6a3ce929d0e0e4736" == response.headers["X-Request-Id"]
    assert event["route"] == "/healthz"
    assert event["endpoint"] == "ops.healthz"
    assert event["method"] == "GET"
    assert event["status"] == 200
    assert isinstance(event["duration_ms"], float)
    assert event["user_id"] is None
    assert event["logger"] == "casebook.request"
    assert event["level"] == "INFO"
    assert event["time"].endswith("+00:00")


def test_an_unusable_incoming_request_id_is_replaced(client, json_log):
    response = client.get("/healthz", headers={"X-Request-Id": "Jansen, BSN 123456782"})
    (event,) = _requests(json_log)
    assert event["request_id"] == response.headers["X-Request-Id"]
    assert "Jansen" not in json_log.getvalue()


def test_the_route_is_the_url_rule_and_the_user_a_number(client, json_log):
    user = make_user()
    from casebook.db import db

    db.session.commit()
    client.post("/login", data={"username": user.username, "password": "demo-password-for-tests-x"})  # wrong
    from tests.factories import login_as

    login_as(client, user)
    client.get("/cases/424242")
    events = _requests(json_log)
    case_event = next(e for e in events if e["endpoint"] == "cases.detail")
    assert case_event["route"] == "/cases/<int:case_id>"
    assert case_event["status"] == 404
    assert case_event["user_id"] == user.id
    assert "424242" not in json.dumps(events)
    assert user.username not in json_log.getvalue()


def test_no_bsn_or_name_from_the_query_string_or_the_form_reaches_the_log(client, json_log):
    user = make_user()
    from casebook.db import db
    from tests.factories import login_as

    db.session.commit()
    # a failed login whose username and password are a name and a BSN, both also in the query string
    client.post(f"/login?bsn={BSN}&naam={NAME}", data={"username": NAME, "password": BSN})
    login_as(client, user)
    client.get(f"/cases?q={BSN}&naam={NAME}")
    client.get(f"/persons?bsn={BSN}&family_name={NAME}")
    client.post(f"/persons?bsn={BSN}", data={"bsn": BSN, "family_name": NAME, "given_names": NAME})
    output = json_log.getvalue()
    assert len(_requests(json_log)) >= 5
    assert BSN not in output
    assert NAME not in output
    assert "?" not in "".join(str(e["route"]) for e in _requests(json_log))


def test_text_is_the_development_default_and_json_the_production_one():
    assert logs.log_format({"ENV": "development"}) == "text"
    assert logs.log_format({"ENV": "production"}) == "json"
    assert logs.log_format({"ENV": "production", "LOG_FORMAT": "text"}) == "text"


def test_an_unknown_log_format_is_one_clear_error():
    from casebook.settings import ConfigurationError

    with pytest.raises(ConfigurationError, match="LOG_FORMAT"):
        logs.log_format({"LOG_FORMAT": "xml"})


def test_exceptions_and_extra_fields_are_part_of_the_json_line():
    stream = io.StringIO()
    handler = logs.JsonStreamHandler(stream)
    logger = logging.getLogger("casebook.tests.ops")
    logger.addHandler(handler)
    try:
        try:
            raise ValueError("broken")
        except ValueError:
            logger.exception("job failed", extra={"job": "handoffs_expire"})
    finally:
        logger.removeHandler(handler)
    (entry,) = _lines(stream)
    assert entry["message"] == "job failed"
    assert entry["job"] == "handoffs_expire"
    assert "ValueError: broken" in entry["exception"]
    assert entry["level"] == "ERROR"


def test_gunicorn_log_config_uses_the_same_handler():
    from logging.config import dictConfig

    root = logging.getLogger()
    saved = list(root.handlers), root.level
    try:
        dictConfig(logs.gunicorn_logconfig_dict())
        assert any(isinstance(h, logs.JsonStreamHandler) for h in root.handlers)
        assert logging.getLogger("gunicorn.error").propagate
    finally:
        root.handlers[:] = saved[0]
        root.setLevel(saved[1])
