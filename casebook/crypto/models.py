"""Data keys: one random AES-256 key per owner (a case, a person …), stored only wrapped by a KEK."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, utcnow


class DataKey(Base):
    __tablename__ = "data_key"
    __table_args__ = (UniqueConstraint("owner_type", "owner_ref"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_type: Mapped[str] = mapped_column(String(20))
    owner_ref: Mapped[str] = mapped_column(String(36))  # the owner's uuid: known before the row is inserted
    kek_id: Mapped[str] = mapped_column(String(64), index=True)
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary)  # None once shredded
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    rewrapped_at: Mapped[datetime | None]
    shredded_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<DataKey {self.id} {self.owner_type} kek={self.kek_id}{' shredded' if self.shredded_at else ''}>"

    @property
    def aad_ref(self) -> str:
        """What the wrapped key is bound to: the owner's type and uuid."""
        return f"{self.owner_type}:{self.owner_ref}"
