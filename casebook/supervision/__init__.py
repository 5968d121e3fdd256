"""Supervision: the supervisors' screens over the trust layer — the audit trail (log, CSV export,
per-user and per-case history, unusual access) — and the break-the-glass screens (taking emergency
access, and the supervisors' review queue).

The record-keeping and the decisions stay in ``casebook.audit`` and ``casebook.access``
(``access.break_glass``, ``access.audit_scope``, ``access.rules.audit``); this module only reads
through them and renders, so the trust layer holds no screens. Endpoint names: ``audit.*`` for the
trail (URLs under ``/audit/``), ``break_glass.*`` for emergency access (under ``/access/break-glass``).
"""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

audit_bp = Blueprint("audit", __name__, url_prefix="/audit")
break_glass_bp = Blueprint("break_glass", __name__, url_prefix="/access/break-glass")


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.modules import navigation
    from casebook.supervision import break_glass, views  # noqa: F401 - define the routes on the blueprints

    app.register_blueprint(audit_bp)
    app.register_blueprint(break_glass_bp)
    nav = navigation(app)
    nav.add("audit.index", _l("Audit"), action=Action.VIEW_AUDIT, order=70, active="audit.")
    nav.add("break_glass.search", _l("Noodtoegang"), action=Action.BREAK_GLASS, order=80, active="break_glass.search")
