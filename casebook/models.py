"""Imports every model module so the metadata is complete (Alembic, tests, create_all)."""

from casebook.audit.models import AuditEvent
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case, CaseParticipant, CaseReferenceCounter, CaseSubject, CaseType, StatusType
from casebook.crypto.models import DataKey
from casebook.handoffs.models import (
    BsnProcessingRule,
    Handoff,
    HandoffItem,
    HandoffNotification,
    LegalBasis,
    RestrictedTypeReceiverKind,
    TransferRequest,
)
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, Person

__all__ = [
    "AuditEvent",
    "BsnProcessingRule",
    "Case",
    "CaseParticipant",
    "CaseReferenceCounter",
    "CaseSubject",
    "CaseType",
    "DataKey",
    "District",
    "Handoff",
    "HandoffItem",
    "HandoffNotification",
    "Household",
    "HouseholdMember",
    "LegalBasis",
    "Organisation",
    "Person",
    "RestrictedTypeReceiverKind",
    "StatusType",
    "TransferRequest",
    "User",
    "UserRole",
]
