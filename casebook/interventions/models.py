"""Interventions: what was done on a case, in the plan's balance of prevention, care and enforcement."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.crypto.store import EncryptedText, uuid_column
from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import Organisation
from casebook.people.models import Person
from casebook.plans.models import PlanGoal


class InterventionCategory(enum.StrEnum):
    PREVENTION = "prevention"
    CARE = "care"
    ENFORCEMENT = "enforcement"


class InterventionStatus(enum.StrEnum):
    """Planned (a date ahead is allowed), done (what the reports count) or cancelled."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class InterventionKind(Base):
    """Data, not code: the functional admin adds kinds; each belongs to one category."""

    __tablename__ = "intervention_kind"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    label_nl: Mapped[str] = mapped_column(String(120))
    label_en: Mapped[str] = mapped_column(String(120))
    category: Mapped[InterventionCategory] = mapped_column(StrEnumType(InterventionCategory, 16))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<InterventionKind {self.id} {self.code}>"

    def label(self, locale: str = "nl") -> str:
        return self.label_en if locale == "en" else self.label_nl


def _case_of(intervention: Intervention) -> Case:
    return intervention.case


class Intervention(Base):
    __tablename__ = "intervention"
    __table_args__ = (Index("ix_intervention_case_date", "case_id", "occurred_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = uuid_column()
    case_id: Mapped[int] = mapped_column(ForeignKey("case.id", ondelete="CASCADE"), index=True)
    kind_id: Mapped[int] = mapped_column(ForeignKey("intervention_kind.id"), index=True)
    occurred_on: Mapped[date]
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome_ciphertext: Mapped[bytes | None] = mapped_column("outcome", LargeBinary)
    status: Mapped[InterventionStatus] = mapped_column(
        StrEnumType(InterventionStatus), default=InterventionStatus.DONE, server_default="done"
    )
    # the plan goal it serves and the subject it concerns; both optional, both of the same case
    goal_id: Mapped[int | None] = mapped_column(ForeignKey("plan_goal.id", ondelete="SET NULL"), index=True)
    subject_person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    # optimistic locking: marking a planned intervention done or cancelled names the version it saw
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    outcome = EncryptedText("outcome_ciphertext", owner=_case_of)

    case: Mapped[Case] = relationship()
    kind: Mapped[InterventionKind] = relationship(lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")
    goal: Mapped[PlanGoal | None] = relationship()
    subject_person: Mapped[Person | None] = relationship()

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Intervention {self.id} case={self.case_id} kind={self.kind_id}>"
