"""Documents (stukken) on a case: uploads, encrypted at rest, checked and scanned before they are kept.

Documents belong to a case; documents on a signal without a case are not supported (yet). The
printed case file lists them (``printing``), never embeds them. The
storage layer (``stream``, ``storage``, ``content``, ``scan``, ``sink``, ``spool``, ``names``) keeps
ciphertext only; the domain layer (``models``, ``services``, ``views``, ``api``, ``handoff_kind``)
holds the rules, the audit and the screens.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("documents", __name__)


def init_app(app: Flask) -> None:
    from casebook.documents import handoff_kind, printing, spool, views

    spool.install(app)
    app.register_blueprint(bp)
    views.register(app)
    handoff_kind.register(app)
    printing.register(app)
