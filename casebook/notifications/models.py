"""In-app notifications and the choices users make about them.

- ``Notification``: one notice to one user. It holds a kind, an event and references (ids) only;
  the text is built on display (``casebook.notifications.kinds``), so no personal data is copied
  and a notice about a case the reader can no longer see reveals nothing. ``dedupe_key`` is unique
  per recipient: the periodic run creates a reminder once, however often it runs.
- ``NotificationPreference``: per user and kind, where the user wants it (not, in Casebook, also
  by e-mail). A missing row is the default: in Casebook.

The e-mail address itself is a column of the user account (``User.email``).
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, StrEnumType, utcnow


class Channel(enum.StrEnum):
    OFF = "off"
    APP = "app"  # in Casebook (the bell and the notifications page)
    EMAIL = "email"  # in Casebook and in the daily digest e-mail


DEFAULT_CHANNEL = Channel.APP


class Notification(Base):
    __tablename__ = "notification"
    __table_args__ = (
        UniqueConstraint("recipient_id", "dedupe_key"),
        # the bell (COUNT of unread) and the page (newest first)
        Index("ix_notification_recipient_read", "recipient_id", "read_at"),
        Index("ix_notification_recipient_created", "recipient_id", "created_at", "id"),
        # the send run: notices not yet dealt with by e-mail
        Index("ix_notification_mail_pending", "mailed_at", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(24))  # action, evaluation, handoff, handoff_outcome, agenda, closure
    event: Mapped[str] = mapped_column(String(32))  # due, overdue, to_decide, accepted, added …
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    object_type: Mapped[str | None] = mapped_column(String(32))  # plan_action, handoff, transfer_request …
    object_id: Mapped[int | None]
    dedupe_key: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    read_at: Mapped[datetime | None]
    mailed_at: Mapped[datetime | None]  # when a digest e-mail announced it (once, whatever the runs)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind}.{self.event} to={self.recipient_id}>"

    # the handoff module's names for its references (its inbox and tests read these)
    @property
    def handoff_id(self) -> int | None:
        return self.object_id if self.object_type == "handoff" else None

    @property
    def request_id(self) -> int | None:
        return self.object_id if self.object_type == "transfer_request" else None


class NotificationPreference(Base):
    __tablename__ = "notification_preference"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(24))
    channel: Mapped[Channel] = mapped_column(StrEnumType(Channel), default=DEFAULT_CHANNEL)

    def __repr__(self) -> str:
        return f"<NotificationPreference {self.user_id} {self.kind}={self.channel}>"
