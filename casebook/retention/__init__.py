"""Retention and destruction (Archiefwet, AVG art. 5(1)(e)): destruction lists drawn up from the
retention periods, approved by a supervisor and the privacy officer, carried out by crypto-shredding,
with a certificate (verklaring van vernietiging) per list. URLs under ``/retention``."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("retention", __name__, url_prefix="/retention")


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.modules import navigation
    from casebook.retention import api, views  # noqa: F401 - the routes; api: joins the API's registry
    from casebook.retention.cli import retention_group

    app.register_blueprint(bp)
    app.cli.add_command(retention_group)
    navigation(app).add(
        "retention.index", _l("Vernietiging"), action=Action.VIEW_DESTRUCTION_LISTS, order=75, active="retention."
    )
