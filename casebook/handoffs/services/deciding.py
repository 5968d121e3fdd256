"""Deciding handoffs: accept, reject, cancel, complete, expire."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm.attributes import set_committed_value

from casebook import audit
from casebook.access import Action
from casebook.access.rules.handoffs import process_coordinator_clause
from casebook.auth.models import User, UserRole
from casebook.cases.models import Case, CaseParticipant, Involvement
from casebook.db import db, utcnow
from casebook.handoffs.errors import HandoffConflict, HandoffError
from casebook.handoffs.models import (
    Handoff,
    HandoffKind,
    HandoffStatus,
    SenderActions,
    SenderAfterTransfer,
)
from casebook.handoffs.notifications import notify
from casebook.handoffs.plan_link import plan_action_link
from casebook.handoffs.services import responsibility
from casebook.handoffs.services.common import MAX_TEXT, authorise_decision, case_changes, claim


def eligible_process_coordinators(handoff: Handoff) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(UserRole)
            .where(
                User.organisation_id == handoff.receiver_organisation_id,
                User.active,
                process_coordinator_clause(UserRole.role),
            )
            .order_by(User.display_name, User.id)
        )
    )


def accept(
    handoff: Handoff,
    *,
    by: User,
    process_coordinator: User | None = None,
    case_manager: User | None = None,
    sender_actions: SenderActions | str | None = None,
    now: datetime | None = None,
) -> Handoff:
    """Accept: a transfer makes the receiver lead (with ``process_coordinator`` as procesregisseur),
    names ``case_manager`` as casusregisseur (None: none yet) and gives the sender's open actions to
    the receiver or withdraws them (``sender_actions``, default reassign: ``responsibility``); a
    referral adds the receiver as participant. Handoff, case, participants, plan and audit in one go.

    :raises AccessDenied: ``by`` is not a coordinator of the receiver.
    :raises HandoffError: no valid procesregisseur or casusregisseur chosen.
    :raises HandoffConflict: someone decided first, or the case changed meanwhile.
    """
    now = now or utcnow()
    authorise_decision(by, handoff, Action.DECIDE_HANDOFF, "handoff.accept")
    transfer = handoff.kind is HandoffKind.TRANSFER
    if transfer and (
        process_coordinator is None
        or process_coordinator.id not in {u.id for u in eligible_process_coordinators(handoff)}
    ):
        raise HandoffError(
            _l("Kies een procesregisseur van uw organisatie."), field="process_coordinator", code="coordinator"
        )
    actions_choice = responsibility.check_choices(handoff, case_manager, sender_actions) if transfer else None
    case = handoff.case
    moved = 0
    with case_changes(by, handoff, "handoff.accept"):
        claim(handoff, HandoffStatus.ACCEPTED, by=by, now=now, action="handoff.accept")
        case.version += 1  # participants change even when no case column does: the case version says so
        if transfer:
            _transfer_regie(case, handoff, process_coordinator, by=by, now=now)
            handoff.new_process_coordinator = process_coordinator
            moved = responsibility.move_responsibility(
                case, handoff, by=by, case_manager=case_manager, sender_actions=actions_choice
            )
        else:
            _join(case, handoff, by=by, now=now)
    details = {"kind": str(handoff.kind)}
    if transfer:
        details |= {"case_manager": case_manager is not None, "sender_actions": str(actions_choice), "actions": moved}
    audit.record(by, "handoff.accept", handoff, details=details)
    notify([handoff.sent_by, handoff.drafted_by], "accepted", handoff=handoff)
    return handoff


def _participation_event(by: User, case: Case, action: str, participant: CaseParticipant) -> None:
    audit.record(
        by,
        action,
        case,
        details={"organisation": participant.organisation.slug, "involvement": str(participant.involvement)},
    )


def _transfer_regie(case: Case, handoff: Handoff, coordinator: User, *, by: User, now: datetime) -> None:
    sender_id, receiver_id = handoff.sender_organisation_id, handoff.receiver_organisation_id
    if case.lead_organisation_id != sender_id:
        raise HandoffConflict(_l("De regie van deze casus is intussen al gewijzigd; er is niets verwerkt."))
    for participant in case.active_participants:
        if participant.organisation_id in (sender_id, receiver_id):
            participant.ended_at = now
            _participation_event(by, case, "participant.end", participant)
    added = [CaseParticipant(organisation=handoff.receiver_organisation, involvement=Involvement.LEAD, started_at=now)]
    if handoff.sender_after is SenderAfterTransfer.OBSERVER:
        added.append(
            CaseParticipant(organisation=handoff.sender_organisation, involvement=Involvement.OBSERVER, started_at=now)
        )
    for participant in added:
        case.participants.append(participant)
        _participation_event(by, case, "participant.add", participant)
    case.lead_organisation = handoff.receiver_organisation
    case.process_coordinator = coordinator
    audit.record(
        by,
        "case.lead.change",
        case,
        details={
            "from": handoff.sender_organisation.slug,
            "to": handoff.receiver_organisation.slug,
            "handoff": handoff.id,
            "sender_after": str(handoff.sender_after),
        },
    )


def _join(case: Case, handoff: Handoff, *, by: User, now: datetime) -> None:
    if any(p.organisation_id == handoff.receiver_organisation_id for p in case.active_participants):
        raise HandoffConflict(_l("Uw organisatie neemt intussen al deel aan deze casus."))
    participant = CaseParticipant(
        organisation=handoff.receiver_organisation,
        involvement=handoff.receiver_involvement or Involvement.CONTRIBUTOR,
        started_at=now,
    )
    case.participants.append(participant)
    _participation_event(by, case, "participant.add", participant)


def reject(handoff: Handoff, *, by: User, reason: str, now: datetime | None = None) -> Handoff:
    """Reject with a reason (stored encrypted). :raises AccessDenied, HandoffError, HandoffConflict:"""
    now = now or utcnow()
    authorise_decision(by, handoff, Action.DECIDE_HANDOFF, "handoff.reject")
    reason = (reason or "").strip()
    if not reason or len(reason) > MAX_TEXT:
        raise HandoffError(_l("Geef een reden voor de afwijzing."), field="reason", code="reason")
    claim(handoff, HandoffStatus.REJECTED, by=by, now=now, action="handoff.reject")
    handoff.rejection_reason = reason
    _release_plan_action(handoff)
    db.session.flush()
    audit.record(by, "handoff.reject", handoff, details={"kind": str(handoff.kind)})
    notify([handoff.sent_by, handoff.drafted_by], "rejected", handoff=handoff)
    return handoff


def cancel(handoff: Handoff, *, by: User, now: datetime | None = None) -> Handoff:
    """The sender withdraws a pending handoff (or discards a draft)."""
    now = now or utcnow()
    authorise_decision(by, handoff, Action.CANCEL_HANDOFF)
    claim(
        handoff,
        HandoffStatus.CANCELLED,
        by=by,
        now=now,
        from_statuses=(HandoffStatus.DRAFT, HandoffStatus.PENDING),
        action="handoff.cancel",
    )
    _release_plan_action(handoff)
    db.session.flush()
    audit.record(by, "handoff.cancel", handoff, details={"kind": str(handoff.kind)})
    return handoff


def complete(handoff: Handoff, *, by: User, now: datetime | None = None) -> Handoff:
    """The receiver of an accepted referral reports it done; a tied plan action is marked done."""
    now = now or utcnow()
    authorise_decision(by, handoff, Action.COMPLETE_HANDOFF)
    result = db.session.execute(
        update(Handoff)
        .where(Handoff.id == handoff.id, Handoff.completed_at.is_(None))
        .values(completed_at=now, completed_by_id=by.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise HandoffConflict(_l("Deze verwijzing is al afgerond."))
    set_committed_value(handoff, "completed_at", now)
    set_committed_value(handoff, "completed_by_id", by.id)
    link = plan_action_link()
    if handoff.plan_action_id is not None and link is not None:
        link.done(handoff.case, handoff.plan_action_id, handoff)
    db.session.flush()
    audit.record(by, "handoff.complete", handoff)
    notify([handoff.sent_by, handoff.drafted_by], "completed", handoff=handoff)
    return handoff


def _release_plan_action(handoff: Handoff) -> None:
    link = plan_action_link()
    if handoff.plan_action_id is not None and link is not None and handoff.sent_at is not None:
        link.released(handoff.case, handoff.plan_action_id, handoff)


def expire_due(now: datetime | None = None) -> int:
    """Record the expiry of every pending handoff past its date and notify the senders.

    The handoff is expired for every reader and decider from its expiry date on (the policy reads
    ``expires_at``); this job only writes the status down. Idempotent, safe to schedule.
    """
    now = now or utcnow()
    due = db.session.scalars(
        select(Handoff).where(Handoff.status == HandoffStatus.PENDING, Handoff.expires_at <= now).order_by(Handoff.id)
    ).all()
    expired = 0
    for handoff in due:
        try:
            claim(handoff, HandoffStatus.EXPIRED, by=None, now=now, action="handoff.expire")
        except HandoffConflict:
            continue  # decided in the meantime
        _release_plan_action(handoff)
        audit.record(None, "handoff.expire", handoff, details={"kind": str(handoff.kind)})
        notify([handoff.sent_by, handoff.drafted_by], "expired", handoff=handoff)
        expired += 1
    db.session.flush()
    return expired
