"""Signals (meldingen) and their triage at the weegtafel."""

from __future__ import annotations

from flask import Blueprint, Flask
from flask_babel import lazy_gettext as _l

bp = Blueprint("signals", __name__)


def init_app(app: Flask) -> None:
    from casebook.access import Action
    from casebook.modules import NavChoice, navigation
    from casebook.signals import mine, timeline, views, work_views  # noqa: F401 - define the routes on ``bp``

    app.register_blueprint(bp)
    timeline.register(app)
    mine.register(app)
    # triage leads to the queue; who may only register signals follows their own (with "Nieuwe melding")
    navigation(app).add(
        "signals.queue",
        _l("Meldingen"),
        action=Action.TRIAGE_SIGNALS,
        order=40,
        choices=(NavChoice("signals.mine", _l("Mijn meldingen"), Action.VIEW_OWN_SIGNALS),),
    )
    # partners answer the weegtafel's questions addressed to their organisation
    navigation(app).add("signals.inbox", _l("Informatievragen"), action=Action.ANSWER_INFORMATION_REQUEST, order=41)
