"""A fixed query budget per page: SQL statements are counted, not timed.

Each page is requested twice, once over a little data and once over a lot (a case with 50 notes,
subjects, goals, interventions and handoffs, each by a different person; a list of 10 and of 50
rows, each with its own lead organisation and district). The count must stay under the page's
budget and must not grow with the data: a statement per row (N+1) fails here, whichever module
added it. The case page must also write one audit event per kind of personal data it reads.

Counted: every statement the request sends through the engine (``before_cursor_execute``),
audit writes included, except the savepoints the test harness turns commits into. The budgets are
the issue's, on the whole request: the page's reads plus the audit trail's writes, which may cost a
request a fixed ``AUDIT_TRAIL_BUDGET`` however many events it writes. Each page is checked in two
parts: its reads (budget minus the audit trail's share, not growing with the data) and the total.
Runs on SQLite and, with ``CASEBOOK_TEST_DATABASE_URL`` naming one, PostgreSQL.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import event, func, select

from casebook.audit.models import AuditEvent
from casebook.auth.models import Role, User, UserRole
from casebook.cases import lifecycle
from casebook.cases.models import (
    Case,
    CaseFieldChange,
    CaseParticipant,
    CaseStatusChange,
    CaseSubject,
    Involvement,
    SubjectRole,
)
from casebook.db import db
from casebook.handoffs import services as handoffs
from casebook.handoffs.models import HandoffKind, LegalBasis
from casebook.households.models import HouseholdCoordination
from casebook.interventions import services as interventions
from casebook.interventions.models import InterventionKind
from casebook.meetings import services as meetings
from casebook.organisations.models import OrganisationKind
from casebook.people.models import Household, HouseholdMember, HouseholdRelation
from casebook.signals.models import TriageDecision
from tests.documents.support import TEXT, new_version, upload
from tests.factories import (
    bearer,
    login_as,
    make_action,
    make_api_token,
    make_case,
    make_district,
    make_goal,
    make_meeting,
    make_note,
    make_org,
    make_person,
    make_results,
    make_signal,
    make_user,
)

# Every statement of one request (issue 13): its reads and the audit trail's writes together.
CASE_LIST_BUDGET = 10
CASE_PAGE_BUDGET = 26  # 25 until the evaluations became a timeline source of their own
API_LIST_BUDGET = 10
API_CASE_BUDGET = 10
# Not named by the issue; held to the case page's budget so that they, too, stay fixed.
HOUSEHOLD_PAGE_BUDGET = 25
MY_WORK_BUDGET = 25
# The paged lists behind My work's tiles and Mijn meldingen: held to the case list's budget.
WORK_LIST_BUDGET = 10
# The audit trail's share of each budget, however many events the request writes (one per kind of
# data read): the events are buffered and chained at commit — on PostgreSQL the chain's lock, its
# head, one multi-row INSERT; on SQLite the head and the INSERT. A page reads with the rest.
AUDIT_TRAIL_BUDGET = 3

PARTS = ("reads", "total")

HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")
AUDIT_TRAIL = ("audit_event", "pg_advisory_xact_lock")


class Statements:
    """The statements sent while recording, minus the test harness's savepoints."""

    def __init__(self) -> None:
        self.sent: list[str] = []

    def __len__(self) -> int:
        return len(self.sent)

    @property
    def audit(self) -> list[str]:
        """Writing the audit trail: the chain's lock, its head, the events."""
        return [s for s in self.sent if any(marker in s for marker in AUDIT_TRAIL)]

    @property
    def reads(self) -> list[str]:
        """Everything else: what the page itself costs."""
        return [s for s in self.sent if not any(marker in s for marker in AUDIT_TRAIL)]

    @property
    def inserts(self) -> int:
        """INSERT statements of audit events (one may hold several events)."""
        return sum(1 for s in self.sent if s.lstrip().startswith("INSERT INTO audit_event"))

    def report(self) -> str:
        return "\n".join(f"{i:3}: {s.splitlines()[0][:160]}" for i, s in enumerate(self.sent, 1))


@contextmanager
def counting() -> Iterator[Statements]:
    statements = Statements()

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(HARNESS):
            statements.sent.append(statement)

    engine = db.session().get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def get(client: FlaskClient, url: str, **kwargs) -> tuple[Statements, object]:
    """Request ``url`` twice and count the second: the process's caches (authorisations, data keys)
    are warm, as they are for every request but a worker's first, so the count is the steady one."""
    db.session.commit()  # the set-up is on record before the request (a savepoint in tests)
    client.get(url, **kwargs)
    db.session.expunge_all()  # the request starts from an empty identity map, as in production
    with counting() as statements:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return statements, response


def within_budget(small: Statements, large: Statements, budget: int, page: str, part: str) -> None:
    """``part`` "reads": at most ``budget`` minus the audit trail's share, and as many statements
    over a lot of data as over a little. ``part`` "total": at most ``budget`` statements in all, of
    which the audit trail's at most ``AUDIT_TRAIL_BUDGET``, over a little data and over a lot."""
    counts = (
        f"{page}: {len(small)} statements over a little data ({len(small.reads)} reads, {len(small.audit)} "
        f"writing the audit trail in {small.inserts} INSERTs), {len(large)} over a lot ({len(large.reads)} reads, "
        f"{len(large.audit)} writing the audit trail); budget {budget}, of which the audit "
        f"trail {AUDIT_TRAIL_BUDGET}\n-- small --\n{small.report()}\n-- large --\n{large.report()}"
    )
    if part == "reads":
        assert len(small.reads) <= budget - AUDIT_TRAIL_BUDGET, counts
        assert len(large.reads) == len(small.reads) and len(large) == len(small), counts
    else:
        assert max(len(small.audit), len(large.audit)) <= AUDIT_TRAIL_BUDGET, counts
        assert max(len(small), len(large)) <= budget, counts


# -- the case page -------------------------------------------------------------------------------


@pytest.fixture
def lead():
    return make_org("budget-lead", kind=OrganisationKind.ZVH, name="Zorg- en Veiligheidshuis")


@pytest.fixture
def coordinator(lead) -> User:
    return make_user(org=lead, roles=[Role.COORDINATOR])


@pytest.fixture
def case(lead, coordinator) -> Case:
    """A case as the demo has them: brought in by a partner, from a triaged signal, with a
    procesregisseur, in a household that has its own procesregisseur, its closing proposed (the
    supervisor's approval step shows the proposal). Every one of these is a row the page shows."""
    case = make_case(lead=lead)
    case.process_coordinator = coordinator
    case.referring_organisation = make_org("budget-referrer", kind=OrganisationKind.POLICE, name="Politie")
    household = Household(reference="HH-BUDGET-1")
    household.members.append(HouseholdMember(person=make_person("Gezinslid"), relation=HouseholdRelation.PARENT))
    case.household = household
    db.session.flush()
    db.session.add(HouseholdCoordination(household=household, process_coordinator=coordinator, set_by=coordinator))
    signal = make_signal(coordinator, source=case.referring_organisation, case=case)
    signal.triaged_at, signal.triaged_by, signal.decision = signal.received_at, coordinator, TriageDecision.OPEN_CASE
    signal.decision_reason = "Meerdere leefgebieden, meerdere ketens."
    make_results(case.case_type)
    db.session.flush()
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=case.version)
    make_user(org=lead, roles=[Role.SUPERVISOR])  # who decides the proposal (none: it is refused up front)
    lifecycle.propose_closure(
        case, lifecycle.results_for(case)[0].id, "Doelen bereikt.", by=coordinator, expected_version=case.version
    )
    return case


def grow(case: Case, coordinator: User, *, to: int) -> None:
    """Bring the case to ``to`` of every kind: notes (shared and internal), subjects, goals with an
    action, interventions, participants (each with a named user), status and field changes,
    meetings with the case on the agenda and decided, and referrals. Each is written by a different
    person, and participants and referrals each name another organisation, so a lazy load per row
    cannot hide behind the identity map."""
    case, coordinator = db.session.get(Case, case.id), db.session.get(User, coordinator.id)
    have = db.session.scalar(select(func.count()).select_from(CaseSubject).where(CaseSubject.case_id == case.id))
    today = date.today()
    gesprek = db.session.scalar(select(InterventionKind).where(InterventionKind.code == "gesprek"))
    basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant"))
    for i in range(have, to):
        worker = make_user(org=case.lead_organisation, roles=[Role.CASEWORKER])
        worker.display_name = f"Medewerker {i}"
        make_note(case, worker, body=f"Gesprek {i} gevoerd.")
        make_note(case, worker, body=f"Intern {i}.", visibility="internal")
        document = upload(case, worker, TEXT, title=f"Verslag {i}", visibility="internal" if i % 2 else "shared")
        new_version(document, worker, TEXT)
        case.subjects.append(CaseSubject(person=make_person(f"Persoon{i}"), role=SubjectRole.SUBJECT))
        goal = make_goal(case, worker, text=f"Doel {i}")
        make_action(case, worker, today + timedelta(days=i + 1), goal=goal, today=today)
        interventions.add_intervention(
            case, by=worker, kind=gesprek, occurred_on=today, organisation=case.lead_organisation, today=today
        )
        partner = make_org(f"budget-partner-{i}", kind=OrganisationKind.HOUSING_CORPORATION, name=f"Partner {i}")
        case.participants.append(
            CaseParticipant(
                organisation=partner,
                involvement=Involvement.OBSERVER,
                user=make_user(org=partner),
                added_by=worker,
            )
        )
        version = case.version
        db.session.add(
            CaseStatusChange(
                case=case, from_status=case.status, to_status=case.status, changed_by=worker, version=version
            )
        )
        db.session.add(
            CaseFieldChange(
                case_id=case.id, field="district", old_value="a", new_value="b", changed_by=worker, version=version
            )
        )
        meeting = make_meeting(coordinator, today, organisations=[partner], title=f"Casusoverleg {i}")
        item = meetings.add_to_agenda(meeting, by=coordinator, reference=case.reference)
        meetings.record_decision(item, by=coordinator, decision=f"Besluit {i}", expected_version=0, today=today)
        receiver = make_org(f"budget-receiver-{i}", kind=OrganisationKind.WIJKTEAM, name=f"Wijkteam {i}")
        handoffs.send(
            case,
            handoffs.HandoffInput(
                kind=HandoffKind.REFERRAL,
                receiver=receiver,
                summary="Ondersteuning thuis nodig.",
                legal_basis=basis,
                person_informed=True,
                receiver_involvement=Involvement.CONTRIBUTOR,
            ),
            by=coordinator,
        )
    db.session.flush()


# The case dossier: its Overzicht and each tab's page, every one held to the case page's budget.
DOSSIER_TABS = ("", "/plan", "/journal", "/documents", "/interventions", "/people", "/handoffs", "/timeline")
SUPERVISOR_TABS = ("", "/plan", "/interventions", "/people", "/timeline")  # no journal, documents, handoffs


def case_page(client: FlaskClient, case: Case, tab: str = "") -> tuple[Statements, Counter]:
    """The statements of one view of a page of the case dossier, and the audit events that view wrote."""
    statements, _response = get(client, f"/cases/{case.id}{tab}")
    last_view = db.session.scalar(
        select(func.max(AuditEvent.seq)).where(AuditEvent.action == "case.view", AuditEvent.case_id == case.id)
    )
    events = db.session.scalars(select(AuditEvent.action).where(AuditEvent.seq >= last_view))
    return statements, Counter(events)


@pytest.mark.parametrize("tab", DOSSIER_TABS)
@pytest.mark.parametrize("part", PARTS)
def test_the_case_page_has_a_fixed_budget_whatever_the_size_of_the_case(client, case, coordinator, part, tab):
    grow(case, coordinator, to=2)
    login_as(client, coordinator)
    small, _ = case_page(client, case, tab)
    grow(case, coordinator, to=50)
    large, _ = case_page(client, case, tab)
    within_budget(small, large, CASE_PAGE_BUDGET, f"case page {tab or '(Overzicht)'}", part)


@pytest.mark.parametrize("tab", DOSSIER_TABS)
def test_the_case_page_audits_each_kind_of_data_once(client, case, coordinator, tab):
    grow(case, coordinator, to=3)
    login_as(client, coordinator)
    _, events = case_page(client, case, tab)
    assert events, "the case page audits what it reads"
    assert all(count == 1 for count in events.values()), events


@pytest.mark.parametrize("tab", SUPERVISOR_TABS)
@pytest.mark.parametrize("part", PARTS)
def test_a_supervisor_sees_the_case_page_within_the_budget(client, case, coordinator, lead, part, tab):
    grow(case, coordinator, to=2)
    supervisor = make_user(org=lead, roles=[Role.SUPERVISOR])
    login_as(client, supervisor)
    small, events = case_page(client, case, tab)
    grow(case, coordinator, to=20)
    large, _ = case_page(client, case, tab)
    within_budget(small, large, CASE_PAGE_BUDGET, f"case page {tab or '(Overzicht)'} (supervisor)", part)
    assert all(count == 1 for count in events.values()), events


# -- the case list -------------------------------------------------------------------------------


@pytest.fixture
def many_cases(lead) -> User:
    """50 cases the viewer's organisation takes part in, each led by another organisation in
    another district; returns the viewer."""
    viewer = make_user(org=lead, roles=[Role.COORDINATOR])
    for i in range(50):
        other = make_org(f"budget-lead-{i}", kind=OrganisationKind.WIJKTEAM, name=f"Wijkteam {i}")
        make_case(
            lead=other, district=make_district(f"budget-wijk-{i}"), participants=[(lead, Involvement.CONTRIBUTOR)]
        )
    return viewer


@pytest.mark.parametrize("part", PARTS)
def test_the_case_list_has_a_fixed_budget_whatever_the_page_size(app, client, many_cases, monkeypatch, part):
    login_as(client, many_cases)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 10)
    small, _ = get(client, "/cases")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 50)
    large, response = get(client, "/cases")
    assert response.get_data(as_text=True).count("/cases/") >= 50
    within_budget(small, large, CASE_LIST_BUDGET, "case list", part)


@pytest.mark.parametrize("part", PARTS)
def test_the_searched_case_list_with_subjects_names_has_the_same_budget(app, client, lead, monkeypatch, part):
    """A name search, a sort, "mine" and every case with two subjects (each with a data key of their
    own) whose names are shown: still the list's budget, and no statement per row."""
    viewer = make_user(org=lead, roles=[Role.COORDINATOR])
    for i in range(50):
        other = make_org(f"budget-named-{i}", kind=OrganisationKind.WIJKTEAM, name=f"Wijkteam {i}")
        subjects = [make_person("El Budgetnaam", given_names=f"Kind{i}"), make_person(f"Ander{i}")]
        case = make_case(lead=other, participants=[(lead, Involvement.CONTRIBUTOR)], subjects=subjects)
        case.process_coordinator_id = viewer.id
    db.session.flush()
    login_as(client, viewer)
    assert client.post("/cases/search", data={"q": "budgetnaam"}).status_code == 302
    monkeypatch.setitem(app.config, "PAGE_SIZE", 10)
    small, _ = get(client, "/cases?sort=reference&mine=y")
    monkeypatch.setitem(app.config, "PAGE_SIZE", 50)
    large, response = get(client, "/cases?sort=reference&mine=y")
    assert response.get_data(as_text=True).count("El Budgetnaam") >= 50
    within_budget(small, large, CASE_LIST_BUDGET, "case list searched, with names", part)


# -- the household page and My work --------------------------------------------------------------


def grow_household(household: Household, viewer: User, *, to: int) -> None:
    """Bring the household to ``to`` members, each the subject of a case led by another
    organisation (with a coordinator of its own, a candidate procesregisseur of the household) that
    the viewer's organisation takes part in, each case with a goal."""
    household, viewer = db.session.get(Household, household.id), db.session.get(User, viewer.id)
    for i in range(len(household.members), to):
        person = make_person(f"Gezinslid{i}")
        household.members.append(HouseholdMember(person=person, relation=HouseholdRelation.CHILD))
        other = make_org(f"budget-household-lead-{i}", kind=OrganisationKind.WIJKTEAM, name=f"Wijkteam {i}")
        make_user(org=other, roles=[Role.COORDINATOR])
        member_case = make_case(
            lead=other, subjects=[person], participants=[(viewer.organisation, Involvement.CONTRIBUTOR)]
        )
        member_case.household = household
        make_goal(member_case, viewer, text=f"Doel {i}")
    db.session.flush()


@pytest.mark.parametrize("part", PARTS)
def test_the_household_page_has_a_fixed_budget_whatever_the_size_of_the_household(client, coordinator, part):
    household = Household(reference="HH-BUDGET-2")
    db.session.add(household)
    db.session.flush()
    grow_household(household, coordinator, to=2)
    login_as(client, coordinator)
    small, _ = get(client, f"/households/{household.id}")
    grow_household(household, coordinator, to=20)
    large, response = get(client, f"/households/{household.id}")
    assert response.get_data(as_text=True).count("/cases/") >= 20
    within_budget(small, large, HOUSEHOLD_PAGE_BUDGET, "household page", part)


def grow_work(viewer: User, *, to: int) -> None:
    """Bring the viewer's organisation to ``to`` cases it leads, each with the viewer as its
    procesregisseur, an evaluation due, an action for the organisation and one named for the viewer,
    its closing proposed, on the agenda of a coming meeting; and as many signals the viewer
    registered, half of them weighed by a coordinator of another organisation (one opened a case)."""
    viewer = db.session.get(User, viewer.id)
    today = date.today()
    led = select(func.count()).select_from(Case).where(Case.lead_organisation_id == viewer.organisation_id)
    deciders = (
        select(func.count())
        .select_from(User)
        .where(
            User.organisation_id == viewer.organisation_id,
            User.id != viewer.id,
            User.role_rows.any(UserRole.role == Role.SUPERVISOR),
        )
    )
    if not db.session.scalar(deciders):  # a proposal nobody could decide is refused
        make_user(org=viewer.organisation, roles=[Role.SUPERVISOR])
    for i in range(db.session.scalar(led), to):
        work_case = make_case(lead=viewer.organisation)
        work_case.process_coordinator = viewer
        work_case.next_evaluation_on = today + timedelta(days=3)
        make_action(work_case, viewer, today + timedelta(days=i + 1), owner=viewer.organisation, today=today)
        make_action(
            work_case,
            viewer,
            today + timedelta(days=i + 1),
            owner=viewer.organisation,
            owner_user=viewer,
            description=f"Actie {i} voor mij",
            today=today,
        )
        meeting = make_meeting(viewer, today + timedelta(days=i + 1), title=f"Casusoverleg {i}")
        meetings.add_to_agenda(meeting, by=viewer, reference=work_case.reference)
        make_results(work_case.case_type)
        db.session.flush()
        lifecycle.transition(
            work_case, lifecycle.next_status(work_case).id, reason="", by=viewer, expected_version=work_case.version
        )
        lifecycle.propose_closure(
            work_case, lifecycle.results_for(work_case)[0].id, "Klaar.", by=viewer, expected_version=work_case.version
        )
        signal = make_signal(viewer)
        if i % 2:
            weigher = make_user(org=make_org(f"budget-weigher-{i}", name=f"Weger {i}"), roles=[Role.COORDINATOR])
            signal.triaged_at, signal.triaged_by, signal.decision = signal.received_at, weigher, TriageDecision.ADVICE
            signal.referred_to = weigher.organisation
            signal.case = work_case if i % 4 == 1 else None
    db.session.flush()


@pytest.mark.parametrize("part", PARTS)
def test_my_work_has_a_fixed_budget_whatever_the_amount_of_work(client, coordinator, part):
    grow_work(coordinator, to=2)
    login_as(client, coordinator)
    small, _ = get(client, "/")
    grow_work(coordinator, to=30)
    large, response = get(client, "/")
    html = response.get_data(as_text=True)
    for tile in ("my_cases", "plan_actions", "evaluations_due", "handoffs", "my_meetings", "signals", "my_signals"):
        assert f'id="{tile}"' in html, tile
    within_budget(small, large, MY_WORK_BUDGET, "My work", part)
    print(f"My work: {len(small)} / {len(large)} statements")


@pytest.mark.parametrize(
    "role, url",
    [
        ("coordinator", "/work/actions"),
        ("coordinator", "/work/actions?group=organisation"),
        ("coordinator", "/work/evaluations"),
        ("supervisor", "/work/closures"),
        ("coordinator", "/signals/mine"),
    ],
)
@pytest.mark.parametrize("part", PARTS)
def test_the_lists_behind_my_work_have_a_fixed_budget_whatever_the_page_size(
    app, client, coordinator, lead, monkeypatch, role, url, part
):
    reader = coordinator if role == "coordinator" else make_user(org=lead, roles=[Role.SUPERVISOR])
    login_as(client, reader)
    monkeypatch.setitem(app.config, "PAGE_SIZE", 50)
    grow_work(coordinator, to=2)
    small, _ = get(client, url)
    grow_work(coordinator, to=30)
    large, response = get(client, url)
    assert response.get_data(as_text=True).count('<tr class="utrecht-table__row">') > 20
    within_budget(small, large, WORK_LIST_BUDGET, url, part)


# -- the API -------------------------------------------------------------------------------------


@pytest.mark.parametrize("part", PARTS)
def test_the_api_case_list_has_a_fixed_budget_whatever_the_page_size(client, many_cases, part):
    headers = bearer(make_api_token(many_cases))
    small, _ = get(client, "/api/v1/cases?per_page=10", headers=headers)
    large, response = get(client, "/api/v1/cases?per_page=50", headers=headers)
    assert len(response.get_json()["items"]) == 50
    within_budget(small, large, API_LIST_BUDGET, "API case list", part)


@pytest.mark.parametrize("part", PARTS)
def test_the_api_case_has_a_fixed_budget_whatever_the_size_of_the_case(client, case, coordinator, part):
    grow(case, coordinator, to=2)
    headers = bearer(make_api_token(coordinator))
    small, _ = get(client, f"/api/v1/cases/{case.id}", headers=headers)
    grow(case, coordinator, to=50)
    large, response = get(client, f"/api/v1/cases/{case.id}", headers=headers)
    body = response.get_json()
    assert body["subject_count"] == 50 and len(body["participants"]) > 50
    within_budget(small, large, API_CASE_BUDGET, "API case", part)
