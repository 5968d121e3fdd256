"""The casusoverleg report as a PDF: the meeting, and its agenda as the requester may read it.

The meeting page's rules, unchanged (``casebook.meetings.services``): the meeting is visible to the
organising and invited organisations (else an audited 404); of its agenda only the items of cases
the requester may see are printed — the others are absent, not counted; a decision and the actions
agreed are case content (``READ_AGENDA_DECISION``), so a supervisor's report says that a case was
discussed and decided, not what. Audited as ``meeting.report.export`` (durable) with its scope.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from casebook import audit
from casebook.access import Action, can
from casebook.auth.models import User
from casebook.db import db
from casebook.i18n import select_locale, show_date, show_datetime
from casebook.meetings import services as meetings
from casebook.meetings.models import AgendaItem, Meeting
from casebook.printing.case_file import PrintedFile, masthead
from casebook.printing.case_sections import ACTION_WIDTHS, action_rows
from casebook.printing.pdf import Facts, Heading, PdfSection, Table, Text, render

EXPORT_EVENT = "meeting.report.export"


def load_meeting(user: User, meeting_id: object) -> Meeting:
    """The meeting to print, or an audited 404 (``meetings.load_meeting``)."""
    return meetings.load_meeting(user, meeting_id)  # type: ignore[arg-type]


def _item_blocks(user: User, item: AgendaItem, locale: str) -> tuple[list, bool]:
    case = item.case
    blocks: list = [
        Heading(f"{case.reference} · {case.case_type.label(locale)} · {case.lead_organisation.name}"),
    ]
    reads = can(user, Action.READ_AGENDA_DECISION, item)
    if item.decided_at is None:
        blocks.append(Text(_("Nog geen besluit vastgelegd.")))
        return blocks, False
    decided = show_datetime(item.decided_at)
    if item.decided_by is not None:
        decided = f"{decided} — {item.decided_by.display_name}"
    blocks.append(Facts([(_("Besluit"), decided)]))
    if reads:
        blocks.append(Text(item.decision or "—"))
        if item.actions:
            headings = (_("Actie"), _("Eigenaar"), _("Streefdatum"), _("Status"))
            blocks += [Text(_("Afgesproken acties")), Table(headings, action_rows(item.actions), ACTION_WIDTHS)]
    return blocks, reads


def _load_deciders(items: list[AgendaItem]) -> list[User]:
    """Who decided each item, in one statement: the items' ``decided_by`` then come from the session's
    identity map instead of a statement per decided item (the caller keeps the list, so that the
    weakly held identity map keeps them too)."""
    ids = {item.decided_by_id for item in items if item.decided_by_id is not None}
    if not ids:
        return []
    return list(db.session.scalars(select(User).where(User.id.in_(ids)).options(lazyload(User.role_rows))))


def print_meeting_report(user: User, meeting: Meeting) -> PrintedFile:
    """The report of ``meeting`` as ``user`` may read it. Audited as ``meeting.report.export``."""
    locale = select_locale()
    items = meetings.minutes(user, meeting)  # the visible items; audited as ``meeting.view``
    deciders = _load_deciders(items)
    invited = ", ".join(org.name for org in meeting.invited_organisations) or "—"
    facts = Facts(
        [
            (_("Datum"), show_date(meeting.held_on)),
            (_("Georganiseerd door"), meeting.organiser_organisation.name),
            (_("Uitgenodigd"), invited),
        ]
    )
    agenda: list = []
    decisions = 0
    for item in items:
        blocks, read = _item_blocks(user, item, locale)
        agenda += blocks
        decisions += int(read)
    sections = [
        PdfSection("meeting", _("Casusoverleg"), (facts,), order=10),
        PdfSection(
            "agenda",
            _("Agenda en verslag"),
            agenda,
            order=20,
            count=len(items),
            empty=_("Geen agendapunten die u kunt inzien."),
        ),
    ]
    audit.record(
        user,
        EXPORT_EVENT,
        meeting,
        details={"items": len(items), "decisions": decisions, "cases": [i.case_id for i in items]},
        durable=True,
    )
    del deciders  # the agenda is rendered: the deciders were read from the session
    title = f"{meeting.title} — {show_date(meeting.held_on)}"
    head = masthead(user, title, _("Verslag casusoverleg (vertrouwelijk)"))
    return PrintedFile(render(head, sections), f"casusoverleg-{meeting.held_on.isoformat()}-{meeting.id}.pdf")
