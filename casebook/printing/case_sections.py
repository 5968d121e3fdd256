"""The sections of the printed case file, each from the service read that shows it on the screens.

Every builder receives a case the requester may see and returns a ``PdfSection`` (or None: nothing
of it may be printed for this requester). The reads are the modules' own audited ones, through
``read_once`` under the same keys as the case page, so a part that several sections print (the
notes in their section and on the timeline) is read, decrypted and audited once. What the screens
show only to readers of case content (``READ_CASE_CONTENT``: names, the summary, goals and actions,
outcomes) is left out for a viewer of metadata — a supervisor — exactly as on the screens, and the
journal only for who may read notes (``READ_NOTES``).

Printed chronologically (oldest first), unlike the screens: a file is read from top to bottom.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import ngettext

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.extensions import read_once, timeline_for
from casebook.cases.models import Case
from casebook.cases.summary_flags import summary_flags_for
from casebook.i18n import (
    ACTION_STATUS_LABELS,
    CONFIDENTIALITY_LABELS,
    INTERVENTION_CATEGORY_LABELS,
    LIFE_DOMAIN_LABELS,
    SUBJECT_ROLE_LABELS,
    TIMELINE_KIND_LABELS,
    select_locale,
    show_date,
    show_datetime,
)
from casebook.interventions import services as interventions
from casebook.journal import services as journal
from casebook.journal.models import NoteVisibility
from casebook.plans import services as plans
from casebook.plans.models import PlanAction
from casebook.printing.pdf import Facts, Heading, PdfSection, Table, Text

VIA = "dossier_pdf"  # how the export's reads say where they were made (``note.list``'s ``via``)


def _plan(user: User, case: Case) -> plans.PlanView:
    return read_once("plan", user, case, lambda: plans.plan_for(user, case))


def metadata(user: User, case: Case) -> PdfSection:
    """What the case header shows: type, phase, confidentiality, who directs it, its dates."""
    locale = select_locale()
    plan = _plan(user, case)
    manager = plan.case_manager
    items = [
        (_("Kenmerk"), case.reference),
        (_("Type"), case.case_type.label(locale)),
        (_("Fase"), case.status.label(locale)),
        (_("Vertrouwelijkheid"), str(CONFIDENTIALITY_LABELS.get(int(case.confidentiality), case.confidentiality))),
        (_("Wijk"), case.district.name if case.district else "—"),
        (_("Regiehouder"), case.lead_organisation.name),
        (_("Aanbrengende partner"), case.referring_organisation.name if case.referring_organisation else "—"),
        (
            _("Procesregisseur"),
            case.process_coordinator.display_name if case.process_coordinator else _("nog niet benoemd"),
        ),
        (
            _("Casusregisseur"),
            f"{manager.display_name} · {manager.organisation.name}" if manager else _("nog niet benoemd"),
        ),
        (_("Geopend"), show_datetime(case.opened_at)),
    ]
    if case.closed_at:
        items.append((_("Afgesloten"), show_datetime(case.closed_at)))
    items.append(
        (_("Volgende evaluatie"), show_date(case.next_evaluation_on) if case.next_evaluation_on else _("niet gepland"))
    )
    if case.household is not None:
        items.append((_("Huishouden"), case.household.reference))
    return PdfSection("metadata", _("Casusgegevens"), (Facts(items),), order=10)


def _flag_line(flag: dict) -> tuple[str, str]:
    label = _("Veiligheid") if flag["safety"] else _("Signalering")
    if not flag["set_by"]:
        return label, flag["label"]
    by = _("gezet door %(who)s op %(when)s", who=flag["set_by"], when=show_date(flag["set_at"]))
    return label, f"{flag['label']} — {by}"


def summary_flags(user: User, case: Case) -> PdfSection | None:
    """Signaleringen for every viewer; probleemanalyse and hulpvraag for readers of content."""
    shown = summary_flags_for(user, case)
    if shown is None:
        return None
    blocks: list = [Heading(_("Signaleringen"))]
    if shown["flags"]:
        blocks.append(Facts([_flag_line(flag) for flag in shown["flags"]]))
    else:
        blocks.append(Text(_("Geen signaleringen.")))
    summary = shown["summary"]
    if summary is not None:
        blocks += [
            Heading(_("Probleemanalyse")),
            Text(summary["problem_analysis"] or "—"),
            Heading(_("Hulpvraag")),
            Text(summary["help_request"] or "—"),
        ]
    return PdfSection("summary", _("Samenvatting en signaleringen"), blocks, order=20, count=len(shown["flags"]))


def subjects(user: User, case: Case) -> PdfSection:
    """Betrokkenen as the case's people tab shows them: names and birth dates for readers of
    content, else how many. No BSN: the case screens show none."""
    if not can(user, Action.READ_CASE_CONTENT, case):
        count = len(case.subjects)
        text = ngettext("%(num)d betrokkene vastgelegd.", "%(num)d betrokkenen vastgelegd.", count)
        return PdfSection(
            "subjects",
            _("Betrokkenen"),
            (Text(text),) if count else (),
            order=30,
            empty=_("Geen betrokkenen vastgelegd."),
        )
    rows = [
        (
            subject.person.full_name,
            show_date(subject.person.birth_date) if subject.person.birth_date else "—",
            str(SUBJECT_ROLE_LABELS.get(str(subject.role), str(subject.role))),
        )
        for subject in case.subjects
    ]
    blocks = (Table((_("Naam"), _("Geboortedatum"), _("Rol")), rows, (45, 30, 25)),) if rows else ()
    return PdfSection(
        "subjects", _("Betrokkenen"), blocks, order=30, count=len(rows), empty=_("Geen betrokkenen vastgelegd.")
    )


def action_rows(actions: list[PlanAction]) -> list[tuple[str, ...]]:
    return [
        (
            action.description,
            action.owner_organisation.name + (f" ({action.owner_user.display_name})" if action.owner_user else ""),
            show_date(action.due_on),
            str(ACTION_STATUS_LABELS[action.status.value]),
        )
        for action in actions
    ]


ACTION_WIDTHS = (46, 26, 16, 12)


def plan(user: User, case: Case) -> PdfSection:
    """The plan van aanpak: goals per leefgebied with their actions, loose actions and the next
    evaluation; for a viewer of metadata only the counts (``PlanView.content``)."""
    view = _plan(user, case)
    evaluation = show_date(case.next_evaluation_on) if case.next_evaluation_on else _("niet gepland")
    blocks: list = [Facts([(_("Volgende evaluatie"), evaluation)])]
    if not view.content:
        blocks.append(
            Text(
                ngettext("%(num)d doel", "%(num)d doelen", view.goal_count)
                + ", "
                + ngettext("%(num)d open actie", "%(num)d open acties", view.open_action_count)
            )
        )
        return PdfSection("plan", _("Plan van aanpak"), blocks, order=40, count=view.goal_count)
    headings = (_("Actie"), _("Eigenaar"), _("Streefdatum"), _("Status"))
    for domain, goals in view.goals_by_domain.items():
        blocks.append(Heading(str(LIFE_DOMAIN_LABELS[domain.value])))
        for goal in goals:
            blocks.append(Text(goal.text, label=_("Doel, gesteld op %(when)s", when=show_date(goal.created_at))))
            if goal.actions:
                blocks.append(Table(headings, action_rows(goal.actions), ACTION_WIDTHS))
    if view.loose_actions:
        blocks += [Heading(_("Acties zonder doel")), Table(headings, action_rows(view.loose_actions), ACTION_WIDTHS)]
    if not view.goal_count and not view.loose_actions:
        blocks.append(Text(_("Nog geen doelen vastgelegd.")))
    return PdfSection("plan", _("Plan van aanpak"), blocks, order=40, count=view.goal_count)


def interventions_section(user: User, case: Case) -> PdfSection:
    """Interventions with their balance; outcomes only for readers of content."""
    rows = read_once("interventions", user, case, lambda: interventions.interventions_for(user, case))
    locale = select_locale()
    outcomes = can(user, Action.READ_CASE_CONTENT, case)
    headings = [_("Datum"), _("Soort"), _("Categorie"), _("Organisatie")]
    widths = [16, 26, 14, 22]
    if outcomes:
        headings.append(_("Resultaat"))
        widths.append(30)
    table_rows = []
    for row in sorted(rows, key=lambda r: (r.occurred_on, r.id)):
        values = [
            show_date(row.occurred_on),
            row.kind.label(locale),
            str(INTERVENTION_CATEGORY_LABELS[row.kind.category.value]),
            row.organisation.name,
        ]
        if outcomes:
            values.append(row.outcome or "—")
        table_rows.append(tuple(values))
    blocks = (Table(headings, table_rows, widths),) if table_rows else ()
    return PdfSection(
        "interventions",
        _("Interventies"),
        blocks,
        order=50,
        count=len(table_rows),
        empty=_("Nog geen interventies vastgelegd."),
    )


def notes(user: User, case: Case) -> PdfSection | None:
    """The journal as the requester reads it (``journal.notes_for``: shared notes, and internal
    notes of their own organisation); None for who may not read notes."""
    if not can(user, Action.READ_NOTES, case):
        return None
    read = read_once("journal", user, case, lambda: journal.notes_for(user, case, via=VIA))
    blocks = []
    for note in sorted(read, key=lambda n: (n.created_at, n.id)):
        kind = _("intern") if note.visibility is NoteVisibility.INTERNAL else _("gedeeld")
        author = f"{note.author.display_name} ({note.author_organisation.name})"
        label = f"{show_datetime(note.created_at)} — {author} — {kind}"
        if note.corrects_id:
            label += " — " + _("correctie op een eerdere notitie")
        if note.is_corrected:
            label += " — " + _("gecorrigeerd")
        blocks.append(Text(note.body, label=label))
    return PdfSection("notes", _("Journaal"), blocks, order=60, count=len(blocks), empty=_("Nog geen notities."))


def timeline(user: User, case: Case) -> PdfSection:
    """Everything that happened, from the case page's timeline sources. A note's text is printed
    in the journal section above, so here a note is only its line."""
    entries = sorted(timeline_for(user, case), key=lambda e: e.at)
    rows = []
    for entry in entries:
        what = entry.title
        if entry.detail and entry.kind != "note":
            what = f"{what}\n{entry.detail}"
        who = ", ".join(part for part in (entry.actor, entry.organisation) if part)
        kind = str(TIMELINE_KIND_LABELS.get(entry.kind, entry.kind))
        rows.append((show_datetime(entry.at), kind, what, who or "—"))
    blocks = (Table((_("Moment"), _("Soort"), _("Gebeurtenis"), _("Door")), rows, (22, 14, 42, 22)),) if rows else ()
    return PdfSection("timeline", _("Tijdlijn"), blocks, order=90, count=len(rows), empty=_("Nog niets gebeurd."))


BUILDERS = (metadata, summary_flags, subjects, plan, interventions_section, notes, timeline)
