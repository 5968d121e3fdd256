"""Journal routes, the journal section of the case page and the notes on the case timeline."""

from __future__ import annotations

from typing import Any

from flask import Flask, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.extensions import CaseSection, TimelineEntry, read_once, register_section, register_timeline_source
from casebook.cases.models import Case
from casebook.casework import load_case, redirect_to_case
from casebook.journal import bp
from casebook.journal import services as journal
from casebook.journal.forms import CorrectionForm, NoteForm
from casebook.journal.models import NoteVisibility


def _notes_on_case_page(user: User, case: Case) -> list:
    """The one audited read of the notes for the case page: its section and its timeline."""
    return read_once("journal", user, case, lambda: journal.notes_for(user, case, via="case"))


def _section_context(user: User, case: Case, form: NoteForm | None = None, via: str = "case") -> dict[str, Any]:
    return {
        "notes": _notes_on_case_page(user, case) if via == "case" else journal.notes_for(user, case, via=via),
        "note_form": form
        if form is not None
        else (NoteForm(formdata=None) if can(user, Action.ADD_NOTE, case) else None),
        "can_add_note": can(user, Action.ADD_NOTE, case),
    }


def load_section(user: User, case: Case) -> dict[str, Any] | None:
    """The journal on the case page; None for viewers who may not read notes (supervisors)."""
    if not can(user, Action.READ_NOTES, case):
        return None
    return _section_context(user, case)


def timeline_notes(user: User, case: Case) -> list[TimelineEntry]:
    if not can(user, Action.READ_NOTES, case):
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
                url=url_for("cases.detail", case_id=case.id, _anchor=f"note-{note.id}"),
            )
        )
    return entries


@bp.get("/cases/<int:case_id>/notes")
def index(case_id: int) -> str:
    case = load_case(current_user, case_id, Action.READ_NOTES)
    return render_template("journal/page.html", case=case, **_section_context(current_user, case, via="journal"))


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
            return redirect_to_case(case, f"note-{note.id}")
    context = _section_context(current_user, case, form=form, via="journal")
    return render_template("journal/page.html", case=case, **context), 422


@bp.route("/cases/<int:case_id>/notes/<int:note_id>/correction", methods=["GET", "POST"])
def correct(case_id: int, note_id: int) -> Response | str | tuple[str, int]:
    case = load_case(current_user, case_id, Action.ADD_NOTE)
    original = journal.load_note(current_user, case, note_id)
    form = CorrectionForm()
    if form.is_submitted():
        if form.validate():
            try:
                correction = journal.correct_note(original, by=current_user, body=form.body.data)
            except journal.NoteRefused as refused:
                form.body.errors.append(str(refused))
            else:
                return redirect_to_case(case, f"note-{correction.id}")
        return render_template("journal/correct.html", case=case, original=original, form=form), 422
    return render_template("journal/correct.html", case=case, original=original, form=form)


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_section(app, CaseSection(key="journal", template="journal/_section.html", load=load_section, order=40))
    register_timeline_source(app, "note", timeline_notes)
