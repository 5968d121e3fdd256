"""Signaleringen on a case: a reference list of flag types (data) and the flags set on cases.

A flag is safety information for everyone who works on or oversees the case (a home visit needs
two people, weapons were found …), so it is shown to every viewer of the case, supervisors included.
Flags are never deleted: ending one sets ``ended_at``/``ended_by``, so the history stays complete.
They hold no free text — a flag is its type's code — so codes may go into the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.db import Base, utcnow


class CaseFlagType(Base):
    """A kind of signalering: data the functional admin keeps, not an enum in code.

    ``safety``: a risk to whoever visits or meets the person (shown first, marked as such).
    """

    __tablename__ = "case_flag_type"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    safety: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<CaseFlagType {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


class CaseFlag(Base):
    """A flag set on a case, from ``set_at`` until ``ended_at`` (open: still set)."""

    __tablename__ = "case_flag"
    # the case page reads a case's current flags: (case_id, ended_at) serves it
    __table_args__ = (Index("ix_case_flag_case_current", "case_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"))
    flag_type_id: Mapped[int] = mapped_column(ForeignKey("case_flag_type.id"), index=True)
    set_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ended_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)

    flag_type: Mapped[CaseFlagType] = relationship()
    set_by: Mapped[User | None] = relationship(foreign_keys=[set_by_id])
    ended_by: Mapped[User | None] = relationship(foreign_keys=[ended_by_id])

    def __repr__(self) -> str:
        return f"<CaseFlag {self.id} case={self.case_id} type={self.flag_type_id}>"
