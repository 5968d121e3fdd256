"""Rules for reports (management information): who reads aggregates over which cases and signals.

A report counts cases and signals; it never shows one. Who may read reports, and over what:

- a **supervisor** (teamleider) — the cases of their own organisation (it leads them or takes part
  in them) and the signals it brought in or was referred; the per-regisseur breakdown names only the
  users of their own organisation (their team);
- the **gemeente's supervisor** (a supervisor of a ``municipality`` organisation) — the whole
  municipality, without a per-regisseur breakdown;
- a **coordinator of the ZVH** — the cases the ZVH coordinates (it is the lead organisation, or the
  procesregisseur is one of its users) and every signal (the ZVH runs the weegtafel), without a
  per-regisseur breakdown.

Caseworkers, coordinators of other organisations and admins read no reports (404). Restricted
case types (radicalisation, domestic violence) are counted under their own name only for readers
authorised for them at the type's default confidentiality; for everyone else they are merged into
"overig" by the queries (``casebook.reports.queries.common``). ``report_case_clause`` and
``report_signal_clause`` are the SQL of the scope, composed by every report query.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, and_, or_, select, true

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.scope import authorisations_of, is_live_user
from casebook.auth.models import Role, User
from casebook.cases.models import Case, CaseParticipant
from casebook.db import db
from casebook.organisations.models import OrganisationKind


@dataclass(frozen=True)
class ReportScope:
    """What one reader's reports count: the cases (and signals) of ``kind``, and how to break them down."""

    kind: str  # "organisation" | "zvh" | "municipality"
    label: Any  # e.g. "Sociaal Wijkteam West", "ZVH-casussen", "Gemeente Dordrecht"
    organisation_id: int | None  # the reader's organisation
    restricted_case_type_ids: frozenset[int]  # restricted case types this reader may see by name
    team_user_ids: frozenset[int] | None  # per-regisseur breakdowns only of these users; None: no breakdown


ORGANISATION, ZVH, MUNICIPALITY = "organisation", "zvh", "municipality"


def scope_kind(user: Any) -> str | None:
    """The kind of report scope ``user`` has, from roles and organisation alone (no statement):
    the navigation and ``can()`` ask this on every page."""
    if not is_live_user(user):
        return None
    kind = user.organisation.kind if user.organisation is not None else None
    if user.has_role(Role.SUPERVISOR):
        return MUNICIPALITY if kind == OrganisationKind.MUNICIPALITY else ORGANISATION
    if user.has_role(Role.COORDINATOR) and kind == OrganisationKind.ZVH:
        return ZVH
    return None


def report_scope(user: Any) -> ReportScope | None:
    """The reader's report scope, or None: no reports for this user (the caller answers 404).

    Costs two statements at most: the reader's authorisations (for restricted types) and, for a
    teamleider, the ids of their organisation's users.
    """
    kind = scope_kind(user)
    if kind is None:
        return None
    restricted = frozenset(
        grant.case_type_id
        for grant in authorisations_of(user)
        if grant.case_type.restricted
        and Action.VIEW_CASE.value in grant.action_set
        and grant.max_confidentiality >= grant.case_type.default_confidentiality
    )
    organisation = user.organisation
    if kind == ORGANISATION:
        team = frozenset(db.session.scalars(select(User.id).where(User.organisation_id == organisation.id)))
        return ReportScope(ORGANISATION, organisation.name, organisation.id, restricted, team)
    if kind == ZVH:
        return ReportScope(ZVH, _l("Casussen van %(name)s", name=organisation.name), organisation.id, restricted, None)
    return ReportScope(MUNICIPALITY, _l("Hele gemeente"), organisation.id, restricted, None)


def report_case_clause(scope: ReportScope, over: Any = None) -> ColumnElement[bool]:
    """The cases ``scope`` counts, as a WHERE clause over ``Case`` — or over ``over``, a report fact
    (``casebook.reports.facts``) that carries the case's ``case_id``, ``lead_organisation_id`` and
    ``process_coordinator_id``: the same rule over a narrow copy of the keys.

    Uncorrelated ``IN (SELECT …)`` subqueries: the database runs each once and hashes it, where a
    correlated EXISTS inside an OR is run again for every case (seconds at a million cases)."""
    case_id = Case.id if over is None else over.case_id
    lead = Case.lead_organisation_id if over is None else over.lead_organisation_id
    coordinator = Case.process_coordinator_id if over is None else over.process_coordinator_id
    if scope.kind == MUNICIPALITY:
        return true()
    if scope.kind == ZVH:
        return or_(
            lead == scope.organisation_id,
            coordinator.in_(select(User.id).where(User.organisation_id == scope.organisation_id)),
        )
    return or_(
        lead == scope.organisation_id,
        case_id.in_(
            select(CaseParticipant.case_id).where(
                CaseParticipant.organisation_id == scope.organisation_id,
                CaseParticipant.ended_at.is_(None),
            )
        ),
    )


def report_signal_clause(scope: ReportScope) -> ColumnElement[bool]:
    """The signals ``scope`` counts, as a WHERE clause over ``Signal``: all of them for the ZVH (its
    weegtafel weighs every signal) and the gemeente; an organisation's own (it is the source, or the
    signal was referred to it)."""
    from casebook.signals.models import Signal  # the signal model is a domain model: imported late

    if scope.kind in (MUNICIPALITY, ZVH):
        return true()
    return or_(
        Signal.source_organisation_id == scope.organisation_id,
        and_(Signal.referred_to_id.is_not(None), Signal.referred_to_id == scope.organisation_id),
    )


@rule(Action.VIEW_REPORTS, Action.EXPORT_REPORT)
def report_rule(user: User, action: Action, obj: Any) -> bool:
    """Reports are read without an object (the scope limits what they count)."""
    return obj is None and scope_kind(user) is not None
