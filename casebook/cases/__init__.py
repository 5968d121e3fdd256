"""Cases (casussen): the list, the case page and its process (status, closing, participants)."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("cases", __name__)


def init_app(app: Flask) -> None:
    from casebook.cases import (  # noqa: F401 - define the routes on ``bp``
        dossier,
        list_views,
        timeline,
        views,
        views_dossier,
        views_process,
    )
    from casebook.cases.lifecycle import accepts_changes
    from casebook.modules import navigation

    app.register_blueprint(bp)
    app.jinja_env.globals["accepts_changes"] = accepts_changes  # forms hidden on a closed case
    timeline.register(app)
    dossier.register(app)  # the dossier's own tabs: Overzicht, Betrokkenen & deelnemers, Tijdlijn
    navigation(app).add("cases.index", _l("Casussen"), order=20)
