"""Interventions: what was done (prevention, care, enforcement)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("interventions", __name__)


def init_app(app: Flask) -> None:
    from casebook.interventions import views

    app.register_blueprint(bp)
    views.register(app)
