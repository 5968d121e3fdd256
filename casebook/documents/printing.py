"""The documents in the printed case file: listed, never embedded.

A printed file leaves Casebook (an inzage request, the OM, the archive); what it says of the
documents is what the Documenten tab says — type, title, date, organisation, visibility and the
number of versions — so the reader knows what exists and can ask for it, while the documents
themselves stay encrypted in Casebook and every download stays a separately audited act.
The list comes from the tab's own audited read (``documents_for``, under the tab's ``read_once``
key), so the export shows exactly the documents the requester may read.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import gettext as _

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.extensions import read_once
from casebook.cases.models import Case
from casebook.documents import services as documents
from casebook.documents.models import DocumentVisibility
from casebook.i18n import select_locale, show_date
from casebook.printing.case_file import add_section_source
from casebook.printing.pdf import PdfSection, Table

SECTION = "documents"  # the Documenten tab's read_once key: one read per export
ORDER = 70  # after the journal, before the timeline


def documents_section(user: User, case: Case) -> PdfSection | None:
    """The case's documents as ``user`` may read them; None for who may read none (e.g. supervisors)."""
    if not can(user, Action.LIST_DOCUMENTS, case):
        return None
    read = read_once(SECTION, user, case, lambda: documents.documents_for(user, case, via="dossier_pdf"))
    locale = select_locale()
    rows = []
    for document in sorted(read, key=lambda d: (d.document_date or d.created_at.date(), d.id)):
        internal = document.visibility is DocumentVisibility.INTERNAL
        rows.append(
            (
                show_date(document.document_date) if document.document_date else "—",
                document.type.label(locale),
                document.title,
                document.author_organisation.name,
                _("intern") if internal else _("gedeeld"),
                str(len(document.versions)),
            )
        )
    headings = (_("Datum"), _("Soort"), _("Titel"), _("Organisatie"), _("Zichtbaarheid"), _("Versies"))
    blocks = (Table(headings, rows, (14, 16, 32, 18, 12, 8)),) if rows else ()
    return PdfSection(
        "documents",
        _("Documenten"),
        blocks,
        order=ORDER,
        count=len(rows),
        empty=_("Nog geen documenten."),
    )


def register(app: Flask) -> None:
    add_section_source(app, documents_section)
