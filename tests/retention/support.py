"""Helpers for the retention tests: old closed cases, old triaged signals, reviewers, an approved list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.retention import services
from casebook.retention.models import DestructionList
from casebook.signals.models import Signal, TriageDecision
from tests.factories import make_case, make_org, make_user

AS_OF = date(2026, 12, 1)


def gemeente():
    return make_org("gemeente-test", kind=OrganisationKind.MUNICIPALITY)


def supervisor(username: str | None = None):
    return make_user(username, org=gemeente(), roles=["supervisor"])


def privacy_officer(username: str | None = None):
    return make_user(username, org=gemeente(), roles=["privacy_officer"])


def close(case: Case, archive_on: date = date(2025, 3, 1)) -> Case:
    """Close ``case`` five years before ``archive_on``, its archive action date (content first: a closed
    case takes none)."""
    case.closed_at = datetime(archive_on.year - 5, archive_on.month, archive_on.day, 12, tzinfo=UTC)
    case.archive_action_on = archive_on
    db.session.flush()
    return case


def closed_case(*, subjects=(), archive_on: date = date(2025, 3, 1), lead=None, participants=()) -> Case:
    return close(make_case(lead=lead, subjects=subjects, participants=participants), archive_on)


def triaged_signal(by, *, persons=(), days_ago: int = 300, decision=TriageDecision.NO_ACTION) -> Signal:
    from tests.factories import make_signal

    signal = make_signal(by, persons=persons)
    signal.triaged_at = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) - timedelta(days=days_ago)
    signal.decision = decision
    db.session.flush()
    return signal


def approved(listing: DestructionList) -> DestructionList:
    services.approve(listing, by=supervisor())
    services.approve(listing, by=privacy_officer())
    return listing


def participant(case: Case):
    """A caseworker of the case's lead organisation (may add notes and upload documents)."""
    return make_user(org=case.lead_organisation, roles=["caseworker"])


__all__ = ["AS_OF", "Involvement", "approved", "close", "closed_case", "participant", "privacy_officer", "supervisor"]
