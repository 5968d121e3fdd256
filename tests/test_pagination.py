"""Keyset cursors (``casebook.pagination``): opaque, carrying only a sort key, refused unless this list issued them."""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, datetime

import pytest
from flask import render_template_string
from flask_babel import force_locale

from casebook import pagination
from casebook.cases.services import CASE_LIST_ORDER
from casebook.interventions.services import INTERVENTION_ORDER
from casebook.pagination import InvalidCursor, PageRequest
from casebook.supervision.queries import AUDIT_ORDER

KEY = (datetime(2026, 3, 1, 9, 30, 0, 123456, tzinfo=UTC), 42)


def _forged(payload: list) -> str:
    """A cursor over ``payload`` with a valid MAC: what only someone holding the secret key could make."""
    raw = json.dumps(payload).encode()
    return base64.urlsafe_b64encode(pagination._mac(raw) + raw).rstrip(b"=").decode()


def test_a_cursor_round_trips_and_holds_only_the_lists_name_and_the_sort_key():
    token = CASE_LIST_ORDER.encode(KEY)
    assert CASE_LIST_ORDER.decode(token) == KEY
    assert token.isascii() and all(c.isalnum() or c in "-_" for c in token)  # safe in a URL as it is
    payload = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))[12:])
    assert payload == ["cases", "2026-03-01T09:30:00.123456+00:00", 42]


def test_a_date_key_round_trips():
    key = (date(2026, 2, 3), 7)
    assert INTERVENTION_ORDER.decode(INTERVENTION_ORDER.encode(key)) == key


def _flipped(token: str) -> str:
    middle = len(token) // 2
    return token[:middle] + ("A" if token[middle] != "A" else "B") + token[middle + 1 :]


@pytest.mark.parametrize(
    "make",
    [
        lambda: "",
        lambda: "x",
        lambda: "!!!!",
        lambda: "é" * 20,
        lambda: "A" * 600,
        lambda: _flipped(CASE_LIST_ORDER.encode(KEY)),  # edited
        lambda: CASE_LIST_ORDER.encode(KEY)[:-2],  # cut short
        lambda: AUDIT_ORDER.encode(KEY),  # another list's cursor
        lambda: _forged(["cases", "gisteren", 1]),
        lambda: _forged(["cases", "2026-03-01T09:30:00", 1]),  # a time without a zone
        lambda: _forged(["cases", KEY[0].isoformat(), "1"]),
        lambda: _forged(["cases", KEY[0].isoformat(), True]),
        lambda: _forged(["cases", KEY[0].isoformat(), 2**70]),
        lambda: _forged(["cases", KEY[0].isoformat()]),  # too few values
        lambda: _forged({"cases": 1}),
    ],
    ids=[
        "empty",
        "short",
        "not-base64",
        "not-ascii",
        "too-long",
        "edited",
        "cut",
        "other-list",
        "not-a-time",
        "naive-time",
        "id-as-text",
        "id-as-bool",
        "id-too-large",
        "too-few",
        "not-a-list",
    ],
)
def test_anything_but_a_cursor_this_list_issued_is_refused(make):
    with pytest.raises(InvalidCursor):
        CASE_LIST_ORDER.decode(make())


def test_a_cursor_made_under_another_secret_key_is_refused(app, monkeypatch):
    token = CASE_LIST_ORDER.encode(KEY)
    monkeypatch.setattr(app, "secret_key", "another-installation")
    with pytest.raises(InvalidCursor):
        CASE_LIST_ORDER.decode(token)


def test_the_page_request_reads_the_screens_query_string_and_audits_only_its_position():
    asked = PageRequest.from_args({"after": "abc", "total": "exact", "user": "x"}, per_page=10)
    assert (asked.after, asked.before, asked.exact_total, asked.position) == ("abc", None, True, "next")
    assert asked.audit_details() == {"page": "next", "per_page": 10, "total": "exact"}
    assert PageRequest.from_args({"before": "abc", "total": "yes"}, 5).audit_details() == {
        "page": "previous",
        "per_page": 5,
    }
    assert asked.first() == PageRequest(per_page=10, exact_total=True)


def test_counts_are_written_in_the_readers_language(app):
    with app.test_request_context():
        assert render_template_string("{{ 1000|number }}") == "1.000"
        with force_locale("en"):
            assert render_template_string("{{ 1000|number }}") == "1,000"
