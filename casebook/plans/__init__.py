"""Plans of approach (plan van aanpak): goals per life domain with actions; the household plan."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("plans", __name__)


def init_app(app: Flask) -> None:
    from casebook.plans import household, views, work

    app.register_blueprint(bp)
    views.register(app)
    household.register(app)
    work.register(app)
