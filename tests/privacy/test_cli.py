"""``casebook processing-log prune`` and ``export --subject-bsn … --by …``."""

from __future__ import annotations

from datetime import timedelta

from flask.cli import ScriptInfo
from sqlalchemy import func, select

from casebook.auth.models import Role
from casebook.db import db, utcnow
from casebook.organisations.models import OrganisationKind
from casebook.privacy import processing_log as plog
from casebook.privacy.processing_log import ProcessingLogEntry, Subject, subject_pseudonym
from tests.factories import make_org, make_user
from tests.helpers import last_event

BSN = "123456782"


def _line(code: str, age_days: int) -> None:
    started = utcnow() - timedelta(days=age_days)
    db.session.add(
        ProcessingLogEntry(
            trace_id="4bf92f3577b34da6a3ce929d0e0e4736",
            span_id="00f067aa0ba902b7",
            name="case.view",
            status="OK",
            started_at=started,
            ended_at=started,
            processing_activity_id=code,
            data_subject_id=subject_pseudonym(BSN),
            data_subject_type=plog.SUBJECT_TYPE_BSN,
        )
    )


def _invoke(app, args):
    from casebook.cli import cli

    return app.test_cli_runner().invoke(cli, args, obj=ScriptInfo(create_app=lambda: app))


def test_prune_removes_lines_past_their_activitys_retention(app):
    _line("pga-reporting", 800)  # kept 730 days
    _line("pga-reporting", 10)
    _line("pga-casework", 800)  # kept 1825 days
    db.session.commit()
    result = _invoke(app, ["processing-log", "prune"])
    assert result.exit_code == 0, result.output
    assert "pruned 1 processing-log lines" in result.output
    kept = db.session.scalars(select(ProcessingLogEntry.processing_activity_id)).all()
    assert sorted(kept) == ["pga-casework", "pga-reporting"]


def test_export_is_the_privacy_officers_and_audited_under_their_name(app):
    officer = make_user(org=make_org(kind=OrganisationKind.MUNICIPALITY), roles=[Role.PRIVACY_OFFICER])
    worker = make_user(roles=[Role.SUPERVISOR])
    _line("pga-casework", 1)
    db.session.commit()
    refused = _invoke(app, ["processing-log", "export", "--subject-bsn", BSN, "--by", worker.username])
    assert refused.exit_code != 0 and "privacy officer only" in refused.output
    result = _invoke(app, ["processing-log", "export", "--subject-bsn", BSN, "--by", officer.username])
    assert result.exit_code == 0, result.output
    assert "trace_id" in result.output and "pga-casework" in result.output and BSN not in result.output
    event = last_event("processing_log.export", actor_user_id=officer.id)
    assert event.details == {"count": 1, "format": "csv"}
    invalid = _invoke(app, ["processing-log", "export", "--subject-bsn", "123", "--by", officer.username])
    assert invalid.exit_code != 0
    assert db.session.scalar(select(func.count()).select_from(ProcessingLogEntry)) == 2  # its own look-up logged
    assert Subject(subject_pseudonym(BSN), "BSN").id == "BSN"
