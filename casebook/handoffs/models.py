"""Handoffs (overdrachten) between organisations, requests for a case, and their reference data.

- ``Handoff``: a transfer of regie or a referral, from the lead organisation to a receiver.
  Its summary and a rejection reason are encrypted under the case's data key.
- ``HandoffItem``: what else is shared, generically (item kind + id); see ``casebook.handoffs.items``.
- ``TransferRequest``: a coordinator of another organisation asks the lead for a transfer.
- ``LegalBasis``, ``RestrictedTypeReceiverKind``: data, not code. (``BsnProcessingRule`` is the
  policy's data and lives with the person models; it is re-exported here.)
- The sender's notice of a decision or an expiry is a ``Notification`` of kind ``handoff_outcome``
  (``casebook.notifications``, the one table of in-app notices; ``casebook.handoffs.notifications``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.access.rules.handoffs import is_live_pending, is_overdue
from casebook.auth.models import User
from casebook.cases.models import (
    Case,
    Involvement,
    RestrictedTypeReceiverKind,  # noqa: F401  (the policy's data, kernel; re-exported)
)
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import Organisation
from casebook.people.models import BsnProcessingRule  # noqa: F401  (the policy's data, kernel; re-exported)


class HandoffKind(enum.StrEnum):
    TRANSFER = "transfer"  # overdracht van regie
    REFERRAL = "referral"  # inschakelen


class HandoffStatus(enum.StrEnum):
    DRAFT = "draft"  # written by a caseworker, not yet sent by a coordinator
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


OPEN_STATUSES = (HandoffStatus.DRAFT, HandoffStatus.PENDING)


class SenderActions(enum.StrEnum):
    """What a transfer's acceptance did with the open plan actions of the organisation that became
    observer or left: given to the receiver, or withdrawn ("vervallen") with the transfer as reason."""

    REASSIGN = "reassign"
    WITHDRAW = "withdraw"


class SenderAfterTransfer(enum.StrEnum):
    OBSERVER = "observer"  # stays for nazorg, read-only
    LEAVE = "leave"  # ends every participation of the sender


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"  # the lead sent a transfer (``resulting_handoff``)
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    EXPIRED = "expired"


def _case_of(obj: Handoff | TransferRequest) -> Case:
    return obj.case


class LegalBasis(Base):
    """A grondslag for sharing (privacyconvenant, wettelijke taak, vitaal belang …). Data, seeded."""

    __tablename__ = "legal_basis"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_nl: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<LegalBasis {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


class Handoff(Base):
    __tablename__ = "handoff"
    __table_args__ = (
        Index("ix_handoff_receiver_status", "receiver_organisation_id", "status"),
        Index("ix_handoff_sender_status", "sender_organisation_id", "status"),
        Index("ix_handoff_status_expires", "status", "expires_at"),
        # At most one pending transfer per case: two organisations can never both be about to hold regie.
        Index(
            "uq_handoff_one_pending_transfer",
            "case_id",
            unique=True,
            sqlite_where=text("status = 'pending' AND kind = 'transfer'"),
            postgresql_where=text("status = 'pending' AND kind = 'transfer'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[HandoffKind] = mapped_column(StrEnumType(HandoffKind))
    status: Mapped[HandoffStatus] = mapped_column(StrEnumType(HandoffStatus))
    sender_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    receiver_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    # referral: how the receiver joins; transfer: what becomes of the sender
    receiver_involvement: Mapped[Involvement | None] = mapped_column(StrEnumType(Involvement))
    sender_after: Mapped[SenderAfterTransfer | None] = mapped_column(StrEnumType(SenderAfterTransfer))
    legal_basis_id: Mapped[int] = mapped_column(ForeignKey("legal_basis.id"), index=True)
    person_informed: Mapped[bool]
    bsn_shared: Mapped[bool]  # the receiver's kind may process the BSN (fixed when sent)
    summary_ciphertext: Mapped[bytes | None] = mapped_column("summary", LargeBinary)
    rejection_reason_ciphertext: Mapped[bytes | None] = mapped_column("rejection_reason", LargeBinary)
    # A referral may be tied to a plan action (casebook.plans); no FK: the plans module registers a hook.
    plan_action_id: Mapped[int | None]
    origin_request_id: Mapped[int | None] = mapped_column(ForeignKey("transfer_request.id"), index=True)
    drafted_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    sent_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    new_process_coordinator_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    # transfer, when accepted: the casusregisseur the receiver chose (None: none yet) and what became
    # of the open actions of the organisation that became observer or left
    new_case_manager_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    sender_actions: Mapped[SenderActions | None] = mapped_column(StrEnumType(SenderActions))
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    decided_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    summary = EncryptedText("summary_ciphertext", owner=_case_of)
    rejection_reason = EncryptedText("rejection_reason_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    sender_organisation: Mapped[Organisation] = relationship(foreign_keys=[sender_organisation_id], lazy="joined")
    receiver_organisation: Mapped[Organisation] = relationship(foreign_keys=[receiver_organisation_id], lazy="joined")
    legal_basis: Mapped[LegalBasis] = relationship(lazy="joined")
    drafted_by: Mapped[User] = relationship(foreign_keys=[drafted_by_id])
    sent_by: Mapped[User | None] = relationship(foreign_keys=[sent_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    new_process_coordinator: Mapped[User | None] = relationship(foreign_keys=[new_process_coordinator_id])
    new_case_manager: Mapped[User | None] = relationship(foreign_keys=[new_case_manager_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    items: Mapped[list[HandoffItem]] = relationship(
        back_populates="handoff", cascade="all, delete-orphan", order_by="HandoffItem.id"
    )
    origin_request: Mapped[TransferRequest | None] = relationship(foreign_keys=[origin_request_id])

    def __repr__(self) -> str:
        return f"<Handoff {self.id} {self.kind} {self.status} case={self.case_id}>"

    @property
    def is_pending(self) -> bool:
        """Pending and not past its expiry date (expired from that moment, whatever the job did)."""
        return is_live_pending(self)

    @property
    def shown_status(self) -> HandoffStatus:
        """The status every reader sees: a pending handoff past its date is expired."""
        return HandoffStatus.EXPIRED if is_overdue(self) else self.status


class HandoffItem(Base):
    """One shared item: a reference to a note, intervention, plan goal … of the same case."""

    __tablename__ = "handoff_item"
    __table_args__ = (UniqueConstraint("handoff_id", "item_kind", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoff.id", ondelete="CASCADE"), index=True)
    item_kind: Mapped[str] = mapped_column(String(32))
    item_id: Mapped[int]

    handoff: Mapped[Handoff] = relationship(back_populates="items")

    def __repr__(self) -> str:
        return f"<HandoffItem {self.id} {self.item_kind}:{self.item_id}>"


class TransferRequest(Base):
    """Verzoek tot overdracht: another organisation asks the lead to hand over regie."""

    __tablename__ = "transfer_request"
    __table_args__ = (
        Index("ix_transfer_request_lead_status", "lead_organisation_id", "status"),
        Index("ix_transfer_request_requester_status", "requesting_organisation_id", "status"),
        Index("ix_transfer_request_status_expires", "status", "expires_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    status: Mapped[RequestStatus] = mapped_column(StrEnumType(RequestStatus))
    requesting_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))
    lead_organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"))  # lead when asked
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    motivation_ciphertext: Mapped[bytes | None] = mapped_column("motivation", LargeBinary)
    decline_reason_ciphertext: Mapped[bytes | None] = mapped_column("decline_reason", LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    decided_at: Mapped[datetime | None]

    motivation = EncryptedText("motivation_ciphertext", owner=_case_of)
    decline_reason = EncryptedText("decline_reason_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    requesting_organisation: Mapped[Organisation] = relationship(
        foreign_keys=[requesting_organisation_id], lazy="joined"
    )
    lead_organisation: Mapped[Organisation] = relationship(foreign_keys=[lead_organisation_id], lazy="joined")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])

    def __repr__(self) -> str:
        return f"<TransferRequest {self.id} {self.status} case={self.case_id}>"

    @property
    def is_pending(self) -> bool:
        """Pending and not past its expiry date."""
        return is_live_pending(self)

    @property
    def shown_status(self) -> RequestStatus:
        """The status every reader sees: a pending request past its date is expired."""
        return RequestStatus.EXPIRED if is_overdue(self) else self.status
