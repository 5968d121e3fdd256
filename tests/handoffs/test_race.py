"""Two concurrent decisions on PostgreSQL, each in its own connection and transaction: one winner.

The first decision claims the handoff and waits before committing; the second is started and
must block on the row lock (observed in ``pg_stat_activity``); then the first commits and the
second finds the handoff no longer pending (or the case version changed) and changes nothing.
"""

from __future__ import annotations

import sys
import threading
import time
import traceback
from collections.abc import Callable

import pytest
from sqlalchemy import create_engine, func, select, text

from casebook import create_app, migrate
from casebook.audit.models import AuditEvent, Outcome
from casebook.auth.models import Role, User
from casebook.cases.models import Case, Involvement
from casebook.db import db
from casebook.handoffs import services
from casebook.handoffs.errors import HandoffConflict
from casebook.handoffs.models import Handoff, HandoffKind, HandoffStatus, LegalBasis, SenderAfterTransfer
from casebook.organisations.models import OrganisationKind
from tests.conftest import TEST_SETTINGS
from tests.factories import make_case, make_org, make_user

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_app(fresh_postgres_url, tmp_path):
    """An app on its own fresh PostgreSQL database, with real commits (not the rolled-back test session)."""
    db.session.remove()
    db.session.configure(bind=None)
    app = create_app({**TEST_SETTINGS, "DATABASE_URL": fresh_postgres_url, "INSTANCE_PATH": str(tmp_path)})
    with app.app_context():
        migrate.upgrade(app)
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _seed(app) -> dict[str, int]:
    with app.app_context():
        zvh = make_org("zvh", kind=OrganisationKind.ZVH)
        west = make_org("west", kind=OrganisationKind.WIJKTEAM)
        police = make_org("politie", kind=OrganisationKind.POLICE)
        sender = make_user("zvh.coord", org=zvh, roles=[Role.COORDINATOR])
        first = make_user("west.coord1", org=west, roles=[Role.COORDINATOR])
        second = make_user("west.coord2", org=west, roles=[Role.COORDINATOR])
        police_coord = make_user("politie.coord", org=police, roles=[Role.COORDINATOR])
        case = make_case(lead=zvh)
        basis = db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant"))

        def handoff_to(receiver, kind):
            extra = (
                {"sender_after": SenderAfterTransfer.OBSERVER}
                if kind is HandoffKind.TRANSFER
                else {"receiver_involvement": Involvement.CONTRIBUTOR}
            )
            data = services.HandoffInput(
                kind=kind, receiver=receiver, summary="samenvatting", legal_basis=basis, person_informed=True, **extra
            )
            return services.send(case, data, by=sender)

        transfer = handoff_to(west, HandoffKind.TRANSFER)
        referral = handoff_to(police, HandoffKind.REFERRAL)
        ids = {
            "case": case.id,
            "transfer": transfer.id,
            "referral": referral.id,
            "sender": sender.id,
            "first": first.id,
            "second": second.id,
            "police": police_coord.id,
            "west": west.id,
        }
        db.session.commit()
        db.session.remove()
        return ids


def _accept(handoff_key: str, user_key: str) -> Callable[[dict[str, int]], None]:
    def run(ids):
        user = db.session.get(User, ids[user_key])
        handoff = db.session.get(Handoff, ids[handoff_key])
        coordinator = user if handoff.kind is HandoffKind.TRANSFER else None
        services.accept(handoff, by=user, process_coordinator=coordinator)

    return run


def _cancel(ids):
    services.cancel(db.session.get(Handoff, ids["transfer"]), by=db.session.get(User, ids["sender"]))


def _worker(app, ids, decide, results, name, flushed=None, may_commit=None):
    with app.app_context():
        try:
            decide(ids)
            if flushed is not None:
                flushed.set()
                assert may_commit.wait(20), "never released"
            db.session.commit()
            results[name] = "won"
        except HandoffConflict as exc:
            db.session.rollback()
            results[name] = f"conflict:{exc.status}"
        except BaseException as exc:  # surfaced by the assertion below
            db.session.rollback()
            results[name] = f"error:{exc!r} {traceback.format_exc()[-1500:]}"
            if flushed is not None:
                flushed.set()
        finally:
            db.session.remove()


def _wait_until_blocked(url: str, second: threading.Thread, results: dict, timeout: float = 15.0) -> None:
    engine = create_engine(url)
    deadline = time.monotonic() + timeout
    try:
        with engine.connect() as connection:
            while time.monotonic() < deadline and second.is_alive():
                waiting = connection.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity "
                        "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                    )
                ).scalar()
                connection.rollback()  # pg_stat_activity is a per-transaction snapshot: look again afresh
                if waiting:
                    return
                time.sleep(0.01)
        with engine.connect() as connection:
            activity = connection.execute(
                text(
                    "SELECT state, wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity "
                    "WHERE datname = current_database()"
                )
            ).all()
    finally:
        engine.dispose()
    frame = sys._current_frames().get(second.ident or -1)
    stack = "".join(traceback.format_stack(frame)) if frame else ""
    raise AssertionError(f"the second decision never blocked: {results} {activity} {stack[-3000:]}")


SCENARIOS = {
    "accept_vs_cancel": (_accept("transfer", "first"), _cancel, "conflict:accepted"),
    "accept_vs_accept": (_accept("transfer", "first"), _accept("transfer", "second"), "conflict:accepted"),
    "cancel_vs_accept": (_cancel, _accept("transfer", "first"), "conflict:cancelled"),
    # different handoffs, same case: the case version decides
    "transfer_vs_referral": (_accept("transfer", "first"), _accept("referral", "police"), "conflict:case_changed"),
}


@pytest.mark.parametrize("scenario", sorted(SCENARIOS))
def test_two_concurrent_decisions_have_exactly_one_winner(pg_app, fresh_postgres_url, scenario):
    first, second, loser_status = SCENARIOS[scenario]
    ids = _seed(pg_app)
    results: dict[str, str] = {}
    flushed, may_commit = threading.Event(), threading.Event()
    a = threading.Thread(target=_worker, args=(pg_app, ids, first, results, "first", flushed, may_commit))
    a.start()
    assert flushed.wait(20)
    b = threading.Thread(target=_worker, args=(pg_app, ids, second, results, "second"))
    b.start()
    try:
        _wait_until_blocked(fresh_postgres_url, b, results)
    finally:
        may_commit.set()
        a.join(30)
        b.join(30)
    assert results["first"] == "won", results
    assert results["second"].startswith(loser_status), results

    with pg_app.app_context():
        case = db.session.get(Case, ids["case"])
        transfer = db.session.get(Handoff, ids["transfer"])
        leads = [p for p in case.active_participants if p.involvement is Involvement.LEAD]
        assert len(leads) == 1 and leads[0].organisation_id == case.lead_organisation_id
        if scenario == "cancel_vs_accept":
            assert transfer.status is HandoffStatus.CANCELLED and case.lead_organisation.slug == "zvh"
        else:
            assert transfer.status is HandoffStatus.ACCEPTED and case.lead_organisation_id == ids["west"]
            assert transfer.decided_by_id == ids["first"]
        if scenario == "transfer_vs_referral":
            referral = db.session.get(Handoff, ids["referral"])
            assert referral.status is HandoffStatus.PENDING  # nothing of the loser was kept
            assert all(p.organisation.slug != "politie" for p in case.active_participants)
        decisions = db.session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.action.in_(("handoff.accept", "handoff.cancel")), AuditEvent.outcome == Outcome.ALLOWED
            )
        )
        assert decisions == 1
        db.session.remove()
