"""Imports every model module so the metadata is complete (Alembic, tests, create_all)."""

from casebook.access.models import Authorisation, BreakGlassAccess
from casebook.audit.models import AuditEvent
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case, CaseParticipant, CaseReferenceCounter, CaseSubject, CaseType, StatusType
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, Person

__all__ = [
    "AuditEvent",
    "Authorisation",
    "BreakGlassAccess",
    "Case",
    "CaseParticipant",
    "CaseReferenceCounter",
    "CaseSubject",
    "CaseType",
    "District",
    "Household",
    "HouseholdMember",
    "Organisation",
    "Person",
    "StatusType",
    "User",
    "UserRole",
]
