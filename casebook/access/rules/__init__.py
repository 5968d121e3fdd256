"""The policy as a table of named rules: one rule function per action, looked up by the action.

A rule module per object type (``cases.py``, ``persons.py``, ``handoffs.py`` …) registers its
functions with ``@rule(Action.X, …)``. A rule receives a live user (authenticated and active; the
policy checked that), the action, and the object the action is about (``None`` for actions
without an object), and answers True or False. It never audits and never raises: the policy's
``require`` and ``load_or_404`` do that, once.

Every module in this package is imported when the package is, so a new rules file needs no
registration line anywhere; a test fails when an ``Action`` has no rule, and ``can()`` refuses an
action without one (closed by default).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from typing import Any

from casebook.access.actions import Action

Rule = Callable[[Any, Action, Any], bool]

RULES: dict[Action, Rule] = {}


def rule(*actions: Action) -> Callable[[Rule], Rule]:
    """Register the decorated function as the rule for ``actions`` (each action has one rule)."""

    def register(function: Rule) -> Rule:
        for action in actions:
            if action in RULES:
                raise RuntimeError(
                    f"two rules for {action.value}: {RULES[action].__qualname__}, {function.__qualname__}"
                )
            RULES[action] = function
        return function

    return register


def _load_rule_modules() -> None:
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")


_load_rule_modules()
