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
    app.config["REMEMBER_COOKIE_DURATION"] = 0  # cookie flags are set in casebook.security

    app.jinja_env.add_extension("jinja2.ext.do")
    _trust_proxies(app)
    _init_extensions(app)
    _register_blueprints(app)
    logging.getLogger("casebook").setLevel(logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from casebook import security, web
    from casebook.auth import passwords
    from casebook.crypto import store as crypto_store
    from casebook.db import db
    from casebook.extensions import babel, csrf, limiter, login_manager
    from casebook.i18n import init_i18n

    passwords.configure(app.config.get("PASSWORD_HASH_PARAMS"))
    db.init_app(app)
    crypto_store.init_app(app)
    csrf.init_app(app)
    init_i18n(app, babel)
    login_manager.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config.get("RATELIMIT_STORAGE_URL") or "memory://"
    limiter.init_app(app)
    web.init_app(app)
    security.init_app(app)


def _register_blueprints(app: Flask) -> None:
    import casebook.access.views
    import casebook.admin.views
    import casebook.api.views
    import casebook.audit.views
    import casebook.auth.account_views
    import casebook.auth.views
    import casebook.cases.views
    import casebook.handoffs.views
    import casebook.households.views
    import casebook.interventions.views
    import casebook.journal.views
    import casebook.meetings.views
    import casebook.people.views
    import casebook.plans.views
    import casebook.signals.views
    import casebook.site.views  # noqa: F401 - importing a views module attaches its routes
    from casebook.access.views import bp as access_bp
    from casebook.admin import bp as admin_bp
    from casebook.api import bp as api_bp
    from casebook.api import tokens_bp as api_tokens_bp
    from casebook.audit import bp as audit_bp
    from casebook.auth import account_bp
    from casebook.auth import bp as auth_bp
    from casebook.cases import bp as cases_bp
    from casebook.handoffs import bp as handoffs_bp
    from casebook.households import bp as households_bp
    from casebook.interventions import bp as interventions_bp
    from casebook.journal import bp as journal_bp
    from casebook.meetings import bp as meetings_bp
    from casebook.people import bp as people_bp
    from casebook.plans import bp as plans_bp
    from casebook.signals import bp as signals_bp
    from casebook.site import bp as site_bp

    for blueprint in (
        site_bp,
        auth_bp,
        account_bp,
        admin_bp,
        access_bp,
        audit_bp,
        cases_bp,
        signals_bp,
        households_bp,
        journal_bp,
        plans_bp,
        interventions_bp,
        meetings_bp,
        handoffs_bp,
        people_bp,
        api_bp,
        api_tokens_bp,
    ):
        app.register_blueprint(blueprint)


def _trust_proxies(app: Flask) -> None:
    """Behind a load balancer, take the client address from ``X-Forwarded-For`` — only as many hops
    as ``TRUSTED_PROXIES`` says, so a client cannot forge its address into the audit trail or past
    the per-address rate limits.
    """
    hops = int(app.config.get("TRUSTED_PROXIES") or 0)
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
