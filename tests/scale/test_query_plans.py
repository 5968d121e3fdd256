"""Queries that stay fast at a million cases: the real services' SELECTs use indexes (PostgreSQL only).

A hundred thousand cases with their participants, notes, persons, plans and half a million audit
events are built in a schema of their own (``plan_data``), analysed, and then each scenario runs
a real service — the case list with its filters, My work, the audit searches, the person search,
a case's journal — for a realistic user inside a request. Every SELECT it sends is captured
(``before_cursor_execute``) and explained with the same parameters (``EXPLAIN ANALYZE``). A plan
that reads ``case``, ``note``, ``case_participant`` or ``audit_event`` whole fails, naming the
statement: a sequential scan (unless a LIMIT stopped it within 5% of the table: it then costs what
the limit and the density of matches ask, at any size), or any scan node that reads a quarter of
the table or more (an index scan over everything, a sub-plan run for every row, an IN list hashed
whole). Because the statements are captured rather than written out here, a service whose SQL
changes is checked as it now is.

Not timed as pass/fail (the machine is shared); ``EXPLAIN ANALYZE``'s execution times are printed
per statement (``pytest -s``) and are in every failure message.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Connection, create_engine, event
from sqlalchemy.engine import make_url

from casebook import create_app, migrate
from casebook.auth.models import User
from casebook.cases import services as cases
from casebook.cases.services import CaseFilters
from casebook.db import db
from casebook.journal import services as journal
from casebook.people import services as people
from casebook.supervision import queries as trail
from casebook.supervision.queries import AuditFilters
from casebook.work import services as work
from tests.conftest import TEST_SETTINGS
from tests.scale import plan_data
from tests.scale.plan_data import Scale, World

pytestmark = pytest.mark.postgres

SCHEMA = "casebook_query_plans"
# The tables that grow with the municipality: never read whole.
LARGE_TABLES = frozenset({"case", "note", "case_participant", "audit_event"})
BOUNDED_SEQ_SCAN_SHARE = 0.05  # a sequential scan a LIMIT stopped before this share of the table is bounded
A_LARGE_SHARE = 0.25  # any scan reading this share of a large table reads it whole
ANALYSED_TABLES = (
    '"case"',
    "case_participant",
    "case_subject",
    "note",
    "audit_event",
    "person",
    "person_search_index",
    "plan_goal",
    "plan_action",
    "break_glass_access",
    "user_account",
    "user_role",
    "authorisation",
    "organisation",
    "district",
    "case_type",
    "status_type",
)


@dataclass
class Plans:
    app: Flask
    world: World
    sizes: dict[str, float]  # rows per large table, as ANALYZE counted them


def _in_schema(url: str) -> str:
    """The test database's URL with ``search_path`` set to the plans' own schema on every connection."""
    return make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"}).render_as_string(hide_password=False)


def _schema(url: str, statement: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(statement)
    engine.dispose()


@pytest.fixture(scope="module")
def plans(app: Flask, database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Plans]:
    """A migrated schema of its own, filled and analysed once for the module, dropped afterwards.

    Its own schema (not the suite's database, whose tests each roll back) so that the rows can be
    committed and analysed, and so that nothing of them is left for any other test.
    """
    with app.app_context():
        if db.dialect != "postgresql":
            pytest.skip(
                "query plans are PostgreSQL's: set CASEBOOK_TEST_DATABASE_URL to a PostgreSQL database to run them"
            )
    _schema(database_url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
    _schema(database_url, f"CREATE SCHEMA {SCHEMA}")
    plans_app = create_app(
        {**TEST_SETTINGS, "DATABASE_URL": _in_schema(database_url), "INSTANCE_PATH": str(tmp_path_factory.mktemp("qp"))}
    )
    previous = dict(db.session.session_factory.kw)
    try:
        with plans_app.app_context():
            migrate.upgrade(plans_app)
            db.session.remove()
            db.session.configure(bind=None)
            world = plan_data.build(Scale())
            db.session.commit()
            db.session.remove()
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.exec_driver_sql(f"VACUUM (ANALYZE) {', '.join(ANALYSED_TABLES)}")
                sizes = dict(
                    connection.exec_driver_sql(
                        "SELECT relname, reltuples FROM pg_class WHERE relnamespace = current_schema()::regnamespace "
                        "AND relkind = 'r'"
                    ).all()
                )
        print(f"\nquery plans over {world.counts} with shares {world.shares}")
        yield Plans(plans_app, world, sizes)
    finally:
        db.session.remove()
        db.session.configure(**previous)
        plans_app.extensions["casebook.engine"].dispose()
        _schema(database_url, f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")


@pytest.fixture
def plans_connection(plans: Plans) -> Iterator[Connection]:
    """The scenario's request: the plans app, its session on one connection, rolled back afterwards."""
    previous = dict(db.session.session_factory.kw)
    with plans.app.test_request_context():
        connection = db.engine.connect()
        outer = connection.begin()
        # JIT compiles only the costliest plans (those this test fails) and changes no plan: off, so
        # that re-running them costs the module no compile time.
        connection.exec_driver_sql("SET LOCAL jit = off")
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield connection
        finally:
            db.session.remove()
            outer.rollback()
            connection.close()
            db.session.configure(**previous)


# -- capturing and explaining --------------------------------------------------------------------


@dataclass
class Captured:
    statement: str
    parameters: Any


@contextmanager
def capturing(connection: Connection) -> Iterator[list[Captured]]:
    """The SELECTs sent on ``connection`` while the block runs, with their parameters."""
    captured: list[Captured] = []

    def record(_conn, _cursor, statement: str, parameters: Any, _context, executemany: bool) -> None:
        if not executemany and statement.lstrip().upper().startswith(("SELECT", "WITH")):
            captured.append(Captured(statement, parameters))

    event.listen(connection, "before_cursor_execute", record)
    try:
        yield captured
    finally:
        event.remove(connection, "before_cursor_execute", record)


def plan_nodes(plan: dict) -> Iterator[dict]:
    """Every node of an ``EXPLAIN (FORMAT JSON)`` plan, sub-plans and init-plans included."""
    yield plan
    for child in plan.get("Plans", ()):
        yield from plan_nodes(child)


def rows_read(node: dict) -> float:
    """Rows a scan node looked at (``EXPLAIN ANALYZE`` reports them per loop): kept and filtered out."""
    per_loop = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
    return (per_loop + node.get("Rows Removed by Index Recheck", 0)) * node.get("Actual Loops", 1)


def whole_reads(plan: dict, sizes: dict[str, float]) -> list[str]:
    """The large tables a plan reads whole: a sequential scan, unless a LIMIT above it stopped it
    after a small share of the table (it then reads as many rows as the limit and the density of
    matches ask, however large the table grows); or any scan that reads a quarter of the table or
    more (an index scan over everything is a sequential scan in disguise, and so is a sub-plan run
    for every row or an IN list hashed whole)."""
    found = []
    for node in plan_nodes(plan):
        table = node.get("Relation Name")
        if table not in LARGE_TABLES:
            continue
        share = rows_read(node) / max(sizes[table], 1)
        if node["Node Type"] == "Seq Scan" and share >= BOUNDED_SEQ_SCAN_SHARE:
            found.append(f"Seq Scan on {table} ({share:.0%} of its rows)")
        elif share >= A_LARGE_SHARE:
            found.append(f"{node['Node Type']} on {table} reads {share:.0%} of its rows")
    return found


@dataclass
class Explained:
    captured: Captured
    plan: dict
    milliseconds: float
    sizes: dict[str, float]

    @property
    def relations(self) -> set[str]:
        return {n["Relation Name"] for n in plan_nodes(self.plan) if "Relation Name" in n}

    @property
    def whole_reads(self) -> list[str]:
        return whole_reads(self.plan, self.sizes)

    @property
    def large_rows_read(self) -> int:
        return int(sum(rows_read(n) for n in plan_nodes(self.plan) if n.get("Relation Name") in LARGE_TABLES))

    def head(self, width: int = 220) -> str:
        return " ".join(self.captured.statement.split())[:width]


def explain(connection: Connection, captured: Captured, sizes: dict[str, float]) -> Explained:
    """Plan and run the statement again with its own parameters (``EXPLAIN ANALYZE`` inside the
    scenario's transaction, which is rolled back)."""
    result = connection.exec_driver_sql(
        "EXPLAIN (ANALYZE, FORMAT JSON) " + captured.statement, captured.parameters
    ).scalar_one()
    document = result if isinstance(result, list) else json.loads(result)
    return Explained(captured, document[0]["Plan"], document[0]["Execution Time"], sizes)


def text_plan(connection: Connection, captured: Captured) -> str:
    rows = connection.exec_driver_sql("EXPLAIN " + captured.statement, captured.parameters).scalars()
    return "\n".join(rows)


# -- the scenarios: real services, realistic users ------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    user: str  # an attribute of World ending in _id, without it
    run: Callable[[User, World], object]
    reads: frozenset[str]  # tables the plans must touch (so the scenario cannot pass by reading nothing)


def _user(world: World, name: str) -> User:
    return db.session.get(User, getattr(world, f"{name}_id"))


def _trail_of_a_colleague(user: User, world: World) -> object:
    """A supervisor reads a user's trail: their own organisation's coordinator, or for the municipality
    the caseworker of a partner."""
    subject = world.coordinator_id if user.id == world.supervisor_id else world.caseworker_id
    return trail.user_history(user, subject)


def _username_search(user: User, world: World) -> object:
    subject = world.coordinator_id if user.id == world.supervisor_id else world.caseworker_id
    return trail.search(user, AuditFilters(username=db.session.get(User, subject).username))


def _organisation_and_month(user: User, world: World) -> object:
    start, end = plan_data.recent_window()
    return trail.search(user, AuditFilters(organisation="zvh", date_from=start, date_to=end))


def _journal(user: User, world: World) -> object:
    return journal.notes_for(user, cases.load_for(user, world.busy_case_id))


CASE_TABLES = frozenset({"case", "case_participant"})
AUDIT_TABLES = frozenset({"audit_event"})
PERSON_TABLES = frozenset({"person_search_index", "case_subject"})

SCENARIOS = [
    *(
        Scenario("case_list", who, lambda u, w: cases.list_for(u, CaseFilters()), CASE_TABLES)
        for who in ("caseworker", "coordinator", "supervisor", "municipal_supervisor")
    ),
    Scenario(
        "case_list_by_type",
        "coordinator",
        lambda u, w: cases.list_for(u, CaseFilters(case_type=w.case_type_code)),
        CASE_TABLES,
    ),
    Scenario(
        "case_list_by_status",
        "coordinator",
        lambda u, w: cases.list_for(u, CaseFilters(status=w.status_code)),
        CASE_TABLES,
    ),
    Scenario(
        "case_list_by_district",
        "coordinator",
        lambda u, w: cases.list_for(u, CaseFilters(district=w.district_code)),
        CASE_TABLES,
    ),
    Scenario(
        "case_list_by_organisation",
        "coordinator",
        lambda u, w: cases.list_for(u, CaseFilters(organisation=w.rare_partner_slug)),
        CASE_TABLES,
    ),
    *(
        Scenario("my_work", who, lambda u, w: work.my_work(u, date.today()), frozenset({"case"}))
        for who in ("caseworker", "coordinator", "supervisor")
    ),
    *(
        Scenario(name, who, run, AUDIT_TABLES)
        for who in ("supervisor", "municipal_supervisor")
        for name, run in (
            ("audit_search", lambda u, w: trail.search(u, AuditFilters())),
            ("audit_by_case", lambda u, w: trail.case_history(u, w.busy_case_id)),
            (
                "audit_by_case_reference",
                lambda u, w: trail.search(u, AuditFilters(case_reference=w.busy_case_reference)),
            ),
            ("audit_by_user", _trail_of_a_colleague),
            ("audit_by_username", _username_search),
            ("audit_by_organisation_and_time", _organisation_and_month),
            ("audit_unusual_access", lambda u, w: trail.unusual_access(u)),
        )
    ),
    *(
        Scenario(name, who, run, PERSON_TABLES)
        for who in ("caseworker", "coordinator")
        for name, run in (
            ("person_search_by_bsn", lambda u, w: people.search_persons(u, bsn=plan_data.SEARCHED_BSN)),
            (
                "person_search_by_name_and_birth_date",
                lambda u, w: people.search_persons(
                    u, family_name=plan_data.SEARCHED_FAMILY_NAME, birth_date=plan_data.SEARCHED_BIRTH_DATE
                ),
            ),
            (
                "person_register_check",
                lambda u, w: people.check_register(
                    u,
                    bsn=plan_data.SEARCHED_BSN,
                    family_name=plan_data.SEARCHED_FAMILY_NAME,
                    birth_date=plan_data.SEARCHED_BIRTH_DATE,
                ),
            ),
        )
    ),
    Scenario("case_journal", "coordinator", _journal, frozenset({"note"})),
]


# Known query shapes no index can serve, each a change to a service or to the scope, not an index;
# ``strict``, so a mark must go when its cause does. None at present.
KNOWN: dict[tuple[str, str], str] = {}


def _param(scenario: Scenario):
    reason = KNOWN.get((scenario.name, scenario.user))
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(scenario, id=f"{scenario.name}[{scenario.user}]", marks=marks)


@pytest.mark.parametrize("scenario", [_param(s) for s in SCENARIOS])
def test_reads_use_indexes(scenario: Scenario, plans: Plans, plans_connection: Connection) -> None:
    user = _user(plans.world, scenario.user)
    with capturing(plans_connection) as captured:
        scenario.run(user, plans.world)
    explained = [explain(plans_connection, c, plans.sizes) for c in captured]

    print(f"\n{scenario.name}[{scenario.user}]: {len(explained)} SELECTs")
    for item in explained:
        flag = f"  <-- {'; '.join(item.whole_reads)}" if item.whole_reads else ""
        print(f"  {item.milliseconds:9.2f} ms {item.large_rows_read:8} rows  {item.head(110)}{flag}")

    touched = set().union(*(e.relations for e in explained)) if explained else set()
    assert scenario.reads <= touched, f"{scenario.name} read none of {sorted(scenario.reads - touched)}"
    failures = [e for e in explained if e.whole_reads]
    assert not failures, f"{scenario.name}[{scenario.user}] reads a large table whole:\n" + "\n\n".join(
        f"-- {'; '.join(e.whole_reads)} ({e.milliseconds:.1f} ms): {e.head(600)}\n"
        + text_plan(plans_connection, e.captured)
        for e in failures
    )


def test_a_sequential_scan_is_caught(plans: Plans, plans_connection: Connection) -> None:
    """The check itself: a query no index can serve is reported, one that an index serves is not."""

    def reads(statement: str, **parameters: object) -> list[str]:
        return explain(plans_connection, Captured(statement, parameters), plans.sizes).whole_reads

    assert reads("SELECT id FROM note WHERE body IS NOT NULL") == ["Seq Scan on note (100% of its rows)"]
    assert reads("SELECT count(*) FROM audit_event") != []  # whichever path: every row is read
    assert reads("SELECT id FROM note WHERE id = %(id)s", id=5) == []
    assert reads("SELECT id FROM note WHERE body IS NOT NULL LIMIT 10") == []  # bounded by its limit
