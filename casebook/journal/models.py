"""Journal notes: append-only, encrypted under the case's data key."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import Organisation


class NoteVisibility(enum.StrEnum):
    SHARED = "shared"  # every participant who may read notes
    INTERNAL = "internal"  # the author's organisation only


class AppendOnlyError(RuntimeError):
    """A journal note was about to be changed; notes are corrected by a new note, never edited."""


def _case_of(note: Note) -> Case:
    return note.case


class Note(Base):
    __tablename__ = "note"
    __table_args__ = (Index("ix_note_case_time", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    author_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    visibility: Mapped[NoteVisibility] = mapped_column(StrEnumType(NoteVisibility, 16))
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("note.id"), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    body_ciphertext: Mapped[bytes] = mapped_column("body", LargeBinary)

    body = EncryptedText("body_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    author: Mapped[User] = relationship(lazy="joined")
    author_organisation: Mapped[Organisation] = relationship(lazy="joined")
    corrects: Mapped[Note | None] = relationship(remote_side=[id], back_populates="corrected_by")
    corrected_by: Mapped[Note | None] = relationship(back_populates="corrects", uselist=False)

    def __repr__(self) -> str:
        return f"<Note {self.id} case={self.case_id} {self.visibility}>"

    @property
    def is_corrected(self) -> bool:
        return self.corrected_by is not None


@event.listens_for(Note, "before_update")
def _refuse_update(_mapper: object, _connection: object, note: Note) -> None:
    # Fires for every dirty note, also when only a relationship changed (a correction was
    # linked to it): refuse only real column changes.
    state = inspect(note)
    if any(state.attrs[column.key].history.has_changes() for column in state.mapper.column_attrs):
        raise AppendOnlyError(f"note {note.id} is append-only; add a correction instead")
