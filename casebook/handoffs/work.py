"""My work: handoffs and requests for a case that await the user's organisation (coordinators)."""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.handoffs.inbox import incoming_count
from casebook.work.extensions import WorkWidget, register_widget


def handoffs_awaiting(user: User, today: date) -> WorkWidget | None:
    if not can(user, Action.DECIDE_HANDOFF):
        return None
    return WorkWidget(
        key="handoffs",
        title=_("Overdrachten te beslissen"),
        count=incoming_count(user),
        more_url=url_for("handoffs.inbox"),
        empty_text=_("Er wachten geen overdrachten op uw organisatie."),
    )


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "handoffs", handoffs_awaiting, order=35)
