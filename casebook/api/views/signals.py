"""Signals through the API: register, the weegtafel's queue (filtered, with the "bekend" context),
and triage (the screens' services). Assignment and information requests: ``views/weegtafel.py``."""

from __future__ import annotations

from collections.abc import Callable

from flask import url_for

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless, refusals
from casebook.api.lookup import id_of
from casebook.api.registry import Reply
from casebook.api.schemas.signals import SignalCreate, SignalOut, SignalPage, SignalQuery, TriageIn
from casebook.api.views.paging import CURSOR_ERRORS, page_members, valid_cursors
from casebook.auth.models import User
from casebook.cases.models import CaseType
from casebook.organisations.models import District, Organisation
from casebook.signals import services as signals
from casebook.signals.context import known_context
from casebook.signals.filters import QueueFilter


@api.get("/signals", query=SignalQuery, response=SignalPage, tags=["signals"], errors=[403, *CURSOR_ERRORS])
def list_signals(query: SignalQuery) -> SignalPage:
    """The weegtafel's queue: untriaged signals, oldest first, with their age (coordinators)."""
    user = api_user()
    forbid_unless(user, Action.TRIAGE_SIGNALS, lambda: can(user, Action.TRIAGE_SIGNALS))
    queue_filter = QueueFilter(
        source_organisation_id=id_of(Organisation, Organisation.slug, query.source),
        district_id=id_of(District, District.code, query.district),
        overdue=bool(query.overdue),
        assigned_to_me=bool(query.mine),
    )
    with valid_cursors():
        page = signals.queue_page(user, query.page_request(), queue_filter=queue_filter)
    context = known_context(user, [i.signal for i in page.items])
    return SignalPage(
        items=[
            SignalOut.of(i.signal, user, working_days=i.working_days, overdue=i.overdue, known=context.get(i.signal.id))
            for i in page.items
        ],
        **page_members(page, query, "api.list_signals"),
    )


@api.post("/signals", body=SignalCreate, response=SignalOut, status=201, tags=["signals"])
def register_signal(body: SignalCreate) -> Reply:
    """Register a signal; it enters the queue. Link persons to it on the screens (search before create)."""
    user = api_user()
    forbid_unless(user, Action.REGISTER_SIGNAL, lambda: can(user, Action.REGISTER_SIGNAL))
    new = signals.NewSignal(
        source_organisation_id=id_of(Organisation, Organisation.slug, body.source_organisation),
        channel=body.channel,
        case_type_id=id_of(CaseType, CaseType.code, body.case_type),
        district_id=id_of(District, District.code, body.district),
        description=body.description,
        subject_informed=body.subject_informed,
        not_informed_reason=body.not_informed_reason,
    )
    with refusals():
        signal = signals.register_signal(new, by=user)
    return Reply(SignalOut.of(signal, user), headers={"Location": url_for("api.list_signals", _external=True)})


@api.post("/signals/<id:signal_id>/triage", body=TriageIn, response=SignalOut, tags=["signals"], errors=[409])
def triage_signal(signal_id: int, body: Callable[[], TriageIn]) -> SignalOut:
    """Weigh a signal: criteria, decision and reason; `open_case` opens the case (its id is in `case`)."""
    user = api_user()
    signal = signals.load_signal_for(user, signal_id)
    forbid_unless(user, Action.TRIAGE_SIGNALS, lambda: can(user, Action.TRIAGE_SIGNALS))
    body = body()  # type: ignore[assignment]
    decision = signals.Triage(
        criterion_a=body.criterion_a,
        criterion_b=body.criterion_b,
        criterion_c=body.criterion_c,
        criterion_d=body.criterion_d,
        decision=body.decision,
        reason=body.reason,
        referred_to_id=id_of(Organisation, Organisation.slug, body.referred_to),
        lead_organisation_id=id_of(Organisation, Organisation.slug, body.lead_organisation),
        process_coordinator_id=id_of(User, User.username, body.process_coordinator),
    )
    with refusals():
        signals.triage(signal, decision, by=user)
    return SignalOut.of(signal, user)
