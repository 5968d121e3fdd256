"""The casusoverleg report (verslag) as a PDF: the meeting, its attendance, and its agenda as the
requester may read it.

The meeting page's rules, unchanged (``casebook.meetings.services`` and ``casebook.meetings.briefs``):
the meeting is visible to the organising and invited organisations (else an audited 404); of its
agenda only the items of cases the requester may see are printed — the others are absent, not
counted; per item the phase and flags for every viewer of the case, the summary, plan, open actions,
decision and actions agreed only for readers of its content. So each organisation's copy shows what
that organisation may see of each case, never more than its case page. Audited as
``meeting.report.export`` (durable) with its scope.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select
from sqlalchemy.orm import lazyload

from casebook import audit
from casebook.auth.models import User
from casebook.db import db
from casebook.i18n import LIFE_DOMAIN_LABELS, select_locale, show_date, show_datetime
from casebook.meetings import services as meetings
from casebook.meetings.briefs import AgendaBrief, agenda_for
from casebook.meetings.models import AgendaItem, Meeting
from casebook.printing.case_file import PrintedFile, masthead
from casebook.printing.case_sections import ACTION_WIDTHS, action_rows
from casebook.printing.pdf import Facts, Heading, PdfSection, Table, Text, render

EXPORT_EVENT = "meeting.report.export"


def load_meeting(user: User, meeting_id: object) -> Meeting:
    """The meeting to print, or an audited 404 (``meetings.load_meeting``)."""
    return meetings.load_meeting(user, meeting_id)  # type: ignore[arg-type]


def _presence(present: bool | None) -> str:
    if present is None:
        return ""
    return f" ({_('aanwezig')})" if present else f" ({_('afwezig')})"


def _meeting_facts(meeting: Meeting) -> Facts:
    unknown = _("nog niet bekend")
    when = show_date(meeting.held_on)
    if meeting.starts_at:
        when += f", {meeting.starts_at:%H:%M}" + (f"–{meeting.ends_at:%H:%M}" if meeting.ends_at else "")
    organisations = ", ".join(i.organisation.name + _presence(i.present) for i in meeting.invitations) or "—"
    persons = (
        ", ".join(
            f"{a.user.display_name} ({a.user.organisation.name}){_presence(a.present)}"
            for a in meeting.attendees
            if a.invited
        )
        or "—"
    )
    facts = [
        (_("Datum en tijd"), when),
        (_("Locatie"), meeting.location or unknown),
        (_("Voorzitter"), meeting.chair.display_name if meeting.chair else unknown),
        (_("Notulist"), meeting.minute_taker.display_name if meeting.minute_taker else unknown),
        (_("Georganiseerd door"), meeting.organiser_organisation.name),
        (_("Uitgenodigde organisaties"), organisations),
        (_("Uitgenodigde personen"), persons),
    ]
    extra = [f"{a.user.display_name} ({a.user.organisation.name})" for a in meeting.attendees if not a.invited]
    if extra:
        facts.append((_("Ook aanwezig"), ", ".join(extra)))
    return Facts(facts)


def _item_blocks(brief: AgendaBrief, locale: str) -> list:
    item, case = brief.item, brief.case
    flags = ", ".join((f"{_('Veiligheid')}: " if f["safety"] else "") + f["label"] for f in brief.flags)
    facts = [(_("Fase"), case.status.label(locale)), (_("Signaleringen"), flags or _("Geen signaleringen."))]
    if brief.content:
        facts += [(_("Probleemanalyse"), brief.problem_analysis or "—"), (_("Hulpvraag"), brief.help_request or "—")]
    else:
        facts.append(
            (
                _("Plan van aanpak"),
                ngettext("%(num)d doel", "%(num)d doelen", brief.goal_count)
                + " · "
                + ngettext("%(num)d open actie", "%(num)d open acties", brief.open_action_count),
            )
        )
    blocks: list = [
        Heading(f"{case.reference} · {case.case_type.label(locale)} · {case.lead_organisation.name}"),
        Facts(facts),
    ]
    headings = (_("Actie"), _("Eigenaar"), _("Streefdatum"), _("Status"))
    if brief.content:
        goals = [f"{LIFE_DOMAIN_LABELS.get(str(g.domain), str(g.domain))}: {g.text}" for g in brief.goals]
        blocks.append(Text("\n".join(goals) or _("Nog geen doelen."), label=_("Plan van aanpak")))
        if brief.open_actions:
            blocks += [Text(_("Open acties")), Table(headings, action_rows(brief.open_actions), ACTION_WIDTHS)]
    if item.decided_at is None:
        blocks.append(Text(_("Nog geen besluit vastgelegd.")))
        return blocks
    decided = show_datetime(item.decided_at)
    if item.decided_by is not None:
        decided = f"{decided} — {item.decided_by.display_name}"
    blocks.append(Facts([(_("Besluit"), decided)]))
    if brief.content:
        blocks.append(Text(brief.decision or "—"))
        if brief.agreed_actions:
            blocks += [Text(_("Afgesproken acties")), Table(headings, action_rows(brief.agreed_actions), ACTION_WIDTHS)]
    return blocks


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
    briefs = agenda_for(user, meeting)  # the visible items, per viewer; audited as ``meeting.view``
    deciders = _load_deciders([b.item for b in briefs])
    agenda: list = []
    for brief in briefs:
        agenda += _item_blocks(brief, locale)
    sections = [
        PdfSection("meeting", _("Casusoverleg"), (_meeting_facts(meeting),), order=10),
        PdfSection(
            "agenda",
            _("Agenda en verslag"),
            agenda,
            order=20,
            count=len(briefs),
            empty=_("Geen agendapunten die u kunt inzien."),
        ),
    ]
    audit.record(
        user,
        EXPORT_EVENT,
        meeting,
        details={
            "items": len(briefs),
            "decisions": sum(1 for b in briefs if b.decision is not None),
            "cases": [b.item.case_id for b in briefs],
            "content": [b.item.case_id for b in briefs if b.content],
        },
        durable=True,
    )
    del deciders  # the agenda is rendered: the deciders were read from the session
    title = f"{meeting.title} — {show_date(meeting.held_on)}"
    head = masthead(user, title, _("Verslag casusoverleg (vertrouwelijk)"))
    return PrintedFile(render(head, sections), f"casusoverleg-{meeting.held_on.isoformat()}-{meeting.id}.pdf")
