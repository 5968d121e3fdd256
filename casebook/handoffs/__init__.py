"""Handoffs between organisations: transfers of regie, referrals and requests for a case."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("handoffs", __name__)


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.handoffs import case_page, content_kinds, inbox, views, work  # noqa: F401 - views: routes
    from casebook.handoffs.cli import handoffs_group
    from casebook.modules import navigation

    app.register_blueprint(bp)
    app.cli.add_command(handoffs_group)
    case_page.register(app)
    content_kinds.register(app)
    work.register(app)
    navigation(app).add(
        "handoffs.inbox",
        _l("Overdrachten"),
        action=Action.USE_HANDOFF_INBOX,
        order=90,
        badge=inbox.incoming_count_expression,
        badge_hint=_l("te beslissen"),
    )
