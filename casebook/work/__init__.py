"""My work: the start page (rendered at ``/`` by ``casebook.site``), its widget registry and the
paged lists behind its tiles (``/work/…``)."""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("work", __name__)


def init_app(app: Flask) -> None:
    from casebook.work import services, views  # noqa: F401 - views defines the routes on ``bp``

    app.register_blueprint(bp)
    services.register(app)
