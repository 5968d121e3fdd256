"""Imports every model module so the metadata is complete (Alembic, tests, create_all)."""

from casebook.access.models import Authorisation, BreakGlassAccess
from casebook.admin.models import AccessReview
from casebook.api.models import ApiToken
from casebook.audit.models import AuditEvent
from casebook.auth.models import ActivationToken, RecoveryCode, User, UserRole, UserSession
from casebook.cases.models import Case, CaseParticipant, CaseReferenceCounter, CaseSubject, CaseType, StatusType
from casebook.crypto.models import DataKey
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, Person, PersonSearchIndex

__all__ = [
    "AccessReview",
    "ActivationToken",
    "ApiToken",
    "AuditEvent",
    "Authorisation",
    "BreakGlassAccess",
    "Case",
    "CaseParticipant",
    "CaseReferenceCounter",
    "CaseSubject",
    "CaseType",
    "DataKey",
    "District",
    "Household",
    "HouseholdMember",
    "Organisation",
    "Person",
    "PersonSearchIndex",
    "RecoveryCode",
    "StatusType",
    "User",
    "UserRole",
    "UserSession",
]
