"""Signals and the weegtafel: register, add the persons concerned, queue, triage, open a case.

Rules:
- registering needs ``REGISTER_SIGNAL``; a subject who was not informed needs a reason;
- persons are found before they are made (search-before-create): a person is linked only from
  the results of a search, and a new person is created only when nobody has the same BSN and
  the user confirmed that none of the name + birth date matches is the same person;
- the queue (coordinators, ``TRIAGE_SIGNALS``) lists untriaged signals oldest first; older than
  ``SIGNAL_OVERDUE_WORKING_DAYS`` working days is overdue;
- triage records the four inclusion criteria and one decision with a reason; opening a case is
  allowed only when (a ∧ b ∧ c) ∨ d.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, and_, func, select
from sqlalchemy.orm import joinedload, selectinload

from casebook import audit
from casebook.access import (
    Action,
    can,
    deny,
    load_or_404,
    may_direct,
    may_take_part,
    organisations_allowed_in,
    require_audited,
)
from casebook.access.rules.signals import (
    may_read_decision_reason,
    may_see_resulting_case,
    may_see_signal_person,
    signal_visibility,
)
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import Case, CaseType, SubjectRole
from casebook.cases.services import NewCase, open_case
from casebook.crypto.blind_index import bsn_is_valid, normalise_bsn
from casebook.db import db, utcnow
from casebook.organisations.models import District, Organisation
from casebook.pagination import Order, Page, PageRequest, paginate
from casebook.people import services as people
from casebook.people.models import Person
from casebook.signals import clock, filters
from casebook.signals.filters import NO_FILTER, QueueFilter
from casebook.signals.models import Channel, Signal, SignalPerson, TriageDecision
from casebook.signals.person_search import PersonQuery, find_persons

# -- registering --------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewSignal:
    source_organisation_id: int | None
    channel: Channel
    case_type_id: int | None
    district_id: int | None
    description: str
    subject_informed: bool
    not_informed_reason: str | None = None
    received_at: datetime | None = None


def register_signal(new: NewSignal, *, by: User) -> Signal:
    """Register a signal; it enters the triage queue.

    The source is the registering user's own organisation unless they may name another
    (``Action.NAME_SIGNAL_SOURCE``); naming one without that right is refused and audited.

    :raises Refused: ``by`` may not register signals (audited).
    :raises CaseRuleError: a field is refused.
    """
    require_audited(by, Action.REGISTER_SIGNAL)
    source_id = new.source_organisation_id
    if source_id is not None and source_id != by.organisation_id and not can(by, Action.NAME_SIGNAL_SOURCE):
        deny(by, Action.NAME_SIGNAL_SOURCE, requested_id=source_id)
        raise CaseRuleError(_l("Als bron kunt u alleen uw eigen organisatie opgeven."), "source_organisation")
    source = db.session.get(Organisation, source_id) if source_id else None
    if source is None or not source.active:
        raise CaseRuleError(_l("Kies een actieve organisatie."), "source_organisation")
    case_type = db.session.get(CaseType, new.case_type_id) if new.case_type_id else None
    if case_type is None or not case_type.active:
        raise CaseRuleError(_l("Kies een casustype."), "case_type")
    district = db.session.get(District, new.district_id) if new.district_id else None
    if new.district_id and district is None:
        raise CaseRuleError(_l("Kies een bestaande wijk."), "district")
    if not new.description.strip():
        raise CaseRuleError(_l("Beschrijf het signaal."), "description")
    reason = (new.not_informed_reason or "").strip()
    if not new.subject_informed and not reason:
        raise CaseRuleError(_l("Geef aan waarom de betrokkene niet is geïnformeerd."), "not_informed_reason")
    signal = Signal(
        source_organisation=source,
        channel=new.channel,
        case_type=case_type,
        district=district,
        subject_informed=new.subject_informed,
        registered_by=by,
        received_at=new.received_at or utcnow(),
    )
    signal.description = new.description.strip()
    signal.not_informed_reason = None if new.subject_informed else reason
    db.session.add(signal)
    db.session.flush()
    audit.record(
        by,
        str(Action.REGISTER_SIGNAL),
        signal,
        details={"channel": new.channel.value, "type": case_type.code, "informed": new.subject_informed},
    )
    return signal


def _may_view(user: User, signal: Signal) -> bool:
    return can(user, Action.VIEW_SIGNAL, signal)


def load_signal_for(user: User, signal_id: int | str) -> Signal:
    """The signal if ``user`` may see it (``Action.VIEW_SIGNAL``: coordinators at the weegtafel
    authorised for its type, or who registered it).

    :raises Refused: out of scope or nonexistent (both a 404); the denial is audited.
    """
    options = (selectinload(Signal.persons).joinedload(SignalPerson.person),)
    return load_or_404(user, Signal, signal_id, Action.VIEW_SIGNAL, options=options)


@dataclass(frozen=True)
class SignalView:
    """What ``viewer`` may be shown of a signal beyond what they may see of it anyway: the persons
    linked to it, and the case (reference) and reasoning of its triage (the policy's
    ``may_see_signal_person``, ``may_see_resulting_case``, ``may_read_decision_reason``). The decision's
    kind is always shown to who sees the signal: the melder learns that it was weighed."""

    signal: Signal
    persons: list[SignalPerson]
    case: Case | None
    decision_reason: str | None


def view_for(viewer: User, signal: Signal) -> SignalView:
    """The signal as ``viewer`` may see it (``signal`` comes from ``load_signal_for``)."""
    reason = signal.decision_reason if signal.is_triaged and may_read_decision_reason(viewer, signal) else None
    return SignalView(
        signal=signal,
        persons=[link for link in signal.persons if may_see_signal_person(viewer, signal, link)],
        case=signal.case if may_see_resulting_case(viewer, signal) else None,
        decision_reason=str(reason) if reason is not None else None,
    )


def may_edit(user: User, signal: Signal) -> bool:
    return not signal.is_triaged and _may_view(user, signal) and can(user, Action.SEARCH_PERSONS)


def _require_edit(user: User, signal: Signal) -> None:
    if not _may_view(user, signal):
        raise deny(user, Action.VIEW_SIGNAL, signal)
    if signal.is_triaged:
        raise CaseRuleError(_l("Deze melding is al gewogen en kan niet meer worden gewijzigd."))


def link_person(
    signal: Signal, person_id: int | None, role: SubjectRole, query: PersonQuery, *, by: User
) -> SignalPerson:
    """Link a person found by ``query`` (the search is repeated: only its results can be linked)."""
    _require_edit(by, signal)
    found = {p.id: p for p in find_persons(by, query)}
    person = found.get(person_id or 0)
    if person is None:
        raise CaseRuleError(_l("Kies een persoon uit de zoekresultaten."), "person_id")
    if any(sp.person_id == person.id for sp in signal.persons):
        raise CaseRuleError(_l("Deze persoon is al aan de melding gekoppeld."), "person_id")
    link = SignalPerson(person=person, role=role, linked_by_id=by.id)
    signal.persons.append(link)
    db.session.flush()
    audit.record(by, "signal.person.add", signal, details={"person": person.id, "role": role.value})
    return link


@dataclass(frozen=True)
class NewPerson:
    family_name: str
    given_names: str
    birth_date: date | None
    bsn: str | None = None


class PossibleDuplicates(CaseRuleError):
    """Persons with the same family name and birth date exist: confirm none is the same one."""

    def __init__(self, matches: list[Person]) -> None:
        super().__init__(
            _l("Er zijn personen met dezelfde achternaam en geboortedatum. Bevestig dat het niet dezelfde persoon is."),
            "confirm_distinct",
        )
        self.matches = matches


def create_person_for_signal(
    signal: Signal, new: NewPerson, role: SubjectRole, *, confirmed_distinct: set[int], by: User, today: date
) -> SignalPerson:
    """Create a person after searching for them, and link them to the signal.

    :raises CaseRuleError: missing or wrong data, or a person with this BSN exists (link that one).
    :raises PossibleDuplicates: name + birth date matches that the user has not confirmed as different.
    """
    _require_edit(by, signal)
    family_name, given_names = new.family_name.strip(), new.given_names.strip()
    if not family_name:
        raise CaseRuleError(_l("Vul de achternaam in."), "family_name")
    if new.birth_date is None or new.birth_date > today:
        raise CaseRuleError(_l("Vul een geboortedatum in die niet in de toekomst ligt."), "birth_date")
    bsn = normalise_bsn(new.bsn or "") or None
    if bsn is not None and not bsn_is_valid(bsn):
        raise CaseRuleError(_l("Dit is geen geldig BSN (elfproef)."), "bsn")
    try:
        check = people.check_register(by, bsn=bsn, family_name=family_name, birth_date=new.birth_date)
    except people.BsnNotProcessed as refused:
        raise CaseRuleError(refused.message, "bsn") from None
    # Only persons the user may see are ever matched for them; hidden ones go to the ZVH.
    if any(match.by_bsn for match in check.visible):
        raise CaseRuleError(_l("Er is al een persoon met dit BSN. Zoek en koppel die persoon."), "bsn")
    matches = [match.person for match in check.visible]
    unconfirmed = [p for p in matches if p.id not in confirmed_distinct]
    if unconfirmed:
        raise PossibleDuplicates(matches)
    data = people.PersonData(
        family_name=family_name, given_names=given_names or None, birth_date=new.birth_date, bsn=bsn
    )
    person = people.create_person(by, data, check, signal=signal)
    audit.record(by, "person.create", person, details={"via": "signal", "confirmed_distinct": len(matches)})
    link = SignalPerson(person=person, role=role, linked_by_id=by.id)
    signal.persons.append(link)
    db.session.flush()
    audit.record(by, "signal.person.add", signal, details={"person": person.id, "role": role.value, "new": True})
    return link


def unlink_person(signal: Signal, signal_person_id: int | None, *, by: User) -> None:
    """Unlink a person the user may see on the signal (another's link is, for them, no link)."""
    _require_edit(by, signal)
    link = next(
        (sp for sp in signal.persons if sp.id == signal_person_id and may_see_signal_person(by, signal, sp)), None
    )
    if link is None:
        raise CaseRuleError(_l("Deze persoon is niet aan de melding gekoppeld."))
    signal.persons.remove(link)
    db.session.flush()
    audit.record(by, "signal.person.remove", signal, details={"person": link.person_id})


# -- the queue ----------------------------------------------------------------------------------


def overdue_after() -> int:
    return int(current_app.config["SIGNAL_OVERDUE_WORKING_DAYS"])


@dataclass(frozen=True)
class QueueItem:
    signal: Signal
    working_days: int
    overdue: bool


def local_today() -> date:
    return clock.local_today()


def _waiting(user: User, queue_filter: QueueFilter, today: date) -> Select:
    statement = (
        select(Signal)
        .where(Signal.triaged_at.is_(None), signal_visibility(user, Signal.case_type_id))
        .options(selectinload(Signal.persons), joinedload(Signal.assigned_to).lazyload(User.role_rows))
    )
    return filters.apply(statement, queue_filter, user=user, today=today, limit=overdue_after())


def _queue_item(today: date) -> Callable[[Signal], QueueItem]:
    def item(signal: Signal) -> QueueItem:
        age = clock.age_of(signal, today)
        return QueueItem(signal=signal, working_days=age, overdue=age > overdue_after())

    return item


# Oldest first (the weegtafel works from the front); the id makes the order total for keyset pages.
QUEUE_ORDER = Order("signals.queue", (Signal.received_at, Signal.id), descending=False)


def queue(user: User, *, today: date | None = None, queue_filter: QueueFilter = NO_FILTER) -> list[QueueItem]:
    """Untriaged signals (narrowed by ``queue_filter``), oldest first, each with its age in working
    days (the clock, paused while information is awaited). Audited."""
    require_audited(user, Action.TRIAGE_SIGNALS)
    today = today or local_today()
    item = _queue_item(today)
    statement = _waiting(user, queue_filter, today).order_by(Signal.received_at, Signal.id)
    items = [item(s) for s in db.session.scalars(statement).unique().all()]
    audit.record(user, "signal.list", details={"untriaged": len(items), **queue_filter.audit_details()})
    return items


def queue_page(
    user: User, page: PageRequest, *, today: date | None = None, queue_filter: QueueFilter = NO_FILTER
) -> Page[QueueItem]:
    """One keyset page of ``queue`` (the API). Audited as ``signal.list`` with the page's position;
    ``untriaged`` is the queue's (capped) total.

    :raises AccessDenied: (audited) :raises InvalidCursor: a cursor not issued for this list.
    """
    require_audited(user, Action.TRIAGE_SIGNALS)
    today = today or local_today()
    result = paginate(db.session(), _waiting(user, queue_filter, today), QUEUE_ORDER, page).map(_queue_item(today))
    details = {"untriaged": result.total, **page.audit_details(), **queue_filter.audit_details()}
    audit.record(user, "signal.list", details=details)
    return result


def queue_counts(user: User, *, today: date | None = None) -> tuple[int, int] | None:
    """(untriaged, overdue) for the My work page; None when ``user`` does not triage. Counts only,
    of exactly the signals the queue lists (the same type clause)."""
    if not can(user, Action.TRIAGE_SIGNALS):
        return None
    overdue_now = clock.overdue_clause(today or local_today(), overdue_after())
    waiting = and_(Signal.triaged_at.is_(None), signal_visibility(user, Signal.case_type_id))
    total = db.session.scalar(select(func.count(Signal.id)).where(waiting)) or 0
    overdue = db.session.scalar(select(func.count(Signal.id)).where(waiting, overdue_now)) or 0
    return total, overdue


# -- triage -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Triage:
    criterion_a: bool
    criterion_b: bool
    criterion_c: bool
    criterion_d: bool
    decision: TriageDecision
    reason: str
    referred_to_id: int | None = None
    lead_organisation_id: int | None = None
    process_coordinator_id: int | None = None
    roles: dict[int, SubjectRole] = field(default_factory=dict)  # signal person id -> role in the case


def inclusion_met(a: bool, b: bool, c: bool, d: bool) -> bool:
    """The ZVH inclusion rule: (a ∧ b ∧ c) ∨ d."""
    return (a and b and c) or d


def lead_choices(signal: Signal) -> list[Organisation]:
    """Who may lead the case this signal would open: the policy's "may this organisation take part
    in a case of this type and confidentiality" (``access.organisations_allowed_in``)."""
    return organisations_allowed_in(signal.case_type, signal.case_type.default_confidentiality)


def coordinators_of(organisation_id: int | None, signal: Signal) -> list[User]:
    """Who may be named procesregisseur of the case this signal would open with that lead: users
    who could see and direct it (``access.may_direct``, the twin of ``TRANSITION_CASE``)."""
    if not organisation_id:
        return []
    case_type = signal.case_type
    users = db.session.scalars(
        select(User).where(User.organisation_id == organisation_id, User.active).order_by(User.display_name)
    )
    return [u for u in users if may_direct(u, organisation_id, case_type.id, case_type.default_confidentiality)]


def _refuse_triage(by: User, signal: Signal, message: object, field_name: str) -> CaseRuleError:
    """A lead or procesregisseur the policy does not let into the case: audited, a form error."""
    audit.record(
        by, str(Action.TRIAGE_SIGNALS), signal, outcome=Outcome.DENIED, details={"refused": f"{field_name}_not_allowed"}
    )
    return CaseRuleError(message, field_name)


def triage(signal: Signal, decision: Triage, *, by: User, now: datetime | None = None) -> Case | None:
    """Weigh the signal: record the criteria and the decision; open a case when decided so.

    :raises AccessDenied: ``by`` does not triage (or may not open cases).
    :raises CaseRuleError: already triaged, no reason, a case without meeting the inclusion rule,
        or missing lead organisation / procesregisseur / persons / referral organisation.
    :returns: the opened case, or None.
    """
    require_audited(by, Action.TRIAGE_SIGNALS, signal)
    if signal.is_triaged:
        raise CaseRuleError(_l("Deze melding is al gewogen."))
    reason = decision.reason.strip()
    if not reason:
        raise CaseRuleError(_l("Geef een onderbouwing van het besluit."), "reason")
    criteria = (decision.criterion_a, decision.criterion_b, decision.criterion_c, decision.criterion_d)
    referred_to = None
    case = None
    now = now or utcnow()
    if decision.decision is TriageDecision.OPEN_CASE:
        if not can(by, Action.OPEN_CASE, signal.case_type):  # authorised for this case type
            raise deny(by, Action.OPEN_CASE, signal)
        if not inclusion_met(*criteria):
            raise CaseRuleError(
                _l("Een casus openen kan alleen als aan a, b én c, of aan d is voldaan. Kies advies of doorverwijzen."),
                "decision",
            )
        lead = db.session.get(Organisation, decision.lead_organisation_id) if decision.lead_organisation_id else None
        if lead is None or not lead.active:
            raise CaseRuleError(_l("Kies de regiehouder."), "lead_organisation")
        if not may_take_part(lead, signal.case_type, signal.case_type.default_confidentiality):
            raise _refuse_triage(
                by, signal, _l("Deze organisatie mag dit type casus niet ontvangen."), "lead_organisation"
            )
        coordinator = next(
            (u for u in coordinators_of(lead.id, signal) if u.id == decision.process_coordinator_id), None
        )
        if coordinator is None:
            raise _refuse_triage(
                by,
                signal,
                _l("Kies een procesregisseur van de regiehouder die deze casus mag zien en regisseren."),
                "process_coordinator",
            )
        if not signal.persons:
            raise CaseRuleError(_l("Koppel eerst de betrokkene(n) aan de melding."), "decision")
        case = open_case(
            NewCase(
                case_type=signal.case_type,
                lead_organisation=lead,
                district=signal.district,
                referring_organisation=signal.source_organisation,
                process_coordinator=coordinator,
                subjects=tuple((sp.person, decision.roles.get(sp.id, sp.role)) for sp in signal.persons),
                opened_at=now,
            ),
            by=by,
        )
    elif decision.decision is TriageDecision.REFER:
        referred_to = db.session.get(Organisation, decision.referred_to_id) if decision.referred_to_id else None
        if referred_to is None or not referred_to.active:
            raise CaseRuleError(_l("Kies de organisatie waarnaar u doorverwijst."), "referred_to")
    signal.criterion_a, signal.criterion_b, signal.criterion_c, signal.criterion_d = criteria
    signal.decision = decision.decision
    signal.decision_reason = reason
    signal.referred_to = referred_to
    signal.case = case
    signal.triaged_at = now
    signal.triaged_by = by
    db.session.flush()
    audit.record(
        by,
        str(Action.TRIAGE_SIGNALS),
        signal,
        case_id=case.id if case else None,
        details={
            "decision": decision.decision.value,
            "criteria": "".join(letter if met else "-" for letter, met in zip("abcd", criteria, strict=True)),
            "case": case.id if case else None,
        },
    )
    return case


@dataclass(frozen=True)
class SignalOrigin:
    """The signal a case came from, as a viewer of the case may see it: when, from whom, through
    which channel, always; its description and the weegtafel's reasoning, which become part of the
    case file, only for readers of the case's content (``READ_CASE_CONTENT``, not supervisors)."""

    signal: Signal
    description: str | None
    decision_reason: str | None


def origin_for(viewer: User, case: Case) -> SignalOrigin | None:
    """The signal ``case`` came from, for its page's timeline. One statement, the people named
    joined in; audited as ``signal.origin.view`` when its texts are handed out. :raises Refused:"""
    require_audited(viewer, Action.VIEW_CASE, case)
    signal = db.session.scalar(
        select(Signal)
        .where(Signal.case_id == case.id)
        .options(
            joinedload(Signal.registered_by).lazyload(User.role_rows),
            joinedload(Signal.triaged_by).lazyload(User.role_rows),
        )
    )
    if signal is None:
        return None
    if not can(viewer, Action.READ_CASE_CONTENT, case):
        return SignalOrigin(signal, None, None)
    audit.record(viewer, "signal.origin.view", signal, case_id=case.id)
    return SignalOrigin(signal, signal.description, signal.decision_reason if signal.triaged_at else None)
