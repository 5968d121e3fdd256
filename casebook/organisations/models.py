"""Partner organisations and the districts (wijken) of the municipality."""

from __future__ import annotations

import enum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from casebook.db import Base, StrEnumType


class OrganisationKind(enum.StrEnum):
    ZVH = "zvh"
    WIJKTEAM = "wijkteam"
    POLICE = "police"
    PUBLIC_PROSECUTOR = "public_prosecutor"
    VEILIG_THUIS = "veilig_thuis"
    YOUTH_WORK = "youth_work"
    HOUSING_CORPORATION = "housing_corporation"
    MENTAL_HEALTH = "mental_health"
    PROBATION = "probation"
    MUNICIPALITY = "municipality"
    OTHER = "other"


class Organisation(Base):
    __tablename__ = "organisation"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[OrganisationKind] = mapped_column(StrEnumType(OrganisationKind))
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<Organisation {self.id} {self.slug}>"


class District(Base):
    """A wijk. Data, not code: districts are added by the functional admin."""

    __tablename__ = "district"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(120))

    def __repr__(self) -> str:
        return f"<District {self.id} {self.code}>"
