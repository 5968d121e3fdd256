"""Destruction lists (vernietigingslijsten): what has passed its retention, and what became of it.

A list is drawn up by ``casebook retention plan`` and holds one item per case, signal, person or
document whose retention has run out. An item names its object by kind and id and keeps only what
the certificate (verklaring van vernietiging) needs: the reference, the type, the closing date and
the retention rule — never content, so the list itself outlives what it destroyed without being
personal data. Nothing is destroyed until a supervisor *and* a privacy officer (two people) have
approved the list; either may take an item off it first, with a reason code (no free text).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.db import Base, StrEnumType, utcnow


class ListStatus(enum.StrEnum):
    AWAITING_APPROVAL = "awaiting_approval"  # ter goedkeuring: one or no approval yet
    APPROVED = "approved"  # both approvals: the next run destroys it
    DESTROYED = "destroyed"  # every item destroyed or withheld; the certificate can be printed


class ItemKind(enum.StrEnum):
    CASE = "case"
    SIGNAL = "signal"
    PERSON = "person"
    DOCUMENT = "document"


class ItemStatus(enum.StrEnum):
    LISTED = "listed"
    WITHHELD = "withheld"  # taken off the list (legal hold, pending request): never destroyed by it
    DESTROYED = "destroyed"


class WithholdReason(enum.StrEnum):
    LEGAL_HOLD = "legal_hold"  # a legal hold (lopende procedure, bezwaar, WOO-verzoek …)
    PENDING_REQUEST = "pending_request"  # a request of the person concerned is still being handled
    # set by the run, not a reviewer: the person is in a case or signal again that stays
    IN_USE = "in_use"


REVIEWER_REASONS = (WithholdReason.LEGAL_HOLD, WithholdReason.PENDING_REQUEST)


class DestructionList(Base):
    __tablename__ = "destruction_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    status: Mapped[ListStatus] = mapped_column(StrEnumType(ListStatus, 24), index=True)
    as_of: Mapped[date]  # the date the retention periods were measured against
    drawn_up_at: Mapped[datetime] = mapped_column(default=utcnow)
    supervisor_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    supervisor_approved_at: Mapped[datetime | None]
    privacy_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    privacy_approved_at: Mapped[datetime | None]
    destroyed_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    supervisor_approved_by: Mapped[User | None] = relationship(foreign_keys=[supervisor_approved_by_id])
    privacy_approved_by: Mapped[User | None] = relationship(foreign_keys=[privacy_approved_by_id])
    items: Mapped[list[DestructionItem]] = relationship(
        back_populates="destruction_list", order_by="DestructionItem.id", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<DestructionList {self.id} {self.status}>"

    @property
    def approvers(self) -> set[int]:
        return {i for i in (self.supervisor_approved_by_id, self.privacy_approved_by_id) if i is not None}


class DestructionItem(Base):
    __tablename__ = "destruction_item"
    __table_args__ = (Index("ix_destruction_item_object", "kind", "object_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(ForeignKey("destruction_list.id", ondelete="CASCADE"), index=True)
    # a document goes with its case: taking the case off the list takes its documents off too
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("destruction_item.id"), index=True)
    kind: Mapped[ItemKind] = mapped_column(StrEnumType(ItemKind, 16))
    object_id: Mapped[int]
    reference: Mapped[str] = mapped_column(String(40))  # PGA-2019-00042, MLD-2025-00012, P-000123, D-000055
    type_code: Mapped[str | None] = mapped_column(String(64))  # case type, document type
    closed_on: Mapped[date | None]  # closing date, triage date, or the date the last link ended
    due_on: Mapped[date]  # when the retention ran out
    rule: Mapped[str] = mapped_column(String(120))  # e.g. "case_type:radicalisation P5Y"
    status: Mapped[ItemStatus] = mapped_column(StrEnumType(ItemStatus, 16), default=ItemStatus.LISTED)
    withheld_reason: Mapped[WithholdReason | None] = mapped_column(StrEnumType(WithholdReason, 24))
    withheld_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    withheld_at: Mapped[datetime | None]
    destroyed_at: Mapped[datetime | None]
    # storage keys of document blobs still to be removed after the item's transaction committed
    # (files are not transactional): a rerun removes what an interrupted one left
    pending_blobs: Mapped[list[str]] = mapped_column(JSON, default=list)

    destruction_list: Mapped[DestructionList] = relationship(back_populates="items")
    withheld_by: Mapped[User | None] = relationship(foreign_keys=[withheld_by_id])
    parent_item: Mapped[DestructionItem | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[DestructionItem]] = relationship(back_populates="parent_item")

    def __repr__(self) -> str:
        return f"<DestructionItem {self.id} {self.kind} {self.object_id} {self.status}>"
