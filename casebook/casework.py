"""Helpers shared by the case-content modules (journal, plans, interventions, meetings).

Loading and refusing go through the one policy (``casebook.access``): ``load_case`` is
``access.load_or_404`` with the participants loaded and no "allowed" event (the operation that
follows audits itself, once); a denial is audited (durable) and answers 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app, flash, redirect
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from casebook.access import Action, load_or_404
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import utcnow


def local_today(now: datetime | None = None) -> date:
    """Today in the display time zone: due dates and "not in the future" are local calendar days."""
    moment = now or utcnow()
    return moment.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()


def load_case(user: User, case_id: Any, action: Action) -> Case:
    """The case for a content route, or an audited 404 (``access.load_or_404``, participants loaded).

    Records no "allowed" event: the operation that follows (reading the journal, adding an
    intervention …) audits itself, once.
    """
    return load_or_404(user, Case, case_id, action, options=(selectinload(Case.participants),), audit_read=False)


def section_url(case: Case, key: str, anchor: str | None = None) -> str:
    """The dossier tab of the section registered as ``key``, at ``anchor`` (e.g. a note's id)."""
    from casebook.cases.dossier import url_of

    return url_of(case, key, _anchor=anchor) if anchor else url_of(case, key)


def back_to_section(case: Case, key: str, message: str, anchor: str | None = None) -> Response:
    """After a change, back to the dossier tab it belongs to, at the changed item, with a
    confirmation (Post/Redirect/Get; 303 so the browser follows with a GET)."""
    flash(message, "success")
    return redirect(section_url(case, key, anchor), 303)


def closed_case_redirect(case: Case) -> Response | None:
    """A form page (a correction, a new action …) of a closed case: back to its Overzicht with the
    reason, rather than a form that cannot be saved. None while the case takes changes."""
    from flask_babel import gettext as _

    from casebook.cases.lifecycle import accepts_changes

    if accepts_changes(case):
        return None
    flash(_("Deze casus is afgesloten. Heropen de casus eerst."), "error")
    return redirect(section_url(case, "overview"), 303)
