"""Casebook: case management for the persoonsgerichte aanpak.

``create_app`` is the only place that wires things together: it walks ``MODULES`` and calls each
module's ``init_app(app)``.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from casebook import settings as settings_module
from casebook.modules import init_modules

PROJECT_ROOT = Path(__file__).resolve().parent.parent


# The domain modules and edges, in the order their navigation and routes are registered. Each is a
# package under ``casebook`` with ``init_app(app)`` (see ``casebook.modules``); adding a module is one
# line here. ``EXTRA_MODULES`` (a setting, e.g. in tests) appends modules by their full dotted path.
MODULES: tuple[str, ...] = (
    "site",
    "auth",
    "admin",
    "authorisations",
    "supervision",
    "cases",
    "signals",
    "households",
    "journal",
    "documents",
    "plans",
    "interventions",
    "meetings",
    "handoffs",
    "notifications",
    "people",
    "printing",
    "retention",
    "work",
    "subject_requests",  # before "api": its operations join the API blueprint before that is registered
    "reports",  # before "api": its operations join the API blueprint before that is registered
    "privacy",  # before "api" too (its operations); hooks the processing log into the audit trail
    "api",
    "bench",
    "ops",
    "backup",
)


def create_app(overrides: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: settings → extensions → the modules of ``MODULES`` (and ``EXTRA_MODULES``).

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
    _init_templates(app)
    init_modules(app, (*MODULES, *_extra_modules(app.config["EXTRA_MODULES"])))
    logging.getLogger("casebook").setLevel(logging.INFO)
    return app


def _init_extensions(app: Flask) -> None:
    from limits.errors import ConfigurationError as LimitsConfigurationError

    from casebook import security, web
    from casebook.auth import passwords
    from casebook.crypto import store as crypto_store
    from casebook.db import db
    from casebook.extensions import babel, csrf, limiter, login_manager
    from casebook.i18n import init_i18n

    passwords.configure(app.config["PASSWORD_HASH_PARAMS"])
    db.init_app(app)
    crypto_store.init_app(app)
    csrf.init_app(app)
    init_i18n(app, babel)
    login_manager.init_app(app)
    app.config["RATELIMIT_STORAGE_URI"] = app.config["RATELIMIT_STORAGE_URL"]
    try:
        limiter.init_app(app)
    except LimitsConfigurationError as exc:  # e.g. a redis:// storage without the redis client installed
        raise settings_module.ConfigurationError(
            f"CASEBOOK_RATELIMIT_STORAGE_URL cannot be used: {exc} (for Redis: pip install 'casebook[redis]')"
        ) from None
    web.init_app(app)
    security.init_app(app)


def _extra_modules(value: Any) -> tuple[str, ...]:
    """``EXTRA_MODULES`` as a tuple: a list from the overrides, or a comma-separated string."""
    if not value:
        return ()
    if isinstance(value, str):
        return tuple(name.strip() for name in value.split(",") if name.strip())
    return tuple(value)


def _init_templates(app: Flask) -> None:
    """Templates ask the policy, never decide: ``can(current_user, Action.VIEW_AUDIT)``, the header's
    registered entries (``nav_links()`` for the main menu, ``nav_links("account")`` for the menu under
    the user's name) and ``break_glass_active(current_user, case)`` (the banner on
    every page of a case)."""
    from flask_login import current_user

    from casebook.access import Action, break_glass_active, can
    from casebook.modules import nav_links

    app.jinja_env.globals.update(
        can=can,
        Action=Action,
        break_glass_active=break_glass_active,
        nav_links=lambda area="main": nav_links(can, current_user, area),
    )


def _trust_proxies(app: Flask) -> None:
    """Behind a load balancer, take the client address from ``X-Forwarded-For`` — only as many hops
    as ``TRUSTED_PROXIES`` says, so a client cannot forge its address into the audit trail or past
    the per-address rate limits.
    """
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops > 0:
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=0, x_port=0, x_prefix=0)
