"""Casebook: case management for the persoonsgerichte aanpak.

``create_app`` is the only place that wires things together.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from casebook import settings as settings_module

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings → extensions → blueprints.

    :raises settings.ConfigurationError: a production configuration is incomplete.
    """
    settings = settings_module.finalise(settings_module.load_settings(overrides))
    app = Flask(
        __name__,
        instance_path=settings["INSTANCE_PATH"],
        template_folder=str(PROJECT_ROOT / "templates"),
    )
    app.config.update(settings)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["REMEMBER_COOKIE_DURATION"] = 0
    if settings_module.is_production(settings):
        app.config["SESSION_COOKIE_SECURE"] = True

    app.jinja_env.add_extension("jinja2.ext.do")
    _init_extensions(app)
    _register_blueprints(app)
    logging.getLogger("casebook").setLevel(logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from casebook import web
    from casebook.auth import passwords
    from casebook.crypto import store as crypto_store
    from casebook.db import db
    from casebook.extensions import babel, csrf, login_manager
    from casebook.i18n import init_i18n

    passwords.configure(app.config.get("PASSWORD_HASH_PARAMS"))
    db.init_app(app)
    crypto_store.init_app(app)
    csrf.init_app(app)
    init_i18n(app, babel)
    login_manager.init_app(app)
    web.init_app(app)


def _register_blueprints(app: Flask) -> None:
    import casebook.auth.views
    import casebook.cases.views
    import casebook.handoffs.views
    import casebook.site.views  # noqa: F401 - importing a views module attaches its routes
    from casebook.auth import bp as auth_bp
    from casebook.cases import bp as cases_bp
    from casebook.handoffs import bp as handoffs_bp
    from casebook.site import bp as site_bp

    for blueprint in (site_bp, auth_bp, cases_bp, handoffs_bp):
        app.register_blueprint(blueprint)
