"""Procesregie per household ("1 gezin, 1 plan, 1 regisseur").

Kept beside ``casebook.people`` (which owns ``Household``) so the two modules change
independently: one row per household names its one procesregisseur.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.db import Base, utcnow
from casebook.people.models import Household


class HouseholdCoordination(Base):
    __tablename__ = "household_coordination"

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(ForeignKey("household.id", ondelete="CASCADE"), unique=True)
    process_coordinator_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    set_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    set_at: Mapped[datetime] = mapped_column(default=utcnow)
    # optimistic locking: a change names the version it was made from (0: no row yet)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    household: Mapped[Household] = relationship()
    process_coordinator: Mapped[User] = relationship(foreign_keys=[process_coordinator_id], lazy="joined")
    set_by: Mapped[User] = relationship(foreign_keys=[set_by_id])

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<HouseholdCoordination {self.id} household={self.household_id}>"
