"""My work: coming casusoverleggen with one of my cases on the agenda.

A meeting counts when the user may see it (``meeting_scope``) and its agenda holds a case that is
*mine* (``casebook.work.mine``) and in the user's scope — the same case a meeting's page would
show them. Count and list are one query each; the tile links to each meeting and to the list of
meetings.
"""

from __future__ import annotations

from datetime import date

from flask import Flask, url_for
from flask_babel import gettext as _
from sqlalchemy import and_, exists, func, select

from casebook.access import Action, can, case_scope
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.i18n import show_date
from casebook.meetings.models import AgendaItem, Meeting
from casebook.meetings.services import meeting_scope
from casebook.work.extensions import WidgetItem, WorkWidget, register_widget
from casebook.work.mine import mine_clause

SHOWN = 5


def _coming_with_my_cases(user: User, today: date):
    my_case_on_agenda = exists().where(
        AgendaItem.meeting_id == Meeting.id,
        AgendaItem.case_id.in_(select(Case.id).where(case_scope(user), mine_clause(user))),
    )
    return and_(meeting_scope(user), Meeting.held_on >= today, my_case_on_agenda)


def my_meetings(user: User, today: date) -> WorkWidget | None:
    if not (can(user, Action.LIST_MEETINGS) and can(user, Action.UPDATE_CASE)):  # who works on cases
        return None
    condition = _coming_with_my_cases(user, today)
    total = db.session.scalar(select(func.count(Meeting.id)).where(condition)) or 0
    meetings = (
        list(db.session.scalars(select(Meeting).where(condition).order_by(Meeting.held_on, Meeting.id).limit(SHOWN)))
        if total
        else []
    )
    return WorkWidget(
        key="my_meetings",
        title=_("Casusoverleg met mijn casussen"),
        count=total,
        items=[
            WidgetItem(
                label=meeting.title,
                url=url_for("meetings.detail", meeting_id=meeting.id),
                note=show_date(meeting.held_on),
            )
            for meeting in meetings
        ],
        more_url=url_for("meetings.index"),
        more_label=_("Alle casusoverleggen"),
        empty_text=_("Geen casusoverleg gepland met uw casussen op de agenda."),
    )


def register(app: Flask) -> None:
    """Add this module's My-work tile to ``app`` (called from the package's ``init_app``)."""
    register_widget(app, "my_meetings", my_meetings, order=38)
