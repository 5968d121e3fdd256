"""The policy is a table: every action has exactly one rule, and anything else is refused."""

from __future__ import annotations

import pytest

from casebook.access import Action, can
from casebook.access.rules import RULES, rule
from tests.factories import make_user


def test_every_action_has_a_rule() -> None:
    missing = [action.value for action in Action if action not in RULES]
    assert missing == []


def test_every_action_has_a_label() -> None:
    assert [a.value for a in Action if a.label == a.value] == []


def test_an_action_cannot_get_a_second_rule() -> None:
    with pytest.raises(RuntimeError, match="two rules"):
        rule(Action.VIEW_CASE)(lambda user, action, obj: True)


def test_unknown_actions_and_anonymous_users_are_refused() -> None:
    user = make_user(roles=("coordinator",))
    assert can(user, Action.OPEN_CASE)
    assert not can(user, "case.everything")
    assert not can(None, Action.OPEN_CASE)
