"""Plans of approach (plan van aanpak): goals per life domain with actions; the household plan."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("plans", __name__)


def init_app(app: Flask) -> None:
    from casebook.plans import household, labels, steering_views, views, work  # noqa: F401 - routes

    app.register_blueprint(bp)
    labels.register(app)
    views.register(app)
    household.register(app)
    work.register(app)
