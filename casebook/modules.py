"""The module contract: what a domain module contributes to the app, kept *in the app*.

Each domain package exposes ``init_app(app)``; ``create_app`` calls it for every entry of
``casebook.MODULES``. ``init_app`` registers the module's blueprint(s) and CLI group on the app and
adds its contributions to the registries below, which live in ``app.extensions["casebook"]`` — never
in process globals filled at import time. Two apps built in one process (tests, the crypto bench)
therefore never share or leak contributions, and importing a views module registers nothing.

- ``navigation(app)`` — header entries, each shown only when the policy allows its ``Action``: the main
  menu (``area="main"``) or the account menu under the user's name (``area="account"``);
- ``contributions(app).case_sections`` / ``.timeline_sources`` — the case page (``casebook.cases.extensions``);
  a module's section and timeline source share one audited read per view (``read_once``);
- ``contributions(app).household_sections`` — the household page (``casebook.households.extensions``);
- ``contributions(app).widgets`` — the My work start page (``casebook.work.extensions``);
- ``contributions(app).labels`` — display labels of a module's object types (``object_type`` → label);
- ``contributions(app).hooks`` — named tie-ins one module offers another (handoffs' shared item kinds).

This is plumbing: it imports nothing of the product. The policy is handed in (``can``) by the caller.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app, request, url_for

EXTENSION_KEY = "casebook"


@dataclass(frozen=True)
class NavChoice:
    """One way to show an entry: when ``can(user, action)``, link ``endpoint`` with ``label``."""

    endpoint: str
    label: Any  # a lazy string, translated at render time
    action: Any = None  # an ``Action``; None = every signed-in user


@dataclass(frozen=True)
class NavEntry:
    """A header entry. The first choice the policy allows is shown; none allowed hides the entry."""

    key: str
    choices: tuple[NavChoice, ...]
    order: int = 100
    active: tuple[str, ...] = ()  # endpoints (or prefixes ending in ".") that mark it as the current page
    when: Callable[[Any], bool] | None = None  # an extra condition of the module (e.g. a box it owns)
    # a count shown next to the label, e.g. items to decide: an int, or a scalar SQL expression that
    # the header evaluates together with the other entries' in one statement (``links_for``)
    badge: Callable[[Any], Any] | None = None
    badge_hint: Any = None  # words read out after the count by screen readers
    area: str = "main"  # where the header shows it: the main menu, or "account" (the menu under the user's name)


AREAS = ("main", "account")


@dataclass(frozen=True)
class NavLink:
    """What the header renders for one entry."""

    key: str
    label: str
    url: str
    current: bool
    badge: int = 0
    badge_hint: str = ""
    area: str = "main"


class Navigation:
    """The header's entries of one app, ordered by ``order``."""

    def __init__(self) -> None:
        self._entries: dict[str, NavEntry] = {}

    def add(
        self,
        endpoint: str,
        label: Any,
        *,
        action: Any = None,
        order: int = 100,
        key: str | None = None,
        active: str | tuple[str, ...] | None = None,
        choices: Iterable[NavChoice] = (),
        when: Callable[[Any], bool] | None = None,
        badge: Callable[[Any], Any] | None = None,
        badge_hint: Any = None,
        area: str = "main",
    ) -> NavEntry:
        """Add an entry linking ``endpoint`` when ``can(user, action)``; ``choices`` are tried after it.

        ``active`` defaults to the endpoint's blueprint (``"cases."`` for ``cases.index``). ``area`` is
        ``"main"`` for the work of the day, ``"account"`` for what concerns the user's own account
        (sessions, tokens, second factor, notifications) — kept out of the main menu so it stays short.

        :raises ValueError: the key is taken, or ``area`` is not one of ``AREAS``.
        """
        if area not in AREAS:
            raise ValueError(f"navigation area {area!r} is not one of {AREAS}")
        if active is None:
            active = (endpoint.split(".", 1)[0] + ".",)
        elif isinstance(active, str):
            active = (active,)
        entry = NavEntry(
            key=key or endpoint,
            choices=(NavChoice(endpoint, label, action), *choices),
            order=order,
            active=tuple(active),
            when=when,
            badge=badge,
            badge_hint=badge_hint,
            area=area,
        )
        if entry.key in self._entries:
            raise ValueError(f"navigation entry {entry.key!r} is registered twice")
        self._entries[entry.key] = entry
        return entry

    def entries(self) -> list[NavEntry]:
        return sorted(self._entries.values(), key=lambda e: (e.order, e.key))

    def links_for(
        self, user: Any, can: Callable[[Any, Any], bool], endpoint: str | None = None, area: str = "main"
    ) -> list[NavLink]:
        """The entries of ``area`` that ``user`` may follow (``can`` is the policy), the current page marked."""
        shown: list[tuple[NavEntry, NavChoice, bool, Any]] = []
        for entry in self.entries():
            if entry.area != area:
                continue
            choice = next((c for c in entry.choices if c.action is None or can(user, c.action)), None)
            if choice is None or (entry.when is not None and not entry.when(user)):
                continue
            current = bool(endpoint) and any(
                endpoint.startswith(a) if a.endswith(".") else endpoint == a for a in entry.active
            )
            shown.append((entry, choice, current, entry.badge(user) if entry.badge is not None else 0))
        counts = _evaluate_badges([badge for *_rest, badge in shown])
        return [
            NavLink(
                key=entry.key,
                label=str(choice.label),
                url=url_for(choice.endpoint),
                current=current,
                badge=count,
                badge_hint=str(entry.badge_hint or ""),
                area=entry.area,
            )
            for (entry, choice, current, _badge), count in zip(shown, counts, strict=True)
        ]


def _evaluate_badges(badges: list[Any]) -> list[int]:
    """Plain numbers as they are; the SQL expressions among them in one ``SELECT``, so the header's
    counts (items to decide, unread notifications …) cost every page one statement, not one each."""
    expressions = [(i, b) for i, b in enumerate(badges) if not isinstance(b, int)]
    counts = [b if isinstance(b, int) else 0 for b in badges]
    if expressions:
        from sqlalchemy import select

        from casebook.db import db

        row = db.session.execute(select(*(expression for _i, expression in expressions))).one()
        for (i, _expression), value in zip(expressions, row, strict=True):
            counts[i] = int(value or 0)
    return counts


@dataclass
class Contributions:
    """Everything the modules of one app contributed (``app.extensions["casebook"]``)."""

    navigation: Navigation = field(default_factory=Navigation)
    case_sections: dict[str, Any] = field(default_factory=dict)
    timeline_sources: dict[str, Callable[..., Iterable[Any]]] = field(default_factory=dict)
    household_sections: dict[str, Any] = field(default_factory=dict)
    widgets: dict[str, tuple[int, Callable[..., Any]]] = field(default_factory=dict)
    labels: dict[str, Any] = field(default_factory=dict)
    hooks: dict[str, Any] = field(default_factory=dict)  # named tie-ins between modules, e.g. handoff item kinds
    modules: list[str] = field(default_factory=list)


def contributions(app: Flask | None = None) -> Contributions:
    """The contributions of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    registry = target.extensions.get(EXTENSION_KEY)
    if registry is None:
        registry = target.extensions[EXTENSION_KEY] = Contributions()
    return registry


def navigation(app: Flask | None = None) -> Navigation:
    return contributions(app).navigation


def init_modules(app: Flask, modules: Iterable[str]) -> None:
    """Call ``init_app(app)`` of every module, in order (a module path relative to ``casebook``
    like ``"cases"``, or absolute like ``"tests.example_module"``).

    :raises TypeError: a module does not expose ``init_app``.
    """
    registry = contributions(app)
    for name in modules:
        module = importlib.import_module(name if "." in name else f"casebook.{name}")
        init_app = getattr(module, "init_app", None)
        if not callable(init_app):
            raise TypeError(f"module {module.__name__} has no init_app(app)")
        init_app(app)
        registry.modules.append(module.__name__)


def nav_links(can: Callable[[Any, Any], bool], user: Any, area: str = "main") -> list[NavLink]:
    """For templates: the current app's header entries of ``area`` for ``user`` (the main menu by default)."""
    return navigation().links_for(user, can, request.endpoint, area)
