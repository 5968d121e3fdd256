"""The case file as a PDF ("Dossier afdrukken"): gathered through the services, audited as one export.

- Who may print: everyone who may see the case (``VIEW_CASE``); out of scope is an audited 404
  (the loader's denial). What is printed follows the policy part by part, as the screens do
  (``case_sections``): a supervisor, who sees case metadata but never content, gets the metadata,
  the signaleringen, the counts, the interventions without outcomes and the timeline without
  content — no journal, no names, no summary, no goals or actions.
- Other modules add sections through the hook ``dossier_pdf.sections``: a list of callables
  ``(user, case) -> PdfSection | None`` in ``contributions(app).hooks`` (``add_section_source``).
  A source reads through its own audited service and returns None when the requester may read
  none of it. The documents module lists a case's documents this way (not embedded).
- The export is audited as ``case.dossier.export`` (durable) with its scope: the sections printed
  and how many items each lists — never their text. The reads behind it audit themselves too
  (``note.list`` with ``via=dossier_pdf``, ``plan.view`` …), once each (``one_read_per_module``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from flask_babel import gettext as _

from casebook import audit
from casebook.access import Action, load_or_404
from casebook.auth.models import User
from casebook.cases.extensions import one_read_per_module
from casebook.cases.models import Case
from casebook.cases.services import CASE_PAGE_LOADING
from casebook.db import utcnow
from casebook.i18n import select_locale, show_datetime
from casebook.modules import contributions
from casebook.printing import case_sections
from casebook.printing.pdf import Masthead, PdfSection, render

SECTIONS_HOOK = "dossier_pdf.sections"
EXPORT_EVENT = "case.dossier.export"

SectionSource = Callable[[User, Case], PdfSection | None]


@dataclass(frozen=True)
class PrintedFile:
    """A printed document and the name it is offered under."""

    content: bytes
    filename: str


def add_section_source(app: Flask, source: SectionSource) -> None:
    """Let ``source`` add a section to every printed case file of ``app`` (from a module's ``init_app``)."""
    contributions(app).hooks.setdefault(SECTIONS_HOOK, []).append(source)


def section_sources() -> list[SectionSource]:
    return list(contributions().hooks.get(SECTIONS_HOOK, ()))


def load_case(user: User, case_id: object) -> Case:
    """The case to print, or an audited 404 (out of scope and nonexistent alike). Records no read:
    the export's own event does."""
    return load_or_404(user, Case, case_id, Action.VIEW_CASE, options=CASE_PAGE_LOADING, audit_read=False)


def gather(user: User, case: Case) -> list[PdfSection]:
    """The sections ``user`` may read of ``case``, each from its audited service read."""
    *own, timeline = case_sections.BUILDERS
    sections = [section for build in own if (section := build(user, case)) is not None]
    for source in section_sources():
        section = source(user, case)
        if section is not None:
            sections.append(section)
    sections.append(timeline(user, case))  # last: its sources reuse the reads made above
    return sorted(sections, key=lambda s: (s.order, s.key))


def masthead(user: User, title: str, subject: str) -> Masthead:
    """The confidentiality line with the requester and the moment (Amsterdam time, written out)."""
    organisation = user.organisation.name
    return Masthead(
        title=title,
        subject=subject,
        author=f"{user.display_name}, {organisation}",
        confidential=_(
            "Vertrouwelijk — opgevraagd door %(name)s, %(organisation)s, %(at)s",
            name=user.display_name,
            organisation=organisation,
            at=show_datetime(utcnow()),
        ),
        page_label=_("pagina %(page)s van %(pages)s"),
        footer=_("Vertrouwelijk · %(title)s", title=title),
        lang=select_locale(),
    )


def scope_of(sections: list[PdfSection]) -> dict[str, object]:
    """What the export's audit event says of it: the sections and their counts, no content."""
    return {
        "sections": [s.key for s in sections],
        "counts": {s.key: s.count for s in sections if s.count is not None},
    }


def print_case_file(user: User, case: Case) -> PrintedFile:
    """The case file of ``case`` as ``user`` may read it, as a PDF. Audited as ``case.dossier.export``.

    ``case`` comes from ``load_case`` (the policy has let ``user`` see it)."""
    with one_read_per_module():
        sections = gather(user, case)
    audit.record(user, EXPORT_EVENT, case, details=scope_of(sections), durable=True)
    head = masthead(user, _("Dossier %(reference)s", reference=case.reference), _("Casusdossier (vertrouwelijk)"))
    return PrintedFile(render(head, sections), f"dossier-{case.reference}.pdf")
