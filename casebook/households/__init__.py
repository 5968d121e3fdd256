"""Households (gezinnen): "1 gezin, 1 plan, 1 regisseur"."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("households", __name__)


def init_app(app: Flask) -> None:
    from casebook.households import views  # noqa: F401 - defines the routes on ``bp``

    app.register_blueprint(bp)
