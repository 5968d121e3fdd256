"""Imports every model module so the metadata is complete (Alembic, tests, create_all)."""

from casebook.audit.models import AuditEvent
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case, CaseParticipant, CaseReferenceCounter, CaseSubject, CaseType, StatusType
from casebook.crypto.models import DataKey
from casebook.interventions.models import Intervention, InterventionKind
from casebook.journal.models import Note
from casebook.meetings.models import AgendaItem, Meeting, MeetingInvitation
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, Person
from casebook.plans.models import CasePlan, PlanAction, PlanActionChange, PlanGoal

__all__ = [
    "AgendaItem",
    "AuditEvent",
    "Case",
    "CaseParticipant",
    "CasePlan",
    "CaseReferenceCounter",
    "CaseSubject",
    "CaseType",
    "DataKey",
    "District",
    "Household",
    "HouseholdMember",
    "Intervention",
    "InterventionKind",
    "Meeting",
    "MeetingInvitation",
    "Note",
    "Organisation",
    "Person",
    "PlanAction",
    "PlanActionChange",
    "PlanGoal",
    "StatusType",
    "User",
    "UserRole",
]
