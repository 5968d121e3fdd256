"""My work: the user's open plan actions, overdue ones flagged. Derived from due dates, never copied.

The actions come from cases the user may see (``plans.open_actions_for`` is scoped in SQL); the
count is counted by the same query, so it names no action of a case the user cannot see.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.plans import services as plans
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget

SHOWN = 10


def my_actions(user: User, today: date) -> WorkWidget | None:
    if not can(user, Action.EDIT_PLAN):  # plan actions are owned by those who work on cases
        return None
    actions = plans.open_actions_for(user, limit=SHOWN)
    total, overdue_total = plans.open_action_counts_for(user, today=today)
    overdue = [a for a in actions if a.due_on is not None and a.due_on < today]
    items = [
        WidgetItem(
            label=action.case.reference,
            url=url_for("cases.section", case_id=action.case_id, path="plan", _anchor=f"action-{action.id}"),
            note=action.due_on.isoformat() if action.due_on else None,
            flagged=action in overdue,
        )
        for action in actions
    ]
    return WorkWidget(
        key="plan_actions",
        title=_("Mijn openstaande acties"),
        count=total,
        items=items,
        flagged_count=overdue_total,
        flagged_label=_("over de streefdatum"),
        empty_text=_("U heeft geen openstaande acties."),
    )


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "plan_actions", my_actions, order=20)
