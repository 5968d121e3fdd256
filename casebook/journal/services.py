"""Journal rules: who reads which notes, adding notes and corrections. Every read and change is audited.

- ``shared`` notes are read by everyone who may read the case's notes (``Action.READ_NOTES``:
  never supervisors); ``internal`` notes only by users of the author's organisation.
- Notes are never edited or deleted. A correction is a new note linked to the one it corrects,
  written by the corrected note's organisation, with the same visibility (a correction must not
  widen or narrow who reads the corrected text). A note is corrected at most once: correct the
  correction to correct again.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import joinedload, selectinload

from casebook import audit
from casebook.access import Action, can, deny, require_audited
from casebook.auth.models import User
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case
from casebook.db import db
from casebook.errors import RuleViolation
from casebook.journal.models import Note, NoteVisibility
from casebook.pagination import Order, Page, PageRequest, paginate

MAX_BODY_LENGTH = 20_000


class NoteRefused(RuleViolation):
    """The note cannot be written as asked; the message is shown to the user (Dutch)."""


def _visible_to(user: User) -> ColumnElement[bool]:
    return or_(Note.visibility == NoteVisibility.SHARED, Note.author_organisation_id == user.organisation_id)


def _visible(user: User, note: Note) -> bool:
    return note.visibility is NoteVisibility.SHARED or note.author_organisation_id == user.organisation_id


def _readable(user: User, case: Case) -> Select:
    return (
        select(Note)
        .where(Note.case_id == case.id, _visible_to(user))
        .options(  # one statement: authors joined (their roles are not shown), corrections joined
            joinedload(Note.author).lazyload(User.role_rows),
            joinedload(Note.corrected_by).joinedload(Note.author).lazyload(User.role_rows),
            selectinload(Note.corrects),  # among the notes just read: no statement of its own
        )
    )


# Newest first; the id makes the order total for keyset pages (``notes_page``).
NOTE_ORDER = Order("notes", (Note.created_at, Note.id), descending=True)


def notes_for(user: User, case: Case, *, via: str = "journal") -> list[Note]:
    """The notes of ``case`` that ``user`` may read, newest first. Audited as ``note.list``.

    :raises AccessDenied: the user may not read notes on this case (audited).
    """
    require_audited(user, Action.READ_NOTES, case)
    notes = list(db.session.scalars(_readable(user, case).order_by(Note.created_at.desc(), Note.id.desc())))
    audit.record(user, Action.READ_NOTES, case, details={"count": len(notes), "via": via})
    return notes


def notes_page(user: User, case: Case, page: PageRequest, *, via: str = "api") -> Page[Note]:
    """One keyset page of ``notes_for`` (the API: a long journal is not read and decrypted whole).
    Audited as ``note.list`` with the page's position.

    :raises AccessDenied: (audited) :raises InvalidCursor: a cursor not issued for this list.
    """
    require_audited(user, Action.READ_NOTES, case)
    result = paginate(db.session(), _readable(user, case), NOTE_ORDER, page)
    details = {"count": len(result.items), "via": via, **page.audit_details()}
    audit.record(user, Action.READ_NOTES, case, details=details)
    return result


def load_note(user: User, case: Case, note_id: int) -> Note:
    """A note of ``case`` the user may read, or an audited 404 (other case, internal elsewhere, missing)."""
    note = db.session.get(Note, note_id)
    if note is None or note.case_id != case.id or not can(user, Action.READ_NOTES, case) or not _visible(user, note):
        raise deny(user, "note.view", case, requested_id=note_id)
    audit.record(user, "note.view", note)
    return note


def _clean_body(body: str) -> str:
    text = (body or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise NoteRefused("Schrijf een notitie.")
    if len(text) > MAX_BODY_LENGTH:
        raise NoteRefused(f"Een notitie is ten hoogste {MAX_BODY_LENGTH} tekens.")
    return text


def add_note(case: Case, *, by: User, body: str, visibility: NoteVisibility) -> Note:
    """Append a note to the journal. :raises AccessDenied: (audited) :raises NoteRefused:"""
    require_audited(by, Action.ADD_NOTE, case)
    require_open(case)
    note = Note(
        case=case,
        author=by,
        author_organisation_id=by.organisation_id,
        visibility=NoteVisibility(visibility),
        body=_clean_body(body),
    )
    db.session.add(note)
    db.session.flush()
    audit.record(by, Action.ADD_NOTE, note, details={"visibility": note.visibility.value})
    return note


def correct_note(original: Note, *, by: User, body: str) -> Note:
    """Append a correction of ``original`` (same visibility); ``original`` then shows as corrected.

    :raises AccessDenied: (audited) :raises NoteRefused: another organisation's note, or already corrected.
    """
    case = original.case
    require_audited(by, Action.ADD_NOTE, case)
    require_open(case)
    if original.author_organisation_id != by.organisation_id:
        raise NoteRefused("Alleen de organisatie die de notitie schreef, kan haar corrigeren.")
    if original.corrected_by is not None:
        raise NoteRefused("Deze notitie is al gecorrigeerd; corrigeer zo nodig de correctie.")
    correction = Note(
        case=case,
        author=by,
        author_organisation_id=by.organisation_id,
        visibility=original.visibility,
        corrects=original,
        body=_clean_body(body),
    )
    db.session.add(correction)
    db.session.flush()
    audit.record(
        by,
        "note.correct",
        correction,
        details={"corrects": original.id, "visibility": correction.visibility.value},
    )
    return correction
