"""A lost race undoes only the operation's own work: the request's earlier audit events stay.

Only the request wrapper commits or rolls back; ``lifecycle.case_change`` uses a savepoint.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from casebook import audit
from casebook.audit import Outcome
from casebook.cases import editing, lifecycle
from casebook.cases.errors import StaleCase
from casebook.cases.models import Case, CaseStatusChange
from casebook.db import db
from tests.factories import make_case, make_org, make_user, status_of
from tests.helpers import audit_events


@pytest.fixture
def coordinator():
    return make_user(org=make_org("zvh"), roles=["coordinator"])


@pytest.fixture
def case(coordinator):
    return make_case(lead=coordinator.organisation)


def _another_writer_wins(case: Case) -> None:
    """A concurrent request committed a change: the row's version moved, this session does not know."""
    db.session.execute(
        update(Case).where(Case.id == case.id).values(version=Case.version + 1),
        execution_options={"synchronize_session": False},
    )


def _earlier_denial(user) -> None:
    audit.record(user, "note.view", outcome=Outcome.DENIED, details={"requested_id": "1"})


def test_a_lost_race_on_a_transition_keeps_the_earlier_denial_of_the_request(case, coordinator):
    _earlier_denial(coordinator)
    _another_writer_wins(case)
    with pytest.raises(StaleCase) as stale:
        lifecycle.transition(
            case, status_of(case, "plan_van_aanpak").id, reason="", by=coordinator, expected_version=case.version
        )
    assert stale.value.current_version == 2
    assert len(audit_events("note.view", actor_user_id=coordinator.id, outcome=Outcome.DENIED)) == 1
    assert not audit_events("case.transition", outcome=Outcome.ALLOWED)
    changes = db.session.scalars(select(CaseStatusChange).where(CaseStatusChange.case_id == case.id))
    assert len(list(changes)) == 1  # only the opening
    assert db.session.get(Case, case.id) is case  # the session goes on: the case is still there


def test_a_lost_race_on_an_edit_keeps_the_earlier_denial_of_the_request(case, coordinator):
    _earlier_denial(coordinator)
    _another_writer_wins(case)
    edit = editing.CaseEdit(
        district_id=None,
        confidentiality=case.confidentiality,
        next_evaluation_on=case.opened_at.date().replace(year=case.opened_at.year + 1),
        process_coordinator_id=None,
    )
    with pytest.raises(StaleCase):
        editing.update_case(case, edit, by=coordinator, expected_version=case.version)
    assert len(audit_events("note.view", actor_user_id=coordinator.id, outcome=Outcome.DENIED)) == 1
    assert case.next_evaluation_on is None
