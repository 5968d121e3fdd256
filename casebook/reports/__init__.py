"""Reports (management information): aggregates over cases and signals, small numbers suppressed.

Who reads which scope is the policy's (``casebook.access.rules.reports``); the queries
(``queries/``) count in SQL; ``suppression`` hides small cells before anything reaches a page, an
export or the API; ``services.build_report`` is the one way to a report. The history reports count ``facts``, which
``casebook reports refresh`` rebuilds on a timer (``refresh``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The report screens, and the navigation entry "Rapportages" (shown when the policy allows)."""
    from flask_babel import lazy_gettext as _l

    from casebook.access import Action
    from casebook.modules import navigation
    from casebook.reports import api, views  # noqa: F401 - api: the operations join the API's registry
    from casebook.reports.cli import reports_group

    app.register_blueprint(views.bp)
    app.cli.add_command(reports_group)
    navigation(app).add("reports.index", _l("Rapportages"), action=Action.VIEW_REPORTS, order=60)
