"""Extension point of the My work start page: each module registers its widgets.

A widget loader gets the user and today's local date and returns ``WorkWidget`` (or None when it
does not apply to this user, e.g. the triage queue for a caseworker). Loaders apply the policy
themselves and count in SQL. Widgets are kept per app (``casebook.modules.contributions``) and
added from a module's ``init_app(app)``. Other modules register theirs: open and overdue plan actions
(``casebook/plans/work.py``), handoffs awaiting me (``casebook/handoffs/work.py``).

    register_widget(app, "plan_actions", load_my_actions, order=20)
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from flask import Flask

from casebook.auth.models import User
from casebook.modules import contributions


@dataclass(frozen=True)
class WidgetItem:
    label: str
    url: str | None = None
    note: str | None = None  # e.g. a date or a status
    flagged: bool = False  # overdue / needs attention


@dataclass(frozen=True)
class WorkWidget:
    key: str
    title: str
    count: int
    items: list[WidgetItem] = field(default_factory=list)
    more_url: str | None = None
    flagged_count: int = 0  # e.g. overdue among ``count``
    flagged_label: str | None = None
    empty_text: str | None = None
    more_label: str | None = None  # the link to the list behind the tile; default "Alles bekijken"
    links: list[WidgetItem] = field(default_factory=list)  # further lists, e.g. the organisation's actions


WidgetLoader = Callable[[User, date], WorkWidget | None]


def register_widget(app: Flask, key: str, load: WidgetLoader, order: int = 100) -> None:
    contributions(app).widgets[key] = (order, load)


def widgets_for(user: User, today: date) -> list[WorkWidget]:
    shown = []
    for _order, load in sorted(contributions().widgets.values(), key=lambda item: item[0]):
        widget = load(user, today)
        if widget is not None:
            shown.append(widget)
    return shown
