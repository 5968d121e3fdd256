"""Signing in and out, second factors, re-authentication, and the user's own sessions and password."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("auth", __name__)
account_bp = Blueprint("account", __name__, url_prefix="/account")


def init_app(app: Flask) -> None:
    from casebook.auth import account_views, views  # noqa: F401 - define the routes on the blueprints
    from casebook.modules import navigation

    app.register_blueprint(bp)
    app.register_blueprint(account_bp)
    nav = navigation(app)
    # the account menu under the user's name, not the main menu
    for order, (endpoint, label) in enumerate(
        [
            ("account.sessions_list", _l("Mijn sessies")),
            ("account.mfa_status", _l("Tweede factor")),
            ("account.change_password", _l("Wachtwoord wijzigen")),
        ]
    ):
        nav.add(endpoint, label, order=10 * (order + 1), area="account", active=endpoint)
