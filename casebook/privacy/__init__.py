"""Privacy duties: the register of processing activities (AVG art. 30), the processing log
(Logboek Dataverwerkingen) and the privacy officer's pages.

``init_app`` hooks the processing log into the audit trail (``casebook.privacy.hook``: every
audited read and change of personal data is a processing), registers the pages, the API operations,
the ``processing-log`` commands, the navigation entries and the privacy officer's start tile.
"""

from __future__ import annotations

from flask import Blueprint, Flask

bp = Blueprint("privacy", __name__)


def init_app(app: Flask) -> None:
    from flask_babel import lazy_gettext as _l

    from casebook import audit
    from casebook.access import Action
    from casebook.modules import navigation
    from casebook.privacy import api, cli, hook, views, work  # noqa: F401 - views/api define the routes

    audit.observe(app, hook.observe)
    app.register_blueprint(bp)
    app.cli.add_command(cli.processing_log_group)
    navigation(app).add(
        "privacy.register_index",
        _l("Verwerkingsregister"),
        action=Action.VIEW_REGISTER,
        order=70,
        active=("privacy.register_index", "privacy.activity_detail", "privacy.activity_edit"),
    )
    navigation(app).add(
        "privacy.processing_log",
        _l("Verwerkingslog"),
        action=Action.VIEW_PROCESSING_LOG,
        order=71,
        active="privacy.processing_log",
    )
    work.register(app)
