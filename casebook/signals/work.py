"""The weegtafel's work on a signal before it is weighed: assignment and information requests.

- A signal is assigned to a coordinator who may weigh it (``ASSIGN_SIGNAL``; ``may_be_assigned``).
- "Wacht op informatie": who weighs a signal asks a partner organisation a question about it
  (``REQUEST_SIGNAL_INFORMATION``); the signal's working-day clock stands still while a question
  is open (``casebook.signals.clock``) and runs on when the last one is answered. The partner's
  caseworkers and coordinators see the questions addressed to their organisation and answer them
  (``ANSWER_INFORMATION_REQUEST``); they never see the signal. Question and answer are encrypted
  under the signal's key.
- Changes are checked against the version the user saw (``StaleSignal``, ``StaleRequest``): 409 on
  the screens, 412 after ``If-Match`` in the API; nothing is written then.
"""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from sqlalchemy import case, func, select

from casebook import audit
from casebook.access import Action, can, load_or_404, require_audited
from casebook.access.rules.signal_requests import may_be_assigned, requests_addressed_to, weighs
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.db import db, utcnow
from casebook.errors import Conflict
from casebook.organisations.models import Organisation
from casebook.signals import clock
from casebook.signals.models import InformationRequest, Signal

QUESTION_MAX = 4000
ANSWER_MAX = 10_000
INBOX_LIMIT = 200


class StaleSignal(Conflict):
    """The signal changed after the form was loaded (or since the client's ``If-Match``)."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"signal changed; now at version {current_version}")
        self.current_version = current_version


class StaleRequest(Conflict):
    """The information request changed after the form was loaded."""

    def __init__(self, current_version: int) -> None:
        super().__init__(f"information request changed; now at version {current_version}")
        self.current_version = current_version


class AlreadyAnswered(Conflict):
    """An information request is answered once."""

    message = _l("Deze vraag is al beantwoord.")

    def __init__(self) -> None:
        super().__init__(str(self.message))


def _check_open(signal: Signal) -> None:
    if signal.is_triaged:
        raise CaseRuleError(_l("Deze melding is al gewogen en kan niet meer worden gewijzigd."))


# -- assignment ---------------------------------------------------------------------------------


def assignees_for(signal: Signal, by: User) -> list[User]:
    """Whom ``by`` may assign ``signal`` to: active users of their organisation who could weigh it."""
    users = db.session.scalars(
        select(User).where(User.organisation_id == by.organisation_id, User.active).order_by(User.display_name)
    )
    return [u for u in users if may_be_assigned(u, signal)]


def assign(signal: Signal, assignee_id: int | None, *, by: User, expected_version: int | None) -> Signal:
    """Assign ``signal`` to a coordinator who may weigh it, or take the assignment away (None).

    :raises Refused: ``by`` may not weigh the signal (audited).
    :raises StaleSignal: the signal changed since ``expected_version``.
    :raises CaseRuleError: already weighed, or the assignee could not weigh it.
    """
    require_audited(by, Action.ASSIGN_SIGNAL, signal)
    if expected_version is not None and expected_version != signal.version:
        raise StaleSignal(signal.version)
    _check_open(signal)
    assignee = db.session.get(User, assignee_id) if assignee_id else None
    if assignee_id and (assignee is None or not may_be_assigned(assignee, signal)):
        raise CaseRuleError(_l("Kies een procesregisseur die deze melding mag wegen."), "assignee")
    previous = signal.assigned_to_id
    if previous == (assignee.id if assignee else None):
        return signal
    signal.assigned_to = assignee
    db.session.flush()
    audit.record(
        by,
        str(Action.ASSIGN_SIGNAL),
        signal,
        details={"assignee": assignee.id if assignee else None, "previous": previous, "version": signal.version},
    )
    return signal


# -- information requests ("wacht op informatie") ------------------------------------------------


def partners_for(signal: Signal, by: User) -> list[Organisation]:
    """Whom a question may be addressed to: the active partner organisations other than one's own."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.active, Organisation.id != by.organisation_id)
            .order_by(Organisation.name)
        )
    )


def ask(
    signal: Signal,
    organisation_id: int | None,
    question: str,
    *,
    by: User,
    expected_version: int | None = None,
    today: date | None = None,
) -> InformationRequest:
    """Ask a partner organisation a question about ``signal``; its clock stands still meanwhile.

    :raises Refused: ``by`` may not weigh the signal (audited).
    :raises StaleSignal: the signal changed since ``expected_version`` (when given).
    :raises CaseRuleError: weighed already, no partner, or no question.
    """
    require_audited(by, Action.REQUEST_SIGNAL_INFORMATION, signal)
    if expected_version is not None and expected_version != signal.version:
        raise StaleSignal(signal.version)
    _check_open(signal)
    partner = next((o for o in partners_for(signal, by) if o.id == organisation_id), None)
    if partner is None:
        raise CaseRuleError(_l("Kies de partnerorganisatie die u de vraag stelt."), "organisation")
    text = (question or "").strip()
    if not text:
        raise CaseRuleError(_l("Stel de vraag."), "question")
    if len(text) > QUESTION_MAX:
        raise CaseRuleError(_l("De vraag is te lang."), "question")
    request = InformationRequest(organisation=partner, asked_by=by, asked_at=utcnow())
    request.question = text
    signal.information_requests.append(request)
    clock.pause(signal, today or clock.local_today())
    db.session.flush()
    audit.record(
        by,
        str(Action.REQUEST_SIGNAL_INFORMATION),
        signal,
        details={"request": request.id, "organisation": partner.slug, "paused_age": signal.clock_paused_age},
    )
    return request


def requests_on(viewer: User, signal: Signal) -> list[InformationRequest]:
    """The questions on ``signal`` and their answers, for who weighs it (audited when any)."""
    if not weighs(viewer, signal):
        return []
    rows = list(signal.information_requests)
    if rows:
        audit.record(viewer, "signal.information.view", signal, details={"requests": len(rows)})
    return rows


def inbox(user: User) -> list[InformationRequest]:
    """The questions addressed to ``user``'s organisation, open ones first (audited).

    :raises Refused: ``user`` keeps no inbox (audited).
    """
    require_audited(user, Action.ANSWER_INFORMATION_REQUEST)
    rows = list(
        db.session.scalars(
            select(InformationRequest)
            .where(requests_addressed_to(user, InformationRequest.organisation_id))
            .order_by(
                case((InformationRequest.answered_at.is_(None), 0), else_=1),
                InformationRequest.asked_at.desc(),
                InformationRequest.id.desc(),
            )
            .limit(INBOX_LIMIT)
        )
    )
    audit.record(user, "signal.information.list", details={"results": len(rows)})
    return rows


def open_inbox_count(user: User) -> int | None:
    """How many questions wait for ``user``'s organisation (None: no inbox). A count only."""
    if not can(user, Action.ANSWER_INFORMATION_REQUEST):
        return None
    return db.session.scalar(
        select(func.count(InformationRequest.id)).where(
            requests_addressed_to(user, InformationRequest.organisation_id), InformationRequest.answered_at.is_(None)
        )
    )


def load_request_for(user: User, request_id: int | str) -> InformationRequest:
    """A question addressed to ``user``'s organisation (the read is audited).

    :raises Refused: not addressed to them, or nonexistent (a 404; audited).
    """
    return load_or_404(user, InformationRequest, request_id, Action.ANSWER_INFORMATION_REQUEST)


def answer(
    request: InformationRequest,
    text: str,
    *,
    by: User,
    expected_version: int | None,
    today: date | None = None,
) -> InformationRequest:
    """Answer a question; when it was the signal's last open one, its clock runs on.

    :raises Refused: not addressed to ``by``'s organisation (audited).
    :raises StaleRequest: the request changed since ``expected_version``.
    :raises AlreadyAnswered: it was answered before.
    :raises CaseRuleError: no answer.
    """
    require_audited(by, Action.ANSWER_INFORMATION_REQUEST, request)
    if expected_version is not None and expected_version != request.version:
        raise StaleRequest(request.version)
    if not request.is_open:
        raise AlreadyAnswered()
    body = (text or "").strip()
    if not body:
        raise CaseRuleError(_l("Geef het antwoord."), "answer")
    if len(body) > ANSWER_MAX:
        raise CaseRuleError(_l("Het antwoord is te lang."), "answer")
    request.answer = body
    request.answered_at = utcnow()
    request.answered_by = by
    signal = request.signal
    if not any(r.is_open for r in signal.information_requests if r is not request):
        clock.resume(signal, today or clock.local_today())
    db.session.flush()
    audit.record(
        by,
        str(Action.ANSWER_INFORMATION_REQUEST),
        request,
        details={"request": request.id, "signal": signal.id, "clock_running": not signal.is_waiting},
    )
    return request
