"""The case screens' choices come from reference data kept per process (``casebook.reference``).

Kept: a second read costs no statement. Never stale within the process: a status type, result or
district written here shows at once, one rolled back disappears at once, and a transaction that
wrote reference data reads past the cache (nothing uncommitted is kept for others).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import create_engine, event, select, update
from sqlalchemy.orm import Session

from casebook import reference
from casebook.auth.models import Role
from casebook.cases import choices
from casebook.cases.models import CaseResult, StatusType
from casebook.db import db
from casebook.organisations.models import District
from tests.factories import login_as, make_case_type, make_district, make_org, make_results, make_user


@contextmanager
def statements() -> Iterator[list[str]]:
    sent: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")):
            sent.append(statement)

    engine = db.session().get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)


@pytest.fixture
def case_type():
    case_type = make_case_type("youth")
    make_results(case_type)
    db.session.commit()  # on record (a savepoint here): the cache keeps only what was committed
    return case_type


def test_a_second_read_costs_no_statement(case_type):
    first = choices.statuses_of(case_type.id)
    with statements() as sent:
        again = choices.statuses_of(case_type.id)
        results = choices.results_of(case_type.id)
        results_again = choices.results_of(case_type.id)
    assert again == first and [s.position for s in first] == sorted(s.position for s in first)
    assert results == results_again and results
    assert len(sent) == 1  # the results, once


def test_only_plain_values_are_kept(case_type):
    for value in (*choices.statuses_of(case_type.id), *choices.results_of(case_type.id)):
        assert isinstance(value, choices.Choice)
    options = choices.filter_choices()
    assert all(isinstance(row, tuple) and all(isinstance(v, str) for v in row) for row in options.districts)


def test_a_status_type_added_in_this_process_shows_at_once(case_type):
    before = choices.statuses_of(case_type.id)
    db.session.add(
        StatusType(case_type=case_type, code="extra", label_nl="Extra", label_en="Extra", position=99, is_end=False)
    )
    db.session.flush()
    assert [s.code for s in choices.statuses_of(case_type.id)] == [s.code for s in before] + ["extra"]
    db.session.commit()
    assert choices.statuses_of(case_type.id)[-1].code == "extra"


def test_a_write_rolled_back_is_forgotten(case_type):
    assert "nergenswijk" not in {code for code, _nl, _en in choices.filter_choices().districts}
    savepoint = db.session.begin_nested()
    make_district("nergenswijk")
    assert "nergenswijk" in {code for code, _nl, _en in choices.filter_choices().districts}
    savepoint.rollback()
    assert "nergenswijk" not in {code for code, _nl, _en in choices.filter_choices().districts}


def test_a_transaction_that_wrote_reference_data_reads_past_the_cache(case_type):
    choices.results_of(case_type.id)
    row = db.session.scalars(select(CaseResult).where(CaseResult.case_type_id == case_type.id)).first()
    row.label_nl = "Nog niet vastgelegd"
    db.session.flush()
    with statements() as sent:
        assert choices.results_of(case_type.id)[0].label_nl == "Nog niet vastgelegd"
        choices.results_of(case_type.id)
    assert len(sent) == 2  # not kept: another request must not see what is not committed
    db.session.commit()
    choices.results_of(case_type.id)
    with statements() as sent:
        assert choices.results_of(case_type.id)[0].label_nl == "Nog niet vastgelegd"
    assert sent == []


def test_a_core_update_through_the_session_is_seen(case_type):
    make_district("hernoemwijk")
    db.session.commit()
    assert "Hernoemwijk" in {name for _code, name, _en in choices.filter_choices().districts}
    db.session.execute(update(District).where(District.code == "hernoemwijk").values(name="Hernoemd"))
    names = {name for _code, name, _en in choices.filter_choices().districts}
    assert "Hernoemd" in names and "Hernoemwijk" not in names


def test_no_seconds_turns_the_cache_off(app, case_type, monkeypatch):
    monkeypatch.setitem(app.extensions, reference.EXTENSION_KEY, reference.ReferenceCache(0))
    choices.statuses_of(case_type.id)
    with statements() as sent:
        choices.statuses_of(case_type.id)
    assert len(sent) == 1


def test_the_case_list_offers_a_district_added_after_it_was_shown(client, case_type):
    coordinator = make_user(org=make_org(), roles=[Role.COORDINATOR])
    login_as(client, coordinator)
    assert "nieuwe-wijk" not in client.get("/cases").get_data(as_text=True)
    make_district("nieuwe-wijk")
    db.session.commit()
    assert 'value="nieuwe-wijk"' in client.get("/cases").get_data(as_text=True)


def test_a_rollback_past_the_session_forgets_what_was_read(tmp_path):
    """The test harness rolls back the connection under the session (and a request could too): a
    value read from data written on that connection is not kept once it is rolled back. (A database
    of its own: the harness's connection holds this one's write lock.)"""
    engine = create_engine(f"sqlite:///{tmp_path / 'reference.sqlite3'}")
    District.__table__.create(engine)
    connection = engine.connect()
    outer = connection.begin()
    try:
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        session.add(District(code="verdwijnwijk", name="Verdwijnwijk"))
        session.commit()  # a savepoint: committed for the session, not for the database
        name = select(District.name).where(District.code == "verdwijnwijk")
        assert reference.reference_values("probe", lambda: session.scalar(name), models=(District,)) == "Verdwijnwijk"
        assert reference.reference_values("probe", lambda: "read again", models=(District,)) == "Verdwijnwijk"
        session.close()
    finally:
        outer.rollback()
        connection.close()
        engine.dispose()
    assert reference.reference_values("probe", lambda: "read again", models=(District,)) == "read again"
