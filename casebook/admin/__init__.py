"""Functional management (functioneel beheer): users, and the supervisors' access review."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("admin", __name__, url_prefix="/admin")


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.admin import views  # noqa: F401 - defines the routes on ``bp``
    from casebook.modules import NavChoice, navigation

    app.register_blueprint(bp)
    # admins manage users; supervisors (who may read the trail) review their organisation's access
    navigation(app).add(
        "admin.users",
        _l("Beheer"),
        action=Action.MANAGE_USERS,
        order=50,
        choices=(NavChoice("admin.access_review", _l("Toegangsreview"), Action.VIEW_AUDIT),),
    )
