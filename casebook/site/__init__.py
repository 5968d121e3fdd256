"""The site: the start page (My work), the language switch, health checks."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("site", __name__)


def init_app(app: Flask) -> None:
    from casebook.modules import navigation
    from casebook.site import views  # noqa: F401 - defines the routes on ``bp``

    app.register_blueprint(bp)
    navigation(app).add("site.index", _l("Mijn werk"), order=10, active="site.index")
