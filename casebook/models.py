"""Imports every model module so the metadata is complete (Alembic, tests, create_all)."""

from casebook.access.models import Authorisation, BreakGlassAccess
from casebook.admin.models import AccessReview
from casebook.api.models import ApiToken
from casebook.audit.models import AuditEvent
from casebook.auth.models import ActivationToken, RecoveryCode, User, UserRole, UserSession
from casebook.cases.dossier_models import CaseFlag, CaseFlagType
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
from casebook.cases.saved_filters import SavedCaseFilter
from casebook.crypto.models import DataKey
from casebook.documents.models import Document, DocumentType, DocumentVersion
from casebook.handoffs.models import (
    BsnProcessingRule,
    Handoff,
    HandoffItem,
    LegalBasis,
    RestrictedTypeReceiverKind,
    TransferRequest,
)
from casebook.households.models import HouseholdCoordination
from casebook.interventions.models import Intervention, InterventionKind
from casebook.journal.models import Note
from casebook.meetings.models import AgendaItem, Meeting, MeetingInvitation
from casebook.notifications.models import Notification, NotificationPreference
from casebook.ops.jobs import JobRun
from casebook.organisations.models import District, Organisation
from casebook.people.models import Household, HouseholdMember, Person, PersonSearchIndex
from casebook.plans.models import (
    CasePlan,
    Evaluation,
    EvaluationGoal,
    EvaluationParticipant,
    PlanAction,
    PlanActionChange,
    PlanGoal,
    PlanGoalChange,
)
from casebook.privacy.processing_log import ProcessingLogEntry
from casebook.privacy.register import ProcessingActivity
from casebook.retention.models import DestructionItem, DestructionList
from casebook.signals.models import Signal, SignalPerson
from casebook.subject_requests.models import PersonRectification, ProcessingRestriction, SubjectRequest

__all__ = [
    "AccessReview",
    "ActivationToken",
    "AgendaItem",
    "ApiToken",
    "AuditEvent",
    "Authorisation",
    "BreakGlassAccess",
    "BsnProcessingRule",
    "Case",
    "CaseClosureStep",
    "CaseFieldChange",
    "CaseFlag",
    "CaseFlagType",
    "CaseParticipant",
    "CasePlan",
    "CaseReferenceCounter",
    "CaseResult",
    "CaseStatusChange",
    "CaseSubject",
    "CaseType",
    "DataKey",
    "DestructionItem",
    "DestructionList",
    "District",
    "Document",
    "DocumentType",
    "DocumentVersion",
    "Evaluation",
    "EvaluationGoal",
    "EvaluationParticipant",
    "Handoff",
    "HandoffItem",
    "Household",
    "HouseholdCoordination",
    "HouseholdMember",
    "Intervention",
    "InterventionKind",
    "JobRun",
    "LegalBasis",
    "Meeting",
    "MeetingInvitation",
    "Note",
    "Notification",
    "NotificationPreference",
    "Organisation",
    "Person",
    "PersonRectification",
    "PersonSearchIndex",
    "PlanAction",
    "PlanActionChange",
    "PlanGoal",
    "PlanGoalChange",
    "ProcessingActivity",
    "ProcessingLogEntry",
    "ProcessingRestriction",
    "RecoveryCode",
    "RestrictedTypeReceiverKind",
    "SavedCaseFilter",
    "Signal",
    "SignalPerson",
    "StatusType",
    "SubjectRequest",
    "TransferRequest",
    "User",
    "UserRole",
    "UserSession",
]
