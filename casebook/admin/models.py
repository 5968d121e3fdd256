"""Access reviews (BIO 9.2.5): who confirmed, when, that a user's roles and authorisations still fit."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, utcnow


class AccessReview(Base):
    """One completed review of one user's access. History is kept: the latest row is the review date."""

    __tablename__ = "access_review"
    __table_args__ = (Index("ix_access_review_user_time", "user_id", "reviewed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    reviewed_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<AccessReview {self.id} user={self.user_id}>"
