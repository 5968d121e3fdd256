"""Documents (stukken) on a case: a document and its versions, append-only like the journal.

A ``Document`` holds what stays the same across versions: the case, type, date, visibility, the
author's organisation and the title (encrypted under the case's data key). Each upload is a
``DocumentVersion``: where its ciphertext lives (a random storage key, never derived from names),
its size and detected kind, whether it was scanned, which data key encrypted it, and the original
file name (encrypted metadata). A new upload adds a version; nothing is ever overwritten, so a
version row is a faithful copy of what was sent or read at the time (handoffs pin it).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.meetings.models import AgendaItem
from casebook.organisations.models import Organisation
from casebook.plans.models import PlanGoal
from casebook.signals.models import Signal


class DocumentVisibility(enum.StrEnum):
    SHARED = "shared"  # every participant who may read the case's documents
    INTERNAL = "internal"  # the author's organisation only


class AppendOnlyError(RuntimeError):
    """A document version was about to be changed; a new upload adds a version instead."""


class DocumentType(Base):
    """Reference data (proces-verbaal, rapportage, brief …), seeded by the migration."""

    __tablename__ = "document_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<DocumentType {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


def _case_of(document: Document) -> Case:
    return document.case


def _case_of_version(version: DocumentVersion) -> Case:
    return version.document.case


class Document(Base):
    __tablename__ = "document"
    __table_args__ = (Index("ix_document_case_created", "case_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    type_id: Mapped[int] = mapped_column(ForeignKey("document_type.id"), index=True)
    document_date: Mapped[date | None]
    visibility: Mapped[DocumentVisibility] = mapped_column(StrEnumType(DocumentVisibility, 16))
    author_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    author_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # optional, at most one: what on the case the document belongs to (a goal of the plan, an agenda
    # item, the signal the case came from); none of them means the case as a whole
    plan_goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"), index=True)
    agenda_item_id: Mapped[int | None] = mapped_column(
        ForeignKey("meeting_agenda_item.id", ondelete="SET NULL"), index=True
    )
    signal_id: Mapped[int | None] = mapped_column(ForeignKey("signal.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title_ciphertext: Mapped[bytes] = mapped_column("title", LargeBinary)

    title = EncryptedText("title_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    type: Mapped[DocumentType] = relationship(lazy="joined")
    author: Mapped[User] = relationship()
    author_organisation: Mapped[Organisation] = relationship(lazy="joined")
    plan_goal: Mapped[PlanGoal | None] = relationship()
    agenda_item: Mapped[AgendaItem | None] = relationship()
    signal: Mapped[Signal | None] = relationship()
    versions: Mapped[list[DocumentVersion]] = relationship(
        back_populates="document", order_by="DocumentVersion.number", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Document {self.id} case={self.case_id} {self.visibility}>"

    @property
    def latest(self) -> DocumentVersion:
        return self.versions[-1]

    def version(self, number: int) -> DocumentVersion | None:
        return next((v for v in self.versions if v.number == number), None)


class DocumentVersion(Base):
    __tablename__ = "document_version"
    __table_args__ = (UniqueConstraint("document_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # the blob reference bound into every chunk's associated data
    uuid: Mapped[str] = uuid_column()
    document_id: Mapped[int] = mapped_column(ForeignKey("document.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    size: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(16))  # casebook.documents.content.DocumentKind
    media_type: Mapped[str] = mapped_column(String(100))
    scanned: Mapped[bool]
    # the data key the chunks are encrypted with (read back with ``key_by_id``; rotation re-wraps it)
    data_key_id: Mapped[int] = mapped_column(ForeignKey("data_key.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    uploaded_by_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    filename_ciphertext: Mapped[bytes] = mapped_column("filename", LargeBinary)

    filename = EncryptedText("filename_ciphertext", owner=_case_of_version)

    document: Mapped[Document] = relationship(back_populates="versions")
    uploaded_by: Mapped[User] = relationship(lazy="joined")
    uploaded_by_organisation: Mapped[Organisation] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<DocumentVersion {self.id} document={self.document_id} v{self.number}>"

    @property
    def visibility(self) -> DocumentVisibility:
        """The document's: what decides whether the version may leave its organisation (handoffs)."""
        return self.document.visibility


@event.listens_for(DocumentVersion, "before_update")
def _refuse_update(_mapper: object, _connection: object, version: DocumentVersion) -> None:
    state = inspect(version)
    if any(state.attrs[column.key].history.has_changes() for column in state.mapper.column_attrs):
        raise AppendOnlyError(f"document version {version.id} is append-only; upload a new version instead")
