"""Requests of persons concerned (AVG art. 15–21): inzage, rectificatie, verwijdering, beperking, bezwaar.

The privacy officer registers a request for a person found in the whole register by BSN or name +
birth date, with its legal deadline (one month, once extendable by two), compiles the inzage
export (JSON and PDF: the person's data, their cases and signals, every organisation that read or
received them, and the register's processing activities), rectifies person data with history and
restricts processing — the policy then freezes the person or case (``casebook.access.restriction``).
"""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The screens, the API operations (``api``, before the API blueprint is registered) and the
    navigation entry "Verzoeken" (privacy officers only)."""
    from flask_babel import lazy_gettext as _l

    from casebook.access import Action
    from casebook.modules import navigation
    from casebook.subject_requests import api, views  # noqa: F401 - api: the operations join the API's registry

    app.register_blueprint(views.bp)
    navigation(app).add(
        "subject_requests.index",
        _l("Verzoeken"),
        action=Action.MANAGE_SUBJECT_REQUESTS,
        order=75,
        active="subject_requests.",
    )
