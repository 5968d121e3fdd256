"""Notifications: in-app notices (the bell, ``/notifications``), reminders found by a periodic run,
and a daily-style digest e-mail without personal data (``casebook notifications send``)."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("notifications", __name__)


def init_app(app: Flask) -> None:
    from casebook.modules import navigation
    from casebook.notifications import services, views  # noqa: F401 - views: routes
    from casebook.notifications.cli import notifications_group

    app.register_blueprint(bp)
    app.cli.add_command(notifications_group)
    nav = navigation(app)
    nav.add(
        "notifications.index",
        _l("Notificaties"),
        order=95,
        active=("notifications.index",),
        badge=services.unread_count_expression,
        badge_hint=_l("ongelezen"),
    )
    # an account item (the header's account area): the address and choices of the user
    nav.add(
        "notifications.preferences",
        _l("Notificaties instellen"),
        order=56,
        area="account",
        active=("notifications.preferences",),
    )
