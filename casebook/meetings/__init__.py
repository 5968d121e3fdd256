"""Case meetings (casusoverleg): agenda, decisions and actions per case."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("meetings", __name__)


def init_app(app: Flask) -> None:
    from casebook.meetings import views, views_preparation, work
    from casebook.modules import navigation

    app.register_blueprint(bp)
    views.register(app)
    views_preparation.register(app)
    work.register(app)
    navigation(app).add("meetings.index", _l("Casusoverleg"), order=30)
