"""What closing a case ends, and what reopening takes up again.

A closed case is finished for everyone: nobody takes part any more, no evaluation is planned and
no action is still open. Closing therefore ends every active participation (the rows stay: history
is complete; ``closed_with_case`` marks them, and they still let the organisation see the closed
case, read only, and its lead reopen it), clears the next evaluation date (kept in the case's
field history) and withdraws the open plan actions with the reason recorded on each action's
change record. Reopening takes the participations up again as new rows from the same moment.

Called by ``lifecycle.decide_closure`` and ``lifecycle.reopen`` inside their own savepoint: one
transaction with the status change, flushed by the caller.
"""

from __future__ import annotations

from datetime import datetime

from casebook import audit
from casebook.auth.models import User
from casebook.cases.models import Case, CaseFieldChange, CaseParticipant
from casebook.db import db

CLOSING_REASON = "Casus afgesloten"  # stored (encrypted) on each withdrawn action's change record


def end_participations(case: Case, *, by: User, now: datetime) -> list[CaseParticipant]:
    """End every active participation of the case being closed; the rows are kept and marked."""
    ended = []
    for participant in case.active_participants:
        participant.ended_at = now
        participant.ended_by = by
        participant.closed_with_case = True
        ended.append(participant)
    return ended


def clear_evaluation(case: Case, *, by: User, now: datetime, version: int) -> None:
    """No evaluation is planned for a closed case; the date it had stays in the field history."""
    if case.next_evaluation_on is None:
        return
    old = case.next_evaluation_on
    case.next_evaluation_on = None
    db.session.add(
        CaseFieldChange(
            case_id=case.id,
            field="next_evaluation_on",
            old_value=old.isoformat(),
            new_value=None,
            changed_by=by,
            changed_at=now,
            version=version,
        )
    )


def withdraw_open_actions(case: Case, *, by: User) -> int:
    """Withdraw ("vervallen") every open action of the case, with the closing as reason."""
    from casebook.plans.services import open_actions_of, withdraw_action  # plans depends on cases

    actions = open_actions_of(case)
    for action in actions:
        withdraw_action(action, by=by, reason=CLOSING_REASON)
    return len(actions)


def take_up_participations(case: Case, *, by: User, now: datetime) -> list[CaseParticipant]:
    """Reopening: every participation closing ended starts again (a new row); the ended rows stop
    giving access to the case and stay in its history."""
    resumed = []
    for participant in [p for p in case.participants if p.closed_with_case]:
        participant.closed_with_case = False
        again = CaseParticipant(
            organisation=participant.organisation,
            user=participant.user,
            involvement=participant.involvement,
            started_at=now,
            added_by=by,
        )
        case.participants.append(again)
        resumed.append(again)
    return resumed


def record_participations(by: User, case: Case, op: str, participants: list[CaseParticipant]) -> None:
    """One audit event for the participations closing ended or reopening took up (no personal data)."""
    if participants:
        audit.record(
            by,
            "case.participants.close" if op == "end" else "case.participants.reopen",
            case,
            details={"op": op, "organisations": sorted({p.organisation.slug for p in participants})},
        )
