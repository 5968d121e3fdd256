"""The case lifecycle: status transitions, two-step closing and reopening.

Rules (ZVH practice, ZGW-style status types per case type):
- a transition goes to the next step, or to any other non-end step with a reason;
- the end status is reached only by closing: a coordinator of the lead organisation proposes a
  result and a closing summary, a supervisor of the approving organisation (the lead's, else the
  configured fallback: ``access.rules.closure``; never the proposer) approves or sends it back
  with a comment; a proposal nobody could decide is refused before it is made;
- closing sets the end date and the archive action date (end date + the type's retention
  period), ends every participation, clears the next evaluation and withdraws the open actions
  (``cases.closing``); reopening needs a reason and the reopen permission, and takes the
  participations up again.

Every operation checks the form's case version first (optimistic locking), records who, when
and why in an append-only history, writes its audit event and flushes; the request commits.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import TypeVar
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError

from casebook import audit
from casebook.access import Action, can, require_audited
from casebook.access.rules.closure import approving_organisation, deciders
from casebook.auth.models import User
from casebook.cases import closing, history
from casebook.cases.durations import parse_duration
from casebook.cases.errors import CaseClosed, CaseRuleError, ClosureTooEarly, ClosureUndecidable, StaleCase
from casebook.cases.models import (
    Case,
    CaseClosureStep,
    CaseResult,
    CaseStatusChange,
    ClosureStepKind,
    StatusType,
)
from casebook.db import db, utcnow

S = TypeVar("S")  # a status type, or a status as the screens keep it (id, position, is_end)


def local_date(moment: datetime) -> date:
    """The calendar date of ``moment`` where the municipality is (Europe/Amsterdam by default)."""
    return moment.astimezone(ZoneInfo(current_app.config["DISPLAY_TIMEZONE"])).date()


def check_version(case: Case, expected_version: int | None) -> None:
    """:raises StaleCase: the form was loaded at another version than the case has now."""
    if expected_version is None or expected_version != case.version:
        raise StaleCase(case.version, history.changes_since(case, expected_version or 0))


@contextmanager
def case_change(case: Case, expected_version: int | None) -> Iterator[None]:
    """Make the changes of the block inside a savepoint and flush them, as one version bump.

    A concurrent writer that won the race (the version moved under us) is a ``StaleCase``; any
    error inside the block undoes the block's own work only — what the request did before (an
    audit event, a recorded denial) stays, and only the request wrapper commits or rolls back.
    The savepoint is begun before the block changes anything: beginning one flushes what is
    pending, and that must not be this operation's change.
    """
    savepoint = db.session.begin_nested()
    try:
        yield
        db.session.flush()
    except StaleDataError as exc:
        savepoint.rollback()
        raise StaleCase(case.version, history.changes_since(case, expected_version or 0)) from exc
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()


def ordered_statuses(case: Case) -> list[StatusType]:
    return sorted(case.case_type.statuses, key=lambda s: s.position)


def next_status(case: Case, statuses: Sequence[S] | None = None) -> StatusType | S | None:
    """The step after the case's status. ``statuses``: the type's steps as the screens keep them
    (``cases.choices.statuses_of``), for showing; a transition decides on the case's own rows."""
    steps = sorted(statuses, key=lambda s: s.position) if statuses is not None else ordered_statuses(case)
    later = [s for s in steps if s.position > case.status.position]
    return later[0] if later else None


def transition_targets(case: Case, statuses: Sequence[S] | None = None) -> list[StatusType] | list[S]:
    """Statuses a transition may go to: every non-end step except the current one."""
    steps = sorted(statuses, key=lambda s: s.position) if statuses is not None else ordered_statuses(case)
    return [s for s in steps if not s.is_end and s.id != case.status_id]


def in_first_phase(case: Case, statuses: Sequence[S] | None = None) -> bool:
    """Is the case in the first step of its type (the lowest position)? Nothing has been worked on
    yet, so closing it is not proposed (a case opened by mistake is closed after its first step).
    ``statuses``: the type's steps as the screens keep them; the services ask the case's own rows."""
    steps = list(statuses) if statuses is not None else ordered_statuses(case)
    return bool(steps) and case.status.position <= min(s.position for s in steps)


def may_propose_closure(case: Case, statuses: Sequence[S] | None = None) -> bool:
    """Does a closing proposal make sense now: open, none pending, past the first step? The screens
    offer the form only then; ``propose_closure`` refuses the rest."""
    return accepts_changes(case) and case.closure_proposed_at is None and not in_first_phase(case, statuses)


def end_status(case: Case) -> StatusType:
    return next(s for s in ordered_statuses(case) if s.is_end)


def results_for(case: Case) -> list[CaseResult]:
    return list(
        db.session.scalars(
            select(CaseResult)
            .where(CaseResult.case_type_id == case.case_type_id, CaseResult.active)
            .order_by(CaseResult.position, CaseResult.id)
        )
    )


def _status_in_type(case: Case, status_id: int | None) -> StatusType:
    status = next((s for s in case.case_type.statuses if s.id == status_id), None)
    if status is None:
        raise CaseRuleError(_l("Kies een status van dit casustype."), "to_status")
    return status


def _record_status(
    case: Case, target: StatusType, by: User | None, reason: str | None, at: datetime, *, reopened: bool = False
) -> CaseStatusChange:
    previous = case.status
    case.status = target
    change = CaseStatusChange(
        case=case,
        from_status=previous,
        to_status=target,
        changed_by=by,
        changed_at=at,
        version=case.version + 1,  # the version this flush gives the case
        reopened=reopened,
        reason=reason or None,
    )
    db.session.add(change)
    return change


def record_opening(case: Case, by: User | None) -> CaseStatusChange:
    """The first entry of a new case's status history (called by ``open_case``)."""
    change = CaseStatusChange(
        case=case, from_status=None, to_status=case.status, changed_by=by, changed_at=case.opened_at, version=1
    )
    db.session.add(change)
    return change


def accepts_changes(case: Case) -> bool:
    """Does the case take content and process changes? Not once it is closed. The one answer the
    services (``require_open``) and the templates (which hide their forms) both ask."""
    return case.closed_at is None and not case.is_closed


def require_open(case: Case) -> None:
    """Refuse any content or process change of a closed case (409), except reopening it.

    Every service that changes a case's content (notes, interventions, plan, agenda) or process
    (participants, handoffs, editing, status) calls this, so the rule is in one place.

    :raises CaseClosed:
    """
    if not accepts_changes(case):
        raise CaseClosed(_l("Deze casus is afgesloten. Heropen de casus eerst."))


def _refuse_if_closed_or_pending(case: Case) -> None:
    require_open(case)
    if case.closure_proposed_at is not None:
        raise CaseRuleError(_l("Er ligt een voorstel tot afsluiten. Dat moet eerst worden beoordeeld."))


def transition(
    case: Case,
    to_status_id: int | None,
    *,
    reason: str | None,
    by: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> CaseStatusChange:
    """Move the case to another (non-end) status.

    :raises AccessDenied: ``by`` may not direct this case's process.
    :raises StaleCase: the case changed since the form was loaded.
    :raises CaseRuleError: closed, closure pending, unknown/end/same status, or a skip without reason.
    """
    require_audited(by, Action.TRANSITION_CASE, case)
    check_version(case, expected_version)
    _refuse_if_closed_or_pending(case)
    target = _status_in_type(case, to_status_id)
    if target.is_end:
        raise CaseRuleError(
            _l("Afsluiten gaat via een voorstel tot afsluiten, met resultaat en samenvatting."), "to_status"
        )
    if target.id == case.status_id:
        raise CaseRuleError(_l("De casus heeft deze status al."), "to_status")
    reason = (reason or "").strip()
    is_next = next_status(case) is target
    if not is_next and not reason:
        raise CaseRuleError(_l("Dit is niet de volgende stap: geef een reden."), "reason")
    previous = case.status
    with case_change(case, expected_version), db.session.no_autoflush:  # one flush, one version bump
        change = _record_status(case, target, by, reason, now or utcnow())
    audit.record(
        by,
        str(Action.TRANSITION_CASE),
        case,
        details={"from": previous.code, "to": target.code, "next_step": is_next, "version": case.version},
    )
    return change


def propose_closure(
    case: Case,
    result_id: int | None,
    summary: str | None,
    *,
    by: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> CaseClosureStep:
    """Step one of closing: a coordinator of the lead organisation proposes result and summary.

    The approving organisation is fixed on the case now and its supervisors are told.

    :raises ClosureTooEarly: the case is still in its first step (409 in the API).
    :raises ClosureUndecidable: no supervisor anywhere in the fallback order could decide it (409).
    """
    require_audited(by, Action.PROPOSE_CLOSURE, case)
    check_version(case, expected_version)
    _refuse_if_closed_or_pending(case)
    if in_first_phase(case):
        raise ClosureTooEarly(
            _l("De casus staat nog in de eerste fase. Zet eerst een stap verder voordat u afsluiten voorstelt.")
        )
    result = next((r for r in results_for(case) if r.id == result_id), None)
    errors = []
    if result is None:
        errors.append(CaseRuleError(_l("Kies een resultaat van dit casustype."), "result"))
    if not (summary or "").strip():
        errors.append(CaseRuleError(_l("Schrijf een samenvatting bij het afsluiten."), "summary"))
    if errors:
        raise errors[0]
    approver = approving_organisation(case, by)
    if approver is None:
        raise ClosureUndecidable(
            _l(
                "Niemand kan dit voorstel beoordelen: geen teamleider van de regiehouder, het Zorg- en "
                "Veiligheidshuis of de gemeente mag het goedkeuren. Neem contact op met functioneel beheer."
            )
        )
    now = now or utcnow()
    with case_change(case, expected_version), db.session.no_autoflush:
        case.closure_proposed_at = now
        case.closure_approver_organisation = approver
        step = CaseClosureStep(
            case=case, kind=ClosureStepKind.PROPOSED, result=result, by=by, at=now, version=case.version + 1
        )
        step.text = summary.strip()
        db.session.add(step)
    audit.record(
        by,
        str(Action.PROPOSE_CLOSURE),
        case,
        details={"result": result.code, "approver": approver.slug, "version": case.version},
    )
    _tell_deciders(case, by)
    return step


def _tell_deciders(case: Case, proposer: User) -> None:
    """A notice to each supervisor who may decide (the reminder job would find the same ones later;
    the key is the same, so nobody is told twice)."""
    from casebook.notifications import services as notices  # notifications build on cases

    stamp = case.closure_proposed_at.strftime("%Y%m%dT%H%M%S")
    notices.create(
        notices.Notice(user.id, "closure", "to_approve", f"closure:{case.id}:{stamp}", case.id, "case", case.id)
        for user in deciders(case, proposer)
    )


def pending_proposal(case: Case) -> CaseClosureStep | None:
    """The latest proposal while one is pending: from the case's closing steps, which the case page
    reads once for this, the approval step and the timeline (``history.closure_steps``)."""
    if case.closure_proposed_at is None:
        return None
    return next((s for s in reversed(history.closure_steps(case)) if s.kind is ClosureStepKind.PROPOSED), None)


CLOSURE_VIEW = "case.closure.view"


def proposal_for_approval(user: User, case: Case) -> CaseClosureStep | None:
    """The pending proposal (result and summary) for the supervisor who must judge it. Audited.

    Readers of the case's content see the proposal anyway; a supervisor does not read content,
    so the approval step is the one place they see it, and each such read is an event of its own
    (``case.closure.view``). None when nothing is pending or ``user`` may not decide.
    """
    proposal = pending_proposal(case)
    if proposal is None or not can(user, Action.APPROVE_CLOSURE, case):
        return None
    audit.record(user, CLOSURE_VIEW, case, details={"step": proposal.id})
    return proposal


def archive_action_date(case: Case, end_date: date) -> date:
    """End date + the case type's retention period. :raises CaseRuleError: the period is invalid."""
    try:
        return parse_duration(case.case_type.retention_period).after(end_date)
    except ValueError as exc:
        raise CaseRuleError(
            _l("De bewaartermijn van dit casustype is ongeldig. Neem contact op met functioneel beheer.")
        ) from exc


def decide_closure(
    case: Case,
    *,
    approve: bool,
    comment: str | None,
    by: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> CaseClosureStep:
    """Step two: a supervisor of the approving organisation approves (the case closes) or sends back.

    The proposer cannot approve their own proposal (four eyes), even when holding both roles.
    Approving also ends every participation, clears the next evaluation and withdraws the open
    actions (``cases.closing``), in the same savepoint.
    """
    require_audited(by, Action.APPROVE_CLOSURE, case)
    check_version(case, expected_version)
    proposal = pending_proposal(case)
    if proposal is None:
        raise CaseRuleError(_l("Er ligt geen voorstel tot afsluiten."))
    if proposal.by_id == by.id:
        raise CaseRuleError(_l("U kunt uw eigen voorstel tot afsluiten niet beoordelen."))
    comment = (comment or "").strip()
    if not approve and not comment:
        raise CaseRuleError(_l("Geef een toelichting bij het terugsturen."), "comment")
    now = now or utcnow()
    archive_on = archive_action_date(case, local_date(now)) if approve else None
    final = end_status(case)
    summary = proposal.text
    ended: list = []
    withdrawn = 0
    with case_change(case, expected_version), db.session.no_autoflush:  # one flush, one version bump
        if approve:
            withdrawn = closing.withdraw_open_actions(case, by=by)  # flushes the actions, before the case changes
            ended = closing.end_participations(case, by=by, now=now)
            closing.clear_evaluation(case, by=by, now=now, version=case.version + 1)
            case.result = proposal.result
            case.closing_summary = summary
            case.closed_at = now
            case.archive_action_on = archive_on
            _record_status(case, final, by, None, now)
        case.closure_proposed_at = None
        case.closure_approver_organisation = None
        step = CaseClosureStep(
            case=case,
            kind=ClosureStepKind.APPROVED if approve else ClosureStepKind.SENT_BACK,
            result=proposal.result if approve else None,
            by=by,
            at=now,
            version=case.version + 1,
        )
        step.text = comment or None
        db.session.add(step)
    details = {"result": proposal.result.code if proposal.result else None, "version": case.version}
    if approve:
        details["archive_action_on"] = case.archive_action_on.isoformat()
        details["actions_withdrawn"] = withdrawn
    audit.record(by, "case.close.approve" if approve else "case.close.send_back", case, details=details)
    closing.record_participations(by, case, "end", ended)
    return step


def reopen(
    case: Case,
    to_status_id: int | None,
    *,
    reason: str | None,
    by: User,
    expected_version: int | None,
    now: datetime | None = None,
) -> CaseStatusChange:
    """Reopen a closed case in a non-end status; needs a reason and the reopen permission.

    The end date, archive action date and result are cleared (the archive clock stops); the
    closing summary stays in the closure history. The participations closing ended start again.
    """
    require_audited(by, Action.REOPEN_CASE, case)
    check_version(case, expected_version)
    if not case.is_closed:
        raise CaseRuleError(_l("Deze casus is niet afgesloten."))
    target = _status_in_type(case, to_status_id)
    if target.is_end:
        raise CaseRuleError(_l("Kies een status waarin de casus verder gaat."), "to_status")
    reason = (reason or "").strip()
    if not reason:
        raise CaseRuleError(_l("Geef een reden voor het heropenen."), "reason")
    now = now or utcnow()
    with case_change(case, expected_version), db.session.no_autoflush:
        case.closed_at = None
        case.archive_action_on = None
        case.result = None
        case.closing_summary = None
        resumed = closing.take_up_participations(case, by=by, now=now)
        change = _record_status(case, target, by, reason, now, reopened=True)
    audit.record(by, str(Action.REOPEN_CASE), case, details={"to": target.code, "version": case.version})
    closing.record_participations(by, case, "resume", resumed)
    return change
