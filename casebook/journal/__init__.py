"""The journal (journaal): notes on a case, append-only."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("journal", __name__)


def init_app(app: Flask) -> None:
    from casebook.journal import views

    app.register_blueprint(bp)
    views.register(app)
