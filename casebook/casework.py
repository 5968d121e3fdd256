"""Helpers shared by the case-content modules (journal, plans, interventions, meetings).

They wrap ``casebook.access`` and ``casebook.audit`` so every content service denies the same
way: the denial is audited (durable) and answers 404, the allowed operation audits itself.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, redirect, url_for
from sqlalchemy import select
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from casebook import audit
from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db, utcnow


def local_today(now: datetime | None = None) -> date:
    """Today in the display time zone: due dates and "not in the future" are local calendar days."""
    moment = now or utcnow()
    return moment.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()


def deny(user: User, action: Action | str, *, case_id: int | None, requested: str) -> AccessDenied:
    """Audit a denied ``action`` (durable) and return the 404 to raise."""
    audit.record(user, str(action), case_id=case_id, outcome=Outcome.DENIED, details={"requested_id": requested})
    return AccessDenied()


def require_on_case(user: User, action: Action, case: Case) -> None:
    """Raise an audited ``AccessDenied`` unless ``user`` may do ``action`` on ``case``."""
    if not can(user, action, case):
        raise deny(user, action, case_id=case.id, requested=str(case.id))


def load_case(user: User, case_id: int, action: Action) -> Case:
    """The case for a content route, or an audited 404.

    Unlike ``cases.services.load_for`` this records no "allowed" event: the operation that
    follows (reading the journal, adding an intervention …) audits itself, once.
    """
    case = db.session.scalar(select(Case).where(Case.id == case_id).options(selectinload(Case.participants)))
    if case is None or not can(user, action, case):
        raise deny(user, action, case_id=case_id, requested=str(case_id))
    return case


def redirect_to_case(case: Case, anchor: str) -> Response:
    """After a change, back to the case page at the changed item (Post/Redirect/Get)."""
    return redirect(url_for("cases.detail", case_id=case.id, _anchor=anchor))
