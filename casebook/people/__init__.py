"""Persons (betrokkenen): the encrypted register, found again through blind indexes."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("people", __name__)


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.modules import navigation
    from casebook.people import views  # noqa: F401 - defines the routes on ``bp``
    from casebook.people.cli import people_group

    app.register_blueprint(bp)
    app.cli.add_command(people_group)
    navigation(app).add("people.search", _l("Personen"), action=Action.SEARCH_PERSONS, order=65)
