"""Authorisations (ZGW ``autorisaties``) and break-the-glass grants: access rules kept as data.

An ``Authorisation`` applies to one user, to every user holding a role within an organisation, or
(no organisation) to every user holding the role in any partner organisation, for one case type:
a set of actions and a maximum confidentiality. Rows are never deleted; revoking sets
``revoked_at`` so "why was this allowed on that day" stays answerable.

A ``BreakGlassAccess`` is a time-boxed, read-only grant a caseworker took on an out-of-scope case
by stating a reason; it stays in the supervisors' review queue until someone judges it. The reason
and the supervisor's note are free text (they may name the person) and are stored encrypted with
the case's data key; the audit events of the grant and its review carry only the grant's id.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, LargeBinary
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseType
from casebook.confidentiality import Confidentiality
from casebook.crypto.errors import DecryptionError
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, IntEnumType, StrEnumType, utcnow
from casebook.organisations.models import Organisation

VIEW_ACTION = "case.view"  # ``Action.VIEW_CASE``; the policy imports these models, not the reverse


class Authorisation(Base):
    __tablename__ = "authorisation"
    __table_args__ = (
        CheckConstraint(
            "(user_id IS NOT NULL AND organisation_id IS NULL AND role IS NULL)"
            " OR (user_id IS NULL AND role IS NOT NULL)",
            name="user_or_org_role",
        ),
        Index("ix_authorisation_org_role_type", "organisation_id", "role", "case_type_id"),
        Index("ix_authorisation_user_type", "user_id", "case_type_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[Role | None] = mapped_column(StrEnumType(Role))
    case_type_id: Mapped[int] = mapped_column(ForeignKey("case_type.id", ondelete="CASCADE"), index=True)
    # Action values (``casebook.access.Action``); always includes ``case.view``: an authorisation
    # is first of all the right to see cases of the type up to ``max_confidentiality``.
    actions: Mapped[list[str]] = mapped_column(JSON, default=lambda: [VIEW_ACTION])
    max_confidentiality: Mapped[Confidentiality] = mapped_column(IntEnumType(Confidentiality))
    granted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    revoked_at: Mapped[datetime | None]

    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    organisation: Mapped[Organisation | None] = relationship(lazy="joined")
    case_type: Mapped[CaseType] = relationship(lazy="joined")
    granted_by: Mapped[User | None] = relationship(foreign_keys=[granted_by_id])
    revoked_by: Mapped[User | None] = relationship(foreign_keys=[revoked_by_id])

    @validates("actions")
    def _always_view(self, _key: str, actions: list[str]) -> list[str]:
        return sorted(set(actions) | {VIEW_ACTION})

    def __repr__(self) -> str:
        subject = f"user={self.user_id}" if self.user_id else f"org={self.organisation_id} role={self.role}"
        return f"<Authorisation {self.id} {subject} type={self.case_type_id} max={int(self.max_confidentiality)}>"

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    @property
    def action_set(self) -> frozenset[str]:
        return frozenset(self.actions or ())


class ReviewStatus(enum.StrEnum):
    PENDING = "pending"
    JUSTIFIED = "justified"
    UNJUSTIFIED = "unjustified"


def _case_of(grant: BreakGlassAccess) -> Any:
    if grant.case is None:  # the case was deleted: its key, and with it the reason, is gone
        raise DecryptionError("the grant's case no longer exists")
    return grant.case


class BreakGlassAccess(Base):
    __tablename__ = "break_glass_access"
    __table_args__ = (
        Index("ix_break_glass_user_case_expiry", "user_id", "case_id", "expires_at"),
        Index("ix_break_glass_review", "review_status", "started_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # No cascade: the grant (like its audit event) outlives the case for the review.
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="SET NULL"), index=True)
    reason_ciphertext: Mapped[bytes | None] = mapped_column("reason_encrypted", LargeBinary)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    review_status: Mapped[ReviewStatus] = mapped_column(StrEnumType(ReviewStatus, 16), default=ReviewStatus.PENDING)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    reviewed_at: Mapped[datetime | None]
    review_note_ciphertext: Mapped[bytes | None] = mapped_column("review_note_encrypted", LargeBinary)

    reason = EncryptedText("reason_ciphertext", owner=_case_of)
    review_note = EncryptedText("review_note_ciphertext", owner=_case_of)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    case: Mapped[Case | None] = relationship()
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id])

    def __repr__(self) -> str:
        return f"<BreakGlassAccess {self.id} user={self.user_id} case={self.case_id} {self.review_status}>"

    def active_at(self, now: datetime) -> bool:
        return self.started_at <= now < self.expires_at
