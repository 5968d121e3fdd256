"""Authorisation admin: the screens where admins and supervisors grant and revoke ZGW-style
authorisations (per case type: actions and a maximum confidentiality).

The rules and the audit trail of granting live in the trust layer (``casebook.access.services``);
this module only offers the screens, so ``casebook.access`` holds no screens.
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("authorisations", __name__, url_prefix="/access")


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.authorisations import views  # noqa: F401 - defines the routes on ``bp``
    from casebook.modules import navigation

    app.register_blueprint(bp)
    navigation(app).add("authorisations.index", _l("Autorisaties"), action=Action.MANAGE_AUTHORISATIONS, order=75)
