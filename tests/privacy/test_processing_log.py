"""The processing log's storage: pseudonyms, buffering per transaction, one INSERT, prune."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from casebook.db import db, utcnow
from casebook.privacy import processing_log as plog
from casebook.privacy.processing_log import ProcessingLogEntry, Subject, entries_for_subject, subject_pseudonym
from casebook.privacy.register import UnknownActivity, activity, current_activities

BSN = "123456782"


def _log(subjects: list[Subject], name: str = "case.view", code: str = "pga-casework") -> None:
    plog.log_processing(
        db.session(),
        name=name,
        activity_code=code,
        subjects=subjects,
        trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
        parent_span_id="00f067aa0ba902b7",
        started_at=utcnow(),
    )


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(ProcessingLogEntry))


def test_the_register_is_seeded_and_activity_returns_the_current_version():
    codes = {a.id for a in current_activities()}
    assert {"pga-casework", "pga-signal-intake", "pga-person-register", "pga-subject-rights"} <= codes
    casework = activity("pga-casework")
    assert casework.version == 1 and casework.valid_to is None
    assert "Wmo 2015" in casework.legal_basis and "Jeugdwet" in casework.legal_basis
    assert "Politiewet" in casework.legal_basis and "Gemeentewet art. 172" in casework.legal_basis
    with pytest.raises(UnknownActivity):
        activity("no-such-activity")


def test_the_pseudonym_is_keyed_stable_and_never_the_bsn():
    pseudonym = subject_pseudonym(BSN)
    assert pseudonym == subject_pseudonym("1234.56.782") and len(pseudonym) == 64
    assert BSN not in pseudonym and pseudonym != subject_pseudonym("111222333")
    with pytest.raises(ValueError):
        subject_pseudonym("123")


def test_lines_are_written_at_commit_in_one_insert_and_found_by_bsn():
    subjects = [Subject(subject_pseudonym(BSN), plog.SUBJECT_TYPE_BSN), Subject("b" * 64, plog.SUBJECT_TYPE_PERSON)]
    _log(subjects)
    assert _count() == 0  # buffered until the commit
    inserts: list[str] = []

    def record(_conn, _cursor, statement, *_args) -> None:
        if statement.lstrip().startswith("INSERT INTO processing_log"):
            inserts.append(statement)

    engine = db.session().get_bind().engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        db.session.commit()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(inserts) == 1 and _count() == 2
    [line] = entries_for_subject(BSN)
    assert line.processing_activity_id == "pga-casework" and line.data_subject_type == "BSN"
    assert line.trace_id == "4bf92f3577b34da6a3ce929d0e0e4736" and len(line.span_id) == 16
    assert line.ended_at >= line.started_at and line.status == "OK"


def test_a_rollback_drops_the_lines_and_a_savepoint_rollback_only_its_own():
    _log([Subject("a" * 64, plog.SUBJECT_TYPE_BSN)])
    db.session.rollback()
    db.session.commit()
    assert _count() == 0
    _log([Subject("a" * 64, plog.SUBJECT_TYPE_BSN)], name="kept")
    savepoint = db.session.begin_nested()
    _log([Subject("c" * 64, plog.SUBJECT_TYPE_BSN)], name="dropped")
    savepoint.rollback()
    db.session.commit()
    assert db.session.scalars(select(ProcessingLogEntry.name)).all() == ["kept"]


def test_prune_removes_lines_past_their_activitys_retention_only():
    _log([Subject("a" * 64, plog.SUBJECT_TYPE_BSN)], code="pga-reporting")  # 730 days
    _log([Subject("a" * 64, plog.SUBJECT_TYPE_BSN)], code="pga-casework")  # 1825 days
    db.session.commit()
    deleted = plog.prune(utcnow() + timedelta(days=800))
    assert deleted["pga-reporting"] == 1 and deleted["pga-casework"] == 0
    remaining = db.session.scalars(select(ProcessingLogEntry.processing_activity_id)).all()
    assert remaining == ["pga-casework"]


def test_the_database_roles_keep_the_table_append_only_for_the_app():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[2] / "scripts" / "pg_roles.py"
    spec = importlib.util.spec_from_file_location("pg_roles", path)
    pg_roles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pg_roles)
    assert ProcessingLogEntry.__tablename__ in pg_roles.APPEND_ONLY_TABLES


def test_every_audited_action_maps_to_an_activity_of_the_register():
    from casebook.privacy.hook import ACTIVITY_OF_ACTION, activity_for
    from casebook.privacy.register import SEED

    assert set(ACTIVITY_OF_ACTION.values()) <= {row["id"] for row in SEED}
    assert activity_for("case.view") == "pga-casework"
    assert activity_for("signal.origin.view") == "pga-casework"  # read on the case page, for the case
    assert activity_for("signal.triage") == "pga-signal-intake"
    assert activity_for("plan.household.view") == "pga-household"
    assert activity_for("handoff.send") == "pga-information-sharing"
    assert activity_for("auth.login") is None and activity_for("audit.list") is None
