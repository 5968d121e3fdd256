"""The privacy officer's start page: a My-work tile with the register and the processing log."""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.privacy.register import current_activities
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget


def privacy_widget(user: User, today: date) -> WorkWidget | None:
    """The register's activities (count and the first few) and the way to the log; one statement,
    and none for anyone who is not the privacy officer."""
    if not can(user, Action.VIEW_REGISTER):
        return None
    activities = current_activities()
    return WorkWidget(
        key="privacy_register",
        title=_("Verwerkingsregister"),
        count=len(activities),
        items=[
            WidgetItem(label=a.name, url=url_for("privacy.activity_detail", code=a.id), note=f"v{a.version}")
            for a in activities[:5]
        ],
        more_url=url_for("privacy.register_index"),
        more_label=_("Hele register"),
        empty_text=_("Het register is leeg."),
        links=[WidgetItem(label=_("Verwerkingslog"), url=url_for("privacy.processing_log"))]
        if can(user, Action.VIEW_PROCESSING_LOG)
        else [],
    )


def register(app: Flask) -> None:
    register_widget(app, "privacy_register", privacy_widget, order=15)
