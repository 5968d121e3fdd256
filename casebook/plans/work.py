"""My work: the user's open plan actions, overdue ones flagged. Derived from due dates, never copied."""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _

from casebook.auth.models import Role, User
from casebook.plans import services as plans
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget

SHOWN = 10


def my_actions(user: User, today: date) -> WorkWidget | None:
    if not user.has_role(Role.CASEWORKER, Role.COORDINATOR):
        return None
    actions = plans.open_actions_for(user)
    overdue = [a for a in actions if a.due_on is not None and a.due_on < today]
    items = [
        WidgetItem(
            label=action.case.reference,
            url=url_for("cases.detail", case_id=action.case_id, _anchor=f"action-{action.id}"),
            note=action.due_on.isoformat() if action.due_on else None,
            flagged=action in overdue,
        )
        for action in sorted(actions, key=lambda a: (a.due_on or date.max, a.id))[:SHOWN]
    ]
    return WorkWidget(
        key="plan_actions",
        title=_("Mijn openstaande acties"),
        count=len(actions),
        items=items,
        flagged_count=len(overdue),
        flagged_label=_("over de streefdatum"),
        empty_text=_("U heeft geen openstaande acties."),
    )


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "plan_actions", my_actions, order=20)
