"""The weegtafel's work through the API: one signal with its context, assignment, and information
requests — asked by who weighs the signal, answered by the partner addressed (the screens' services)."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless, refusals
from casebook.api.locking import IfMatch
from casebook.api.lookup import id_of
from casebook.api.registry import Reply
from casebook.api.schemas.signals import SignalOut
from casebook.api.schemas.weegtafel import (
    AnswerIn,
    AssignmentIn,
    InformationRequestIn,
    InformationRequestList,
    InformationRequestOut,
)
from casebook.auth.models import User
from casebook.organisations.models import Organisation
from casebook.signals import clock, work
from casebook.signals import services as signals
from casebook.signals.context import known_context
from casebook.signals.models import Signal

FIELDS = {"assignee": "assignee", "organisation": "organisation", "question": "question", "answer": "answer"}


def signal_out(user: User, signal: Signal) -> SignalOut:
    """One signal as its page shows it: with the "bekend" context and the questions, for who weighs it."""
    weighs = can(user, Action.REQUEST_SIGNAL_INFORMATION, signal)
    age = clock.age_of(signal, clock.local_today()) if not signal.is_triaged else None
    return SignalOut.of(
        signal,
        user,
        working_days=age,
        overdue=None if age is None else age > signals.overdue_after(),
        known=known_context(user, [signal]).get(signal.id, {}) if weighs else None,
        requests=work.requests_on(user, signal) if weighs else None,
    )


@api.get("/signals/<id:signal_id>", response=SignalOut, etag=True, tags=["signals"])
def get_signal(signal_id: int) -> SignalOut:
    """One signal; for who weighs it also the "bekend" context of its persons and its information requests."""
    user = api_user()
    return signal_out(user, signals.load_signal_for(user, signal_id))


@api.patch("/signals/<id:signal_id>", body=AssignmentIn, response=SignalOut, tags=["signals"], errors=[409])
def update_signal(signal_id: int, body: Callable[[], AssignmentIn], if_match: Callable[[], IfMatch]) -> SignalOut:
    """Assign the signal to a coordinator who may weigh it, or unassign it (``If-Match`` required)."""
    user = api_user()
    signal = signals.load_signal_for(user, signal_id)
    forbid_unless(user, Action.ASSIGN_SIGNAL, lambda: can(user, Action.ASSIGN_SIGNAL, signal))
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(signal.version)
    assignee_id = id_of(User, User.username, body.assignee)
    with refusals(fields=FIELDS):
        work.assign(signal, assignee_id, by=user, expected_version=expected)
    return signal_out(user, signal)


@api.post(
    "/signals/<id:signal_id>/information-requests",
    body=InformationRequestIn,
    response=InformationRequestOut,
    status=201,
    tags=["signals"],
    errors=[409],
)
def create_information_request(signal_id: int, body: Callable[[], InformationRequestIn]) -> Reply:
    """Ask a partner organisation a question ("wacht op informatie"): the signal's clock stands still
    until every open question is answered."""
    user = api_user()
    signal = signals.load_signal_for(user, signal_id)
    forbid_unless(user, Action.REQUEST_SIGNAL_INFORMATION, lambda: can(user, Action.REQUEST_SIGNAL_INFORMATION, signal))
    body = body()  # type: ignore[assignment]
    organisation_id = id_of(Organisation, Organisation.slug, body.organisation)
    with refusals(fields=FIELDS):
        request = work.ask(signal, organisation_id, body.question, by=user)
    location = url_for("api.get_signal", signal_id=signal.id, _external=True)
    return Reply(InformationRequestOut.of(request), headers={"Location": location})


@api.get("/information-requests", response=InformationRequestList, tags=["signals"], errors=[403])
def list_information_requests() -> InformationRequestList:
    """The questions addressed to the caller's organisation, open ones first — the question only."""
    user = api_user()
    forbid_unless(user, Action.ANSWER_INFORMATION_REQUEST, lambda: can(user, Action.ANSWER_INFORMATION_REQUEST))
    return InformationRequestList(items=[InformationRequestOut.of(r) for r in work.inbox(user)])


@api.get("/information-requests/<id:request_id>", response=InformationRequestOut, etag=True, tags=["signals"])
def get_information_request(request_id: int) -> InformationRequestOut:
    """One question addressed to the caller's organisation (and its answer, once given)."""
    return InformationRequestOut.of(work.load_request_for(api_user(), request_id))


@api.post(
    "/information-requests/<id:request_id>/answer",
    body=AnswerIn,
    response=InformationRequestOut,
    if_match=True,
    etag=True,
    tags=["signals"],
    errors=[409],
)
def answer_information_request(
    request_id: int, body: Callable[[], AnswerIn], if_match: Callable[[], IfMatch]
) -> InformationRequestOut:
    """Answer a question once (``If-Match`` required); the signal's clock runs on when none is left open."""
    user = api_user()
    request = work.load_request_for(user, request_id)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(request.version)
    with refusals(fields=FIELDS):
        work.answer(request, body.answer, by=user, expected_version=expected)
    return InformationRequestOut.of(request)
