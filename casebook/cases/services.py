"""Case services: the rules for finding, loading and opening cases.

Every function that returns case data checks the policy and writes the audit event itself, so
the HTML views and the JSON API share the same rules.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, exists, select, update
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.interfaces import ORMOption

from casebook import audit
from casebook.access import Action, can, case_scope, deny, load_or_404
from casebook.access.scope import ScopeForm, count_form
from casebook.auth.models import User
from casebook.cases import lifecycle
from casebook.cases.models import (
    Case,
    CaseParticipant,
    CaseReferenceCounter,
    CaseSubject,
    CaseType,
    Involvement,
    StatusType,
    SubjectRole,
)
from casebook.cases.search import CaseSearch, SearchKind, SearchRefused
from casebook.cases.sorting import DEFAULT_SORT, CaseSort
from casebook.confidentiality import Confidentiality
from casebook.db import db, utcnow
from casebook.organisations.models import District, Organisation
from casebook.pagination import Page, PageRequest, paginate
from casebook.people.models import Household, Person
from casebook.work.mine import mine_clause


@dataclass(frozen=True)
class CaseFilters:
    case_type: str | None = None  # case type code
    status: str | None = None  # status type code
    district: str | None = None  # district code
    organisation: str | None = None  # slug of an organisation currently taking part
    mine: bool = False  # only the user's own cases (``casebook.work.mine``)
    state: str = "open"  # "open" (closed cases hidden), "closed" or "all"; a status code decides by itself

    def as_details(self) -> dict[str, str]:
        """The filters for the list's audit event (see ``_known_details``), with "mine" and the state."""
        details = self._known_details()
        if self.mine:
            details["mine"] = "yes"
        if self.state in LIST_STATES and self.state != "open":
            details["state"] = self.state
        return details

    def _known_details(self) -> dict[str, str]:
        """The filters for the list's audit event: each only as the code it resolved to (a case
        type, status, district or organisation that exists), else ``audit.UNKNOWN`` — a typed
        filter value never reaches the chain as typed."""
        return audit.filter_details(
            {
                "case_type": (self.case_type, audit.known(CaseType.code)),
                "status": (self.status, audit.known(StatusType.code)),
                "district": (self.district, audit.known(District.code)),
                "organisation": (self.organisation, audit.known(Organisation.slug)),
            }
        )


LIST_STATES = ("open", "closed", "all")

# Newest first, served by the index on (opened_at, id); the id makes the order total for the cursors.
CASE_LIST_ORDER = DEFAULT_SORT.order


def check_search(user: User, search: CaseSearch | None) -> None:
    """A search by name needs the right to read case content (subjects' names are content): a
    supervisor searches by reference only. :raises SearchRefused: (the denial is audited)"""
    if search is not None and search.kind is SearchKind.NAME and not can(user, Action.READ_CASE_CONTENT):
        deny(user, Action.READ_CASE_CONTENT)
        raise SearchRefused(_l("Zoeken op naam kan alleen wie de inhoud van casussen leest; zoek op kenmerk."))


def case_list_query(
    user: User, filters: CaseFilters, search: CaseSearch | None, now: datetime, form: ScopeForm = ScopeForm.EXISTS
) -> Select:
    """The cases of the list (screen, API, export): the user's scope, narrowed by search and filters."""
    query = select(Case).where(case_scope(user, now, form))
    if search is not None:
        query = query.where(search.clause())
    if filters.mine:
        query = query.where(mine_clause(user))
    if filters.state == "open" and not filters.status:
        query = query.where(Case.closed_at.is_(None))
    elif filters.state == "closed" and not filters.status:
        query = query.where(Case.closed_at.is_not(None))
    if filters.case_type:
        query = query.join(Case.case_type).where(CaseType.code == filters.case_type)
    if filters.status:
        query = query.join(Case.status).where(StatusType.code == filters.status)
    if filters.district:
        query = query.join(Case.district).where(District.code == filters.district)
    if filters.organisation:
        query = query.where(
            exists().where(
                CaseParticipant.case_id == Case.id,
                CaseParticipant.ended_at.is_(None),
                CaseParticipant.organisation.has(Organisation.slug == filters.organisation),
            )
        )
    return query


def list_details(filters: CaseFilters, sort: CaseSort, search: CaseSearch | None) -> dict[str, object]:
    """What a list's (or an export's) audit event says of it: filter codes, the sort, the kind of search."""
    details: dict[str, object] = {"filters": filters.as_details()}
    if sort != DEFAULT_SORT:
        details["sort"] = str(sort)
    if search is not None:
        details["search"] = str(search.kind)  # the kind only, never the term
    return details


def list_for(
    user: User,
    filters: CaseFilters,
    page: PageRequest | None = None,
    *,
    sort: CaseSort = DEFAULT_SORT,
    search: CaseSearch | None = None,
    options: Sequence[ORMOption] = (),
) -> Page[Case]:
    """The cases ``user`` may see, filtered, searched and paged in SQL (keyset on ``sort``'s order, the
    total capped unless asked exact), newest first by default. Audited with the filters, the sort, the
    kind of search (never its term) and the page's position. ``options`` load more with the page's
    cases in the same statement (the screen: participants and subjects, ``listing.PAGE_LOADING``).

    :raises InvalidCursor: the page's cursor was not issued for this list and order (nothing is read or audited).
    :raises SearchRefused: a name search by a user who may not read case content (see ``check_search``).
    """
    page = page or PageRequest()
    now = utcnow()  # one instant for the page and its count
    check_search(user, search)
    # The page walks the list's index and probes each case; the total is counted in the form that
    # suits the size of the user's organisation (``access.scope.count_form``): the same cases.
    result = paginate(
        db.session(),
        case_list_query(user, filters, search, now, ScopeForm.EXISTS).options(*options),
        sort.order,
        page,
        count_query=case_list_query(user, filters, search, now, count_form(user)),
    )
    audit.record(user, Action.LIST_CASES, details={**list_details(filters, sort, search), **page.audit_details()})
    return result


# Two statements whatever the size of the case: the case with its subjects (and their persons),
# the partner who brought it in, its household and its procesregisseur joined, and its participants
# with the people named in them (names only, not their roles).
CASE_PAGE_LOADING = (
    joinedload(Case.subjects).joinedload(CaseSubject.person),
    joinedload(Case.referring_organisation),
    joinedload(Case.household),
    joinedload(Case.process_coordinator).lazyload(User.role_rows),
    selectinload(Case.participants).options(
        joinedload(CaseParticipant.user).lazyload(User.role_rows),
        joinedload(CaseParticipant.added_by).lazyload(User.role_rows),
        joinedload(CaseParticipant.ended_by).lazyload(User.role_rows),
    ),
)


def load_for(user: User, case_id: int, action: Action = Action.VIEW_CASE) -> Case:
    """Return the case if ``user`` may do ``action`` on it; else audit the denial and 404.

    ``access.load_or_404`` with the participants and subjects loaded at once (the case page and
    the API's case detail read both). Out of scope and nonexistent look the same to the caller.

    :raises Refused: a ``NotFound`` subclass.
    """
    return load_or_404(user, Case, case_id, action, options=CASE_PAGE_LOADING)


def next_reference(opened_at: datetime) -> str:
    """Allocate ``PGA-YYYY-NNNNN``: unique and gap-free per year.

    The counter row is updated inside the opening transaction; a rollback returns the number.
    """
    year = opened_at.year
    session = db.session()
    bumped = session.execute(
        update(CaseReferenceCounter)
        .where(CaseReferenceCounter.year == year)
        .values(last_number=CaseReferenceCounter.last_number + 1)
        .returning(CaseReferenceCounter.last_number)
    ).scalar()
    if bumped is None:
        session.add(CaseReferenceCounter(year=year, last_number=1))
        session.flush()
        bumped = 1
    return f"PGA-{year}-{bumped:05d}"


@dataclass(frozen=True)
class NewCase:
    case_type: CaseType
    lead_organisation: Organisation
    district: District | None = None
    confidentiality: Confidentiality | None = None
    referring_organisation: Organisation | None = None
    process_coordinator: User | None = None
    household: Household | None = None
    subjects: tuple[tuple[Person, SubjectRole], ...] = ()
    opened_at: datetime | None = None


def open_case(new: NewCase, *, by: User | None) -> Case:
    """Open a case in its type's first status with the lead organisation as participant.

    The service asks the policy itself (``Action.OPEN_CASE`` on what is opened: a coordinator with
    an authorisation for the type that covers the confidentiality asked), so the screens, the
    weegtafel and the API cannot disagree; a refusal is audited and nothing is written.
    ``by=None`` is the system itself (the demo seed and the command line, never a request), which
    no policy constrains.

    :raises Refused: ``by`` may not open a case of this type (audited).
    """
    if by is not None and not can(by, Action.OPEN_CASE, new):  # the type, at the confidentiality asked
        raise deny(by, Action.OPEN_CASE, new.case_type)
    opened_at = new.opened_at or utcnow()
    first_status = min(new.case_type.statuses, key=lambda s: s.position)
    case = Case(
        reference=next_reference(opened_at),
        case_type=new.case_type,
        status=first_status,
        confidentiality=new.confidentiality or new.case_type.default_confidentiality,
        district=new.district,
        lead_organisation=new.lead_organisation,
        referring_organisation=new.referring_organisation,
        process_coordinator=new.process_coordinator,
        household=new.household,
        opened_at=opened_at,
    )
    case.participants.append(
        CaseParticipant(organisation=new.lead_organisation, involvement=Involvement.LEAD, started_at=opened_at)
    )
    for person, role in new.subjects:
        case.subjects.append(CaseSubject(person=person, role=role))
    db.session.add(case)
    db.session.flush()
    lifecycle.record_opening(case, by)
    db.session.flush()
    audit.record(by, "case.create", case, details={"type": new.case_type.code})
    return case
