"""Application logs carry no personal data: every record is redacted before any handler sees it."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy.exc import IntegrityError

from casebook.security import PersonalDataFilter, redact
from tests.factories import login_as, make_user

PERSONAL = {
    "bsn": "999990019",
    "bsn_dotted": "9999.90.019",
    "email": "daan.jansen@example.nl",
    "phone": "06-12345678",
    "iban": "NL91ABNA0417164300",
    "query": "Jansen",
    "token": "q7H1uX_secret-activation-token",
}


def test_captured_logs_from_casebook_and_werkzeug_are_redacted(caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("casebook.people").info(
        "lookup of %s (bsn %s, %s) mail %s iban %s",
        "x",
        PERSONAL["bsn"],
        PERSONAL["bsn_dotted"],
        PERSONAL["email"],
        PERSONAL["iban"],
    )
    logging.getLogger("casebook.cases").warning("call %s about case", PERSONAL["phone"])
    logging.getLogger("werkzeug").info(
        '127.0.0.1 - - "GET /persons?q=%s&bsn=%s HTTP/1.1" 200 -', PERSONAL["query"], PERSONAL["bsn"]
    )
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET /activate/%s HTTP/1.1" 200 -', PERSONAL["token"])
    text = caplog.text
    for value in PERSONAL.values():
        assert value not in text
    assert "[bsn]" in text and "[e-mail]" in text and "[telefoon]" in text and "?[redacted]" in text


def test_exception_text_and_sql_parameters_are_redacted(caplog):
    caplog.set_level(logging.ERROR)
    try:
        raise IntegrityError("INSERT INTO person (bsn, email) VALUES (?, ?)", ("999990019", "a@b.nl"), Exception("dup"))
    except IntegrityError:
        logging.getLogger("casebook.web").exception("commit failed")
    text = caplog.text
    assert "999990019" not in text and "a@b.nl" not in text
    assert "INSERT INTO person" in text  # the statement stays useful, only its values go


def test_a_request_that_logs_an_error_leaks_nothing(app, client, caplog, monkeypatch):
    login_as(client, make_user())

    def explode(*args, **kwargs):
        raise RuntimeError(f"person {PERSONAL['bsn']} mail {PERSONAL['email']}")

    monkeypatch.setitem(app.view_functions, "cases.index", explode)
    caplog.set_level(logging.INFO)
    assert client.get("/cases?q=" + PERSONAL["query"]).status_code == 500
    assert "unhandled error" in caplog.text
    for value in (PERSONAL["bsn"], PERSONAL["email"]):
        assert value not in caplog.text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("case 42 opened", "case 42 opened"),
        ("request 3f9a1c2b44e0aa10", "request 3f9a1c2b44e0aa10"),
        ("at 2026-11-28 14:05:00", "at 2026-11-28 14:05:00"),
        ("bsn 999990019.", "bsn [bsn]."),
    ],
)
def test_redaction_keeps_ordinary_facts(text, expected):
    assert redact(text) == expected


def test_the_filter_can_be_put_on_any_handler():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "mail %s", ("a@b.nl",), None)
    PersonalDataFilter().filter(record)
    assert record.getMessage() == "mail [e-mail]"
