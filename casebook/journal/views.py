"""Journal routes, the journal section of the case page and the notes on the case timeline."""

from __future__ import annotations

from typing import Any

from flask import Flask, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.wrappers import Response

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.dossier import render_dossier
from casebook.cases.extensions import CaseSection, TimelineEntry, read_once, register_section, register_timeline_source
from casebook.cases.lifecycle import accepts_changes
from casebook.cases.models import Case
from casebook.casework import back_to_section, closed_case_redirect, load_case, section_url
from casebook.journal import bp
from casebook.journal import services as journal
from casebook.journal.forms import CorrectionForm, NoteForm
from casebook.journal.models import NoteVisibility


def _notes_on_case_page(user: User, case: Case) -> list:
    """The one audited read of the notes for the dossier: its tab, its summary and its timeline."""
    return read_once("journal", user, case, lambda: journal.notes_for(user, case, via="case"))


def _may_read(user: User, case: Case) -> bool:
    return can(user, Action.READ_NOTES, case)


def load_section(user: User, case: Case) -> dict[str, Any] | None:
    """The journal tab; None for viewers who may not read notes (supervisors). Writing is offered
    only while the case takes changes."""
    if not _may_read(user, case):
        return None
    may_add = accepts_changes(case) and can(user, Action.ADD_NOTE, case)
    return {
        "notes": _notes_on_case_page(user, case),
        "note_form": NoteForm(formdata=None) if may_add else None,
        "can_add_note": may_add,
    }


def summary(user: User, case: Case) -> dict[str, Any] | None:
    """The Overzicht's line: how many notes, and when the last one was written."""
    if not _may_read(user, case):
        return None
    notes = _notes_on_case_page(user, case)
    return {"count": len(notes), "last": notes[0] if notes else None}


def timeline_notes(user: User, case: Case) -> list[TimelineEntry]:
    if not _may_read(user, case):
        return []
    entries = []
    for note in _notes_on_case_page(user, case):
        if note.corrects_id:
            title = _("Correctie op notitie")
        elif note.visibility is NoteVisibility.INTERNAL:
            title = _("Interne notitie")
        else:
            title = _("Notitie")
        entries.append(
            TimelineEntry(
                at=note.created_at,
                kind="note",
                title=title,
                actor=note.author.display_name,
                organisation=note.author_organisation.name,
                detail=note.body,
                url=section_url(case, "journal", f"note-{note.id}"),
            )
        )
    return entries


@bp.get("/cases/<int:case_id>/notes")
def index(case_id: int) -> Response:
    """The journal's old address: its tab of the dossier now, which reads and audits the notes. A
    case the user may not read notes of is an audited 404 here too."""
    case = load_case(current_user, case_id, Action.READ_NOTES)
    return redirect(url_for("cases.section", case_id=case.id, path="journal"), 301)


@bp.post("/cases/<int:case_id>/notes")
def add(case_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.ADD_NOTE)
    form = NoteForm()
    if form.validate_on_submit():
        try:
            note = journal.add_note(case, by=current_user, body=form.body.data, visibility=form.visibility.data)
        except journal.NoteRefused as refused:
            form.body.errors.append(str(refused))
        else:
            return back_to_section(case, "journal", _("Notitie toegevoegd."), f"note-{note.id}")
    return render_dossier(case, "journal", status=422, open_form="note", note_form=form)


@bp.route("/cases/<int:case_id>/notes/<int:note_id>/correction", methods=["GET", "POST"])
def correct(case_id: int, note_id: int) -> Response | str | tuple[str, int]:
    case = load_case(current_user, case_id, Action.ADD_NOTE)
    original = journal.load_note(current_user, case, note_id)
    if (closed := closed_case_redirect(case)) is not None:
        return closed
    form = CorrectionForm()
    if form.is_submitted():
        if form.validate():
            try:
                correction = journal.correct_note(original, by=current_user, body=form.body.data)
            except journal.NoteRefused as refused:
                form.body.errors.append(str(refused))
            else:
                return back_to_section(case, "journal", _("Correctie toegevoegd."), f"note-{correction.id}")
        return render_template("journal/correct.html", case=case, original=original, form=form), 422
    return render_template("journal/correct.html", case=case, original=original, form=form)


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_section(
        app,
        CaseSection(
            key="journal",
            template="journal/_section.html",
            load=load_section,
            order=40,
            label=_l("Journaal"),
            path="journal",
            action=Action.READ_NOTES,
            summary=summary,
            summary_template="journal/_summary.html",
        ),
    )
    register_timeline_source(app, "note", timeline_notes)
