"""The one place that decides who may do what to which object.

``can``/``require``/``load_or_404`` decide on objects; ``case_scope`` and the other clauses of
``scope`` select the same objects in SQL for lists, counts and searches. The rules per object
type live in ``casebook.access.rules``. This package holds no screens and imports no domain module.
"""

from casebook.access.actions import Action
from casebook.access.policy import AccessDenied, can, deny, load_or_404, require, require_audited
from casebook.access.rules.cases import (
    can_open,
    could_see,
    may_direct,
    may_take_part,
    may_take_part_in,
    organisations_allowed_in,
)
from casebook.access.rules.households import household_cases, visible_members
from casebook.access.rules.persons import may_process_bsn, person_visibility, visible_persons
from casebook.access.rules.reports import ReportScope, report_case_clause, report_scope, report_signal_clause
from casebook.access.rules.roles import access_review_interval_days, roles_compatible
from casebook.access.scope import (
    audit_scope,
    authorised_cases,
    break_glass_active,
    case_content_scope,
    case_scope,
    case_visibility,
    prime_grants,
)
from casebook.errors import Refused

__all__ = [
    "AccessDenied",
    "Action",
    "Refused",
    "ReportScope",
    "access_review_interval_days",
    "audit_scope",
    "authorised_cases",
    "break_glass_active",
    "can",
    "can_open",
    "case_content_scope",
    "case_scope",
    "case_visibility",
    "could_see",
    "deny",
    "household_cases",
    "load_or_404",
    "may_direct",
    "may_process_bsn",
    "may_take_part",
    "may_take_part_in",
    "organisations_allowed_in",
    "person_visibility",
    "prime_grants",
    "report_case_clause",
    "report_scope",
    "report_signal_clause",
    "require",
    "require_audited",
    "roles_compatible",
    "visible_members",
    "visible_persons",
]
