"""Imports every model module so the metadata is complete (Alembic, tests, create_all)."""

from casebook.audit.models import AuditEvent
from casebook.auth.models import User, UserRole
from casebook.cases.models import (
    Case,
    CaseClosureStep,
    CaseFieldChange,
    CaseParticipant,
    CaseReferenceCounter,
    CaseResult,
    CaseStatusChange,
    CaseSubject,
    CaseType,
    StatusType,
)
from casebook.crypto.models import DataKey
from casebook.households.models import HouseholdCoordination
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, Person
from casebook.signals.models import Signal, SignalPerson

__all__ = [
    "AuditEvent",
    "Case",
    "CaseClosureStep",
    "CaseFieldChange",
    "CaseParticipant",
    "CaseReferenceCounter",
    "CaseResult",
    "CaseStatusChange",
    "CaseSubject",
    "CaseType",
    "DataKey",
    "District",
    "Household",
    "HouseholdCoordination",
    "HouseholdMember",
    "Organisation",
    "Person",
    "Signal",
    "SignalPerson",
    "StatusType",
    "User",
    "UserRole",
]
