"""The demo: the seeded register, and the demo seed's own reads leave processing-log lines."""

from __future__ import annotations

from flask import current_app
from sqlalchemy import func, select

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.db import db
from casebook.demo.seed import seed
from casebook.privacy.processing_log import ProcessingLogEntry


def test_the_demo_reads_are_logged_and_the_privacy_officer_sees_the_register():
    summary = seed(current_app.config["DEMO_PASSWORD"])
    assert summary["processings logged"] >= 5
    db.session.commit()
    # one transaction: a subject has one line per activity (its first processing names it)
    names = set(db.session.scalars(select(ProcessingLogEntry.name)))
    assert {"case.create", "handoff.send"} <= names
    activities = set(db.session.scalars(select(ProcessingLogEntry.processing_activity_id)))
    assert {"pga-casework", "pga-information-sharing"} <= activities
    assert db.session.scalar(select(func.count(func.distinct(ProcessingLogEntry.trace_id)))) == 1
    officer = db.session.scalar(select(User).where(User.username == "gemeente.privacy"))
    assert can(officer, Action.VIEW_REGISTER) and can(officer, Action.VIEW_PROCESSING_LOG)
