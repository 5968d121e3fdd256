"""Errors after an attempt, not before: a fresh form marks no field invalid, a refused one does."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from casebook.auth.models import Role
from tests.factories import login_as, make_org, make_user

STATIC = Path(__file__).resolve().parents[2] / "casebook" / "static"
INVALID_MARKS = ('aria-invalid="true"', "--invalid", "utrecht-form-field-error-message")


@pytest.mark.parametrize("css", ["casebook.css", "vendor/utrecht/component-library.css"])
def test_no_style_rule_marks_a_control_invalid_before_it_was_touched(css):
    """``:invalid`` and ``:required`` match an empty required field on page load; ``:user-invalid``
    only after the user changed it, ``[aria-invalid=true]`` only after the server refused it."""
    text = (STATIC / css).read_text(encoding="utf-8")
    assert not re.search(r"(?<!user-):invalid\b", text)
    assert not re.search(r":required\b", text)


@pytest.mark.parametrize("path", ["/meetings/new", "/account/password", "/account/api-tokens"])
def test_a_fresh_form_has_no_field_marked_invalid(client, path):
    login_as(client, make_user(org=make_org("zvh"), roles=[Role.COORDINATOR]))
    response = client.get(path)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<form" in html
    for mark in INVALID_MARKS:
        assert mark not in html, mark


def test_a_refused_form_marks_the_field_and_links_its_error(client):
    login_as(client, make_user(org=make_org("zvh"), roles=[Role.COORDINATOR]))
    response = client.post("/meetings/new", data={"title": "Casusoverleg", "held_on": ""})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    field = re.search(r'<input[^>]*id="held_on"[^>]*>', html).group(0)
    assert 'aria-invalid="true"' in field and "utrecht-textbox--invalid" in field
    assert 'aria-describedby="held_on-hint held_on-error"' in field
    assert 'id="held_on-error"' in html
