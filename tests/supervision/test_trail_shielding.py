"""The trail's shielding holds on every way out: the screen, the CSV export and the API.

A supervisor whose authorisations do not cover a *geheim* case keeps seeing that someone of their
organisation did something (who, what, when) but nothing of the case: no reference, object id,
details — and filtering on its reference finds nothing, exactly like an unknown one.
The export also asks for a recent login (step-up).
"""

from __future__ import annotations

import csv
import io

import pytest

from casebook import audit
from casebook.access import Action, can
from casebook.audit import Outcome
from casebook.audit.models import AuditEvent
from casebook.confidentiality import Confidentiality
from casebook.db import db
from tests.factories import bearer, login_as, make_api_token, make_case, make_case_type, make_org, make_user
from tests.helpers import audit_events

OBJECT_ID = 987654
DETAIL = "geheim-kenmerk"


class Note:
    """Stands in for an object of the shielded case: the trail records its type and id."""

    def __init__(self, case_id: int) -> None:
        self.id = OBJECT_ID
        self.case_id = case_id


@pytest.fixture
def world():
    zvh = make_org("zvh-s", name="ZVH")
    make_case_type("secret", restricted=True, confidentiality=Confidentiality.GEHEIM)
    worker = make_user("zvh.worker", org=zvh)
    supervisor = make_user("zvh.sup", org=zvh, roles=["supervisor"])
    secret = make_case(lead=zvh, type="secret")
    visible = make_case(lead=zvh)
    shielded_event = audit.record(worker, "note.add", Note(secret.id), details={"marker": DETAIL})
    visible_event = audit.record(worker, "case.view", visible, details={"marker": "zichtbaar"})
    db.session.commit()  # chains them
    return {
        "supervisor": supervisor,
        "secret_reference": secret.reference,
        "shielded_event_id": shielded_event.id,
        "visible_event_id": visible_event.id,
        "visible_reference": visible.reference,
    }


def _rows(response) -> list[dict[str, str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv", response.status_code
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def _by_worker(rows: list[dict[str, str]]) -> list[dict[str, str]]:
    return [row for row in rows if row["actor_username"] == "zvh.worker"]


def test_filtering_the_export_on_a_shielded_reference_finds_nothing(client, world):
    login_as(client, world["supervisor"])
    reference = world["secret_reference"]
    response = client.get(f"/audit/export.csv?case={reference}")
    body = response.get_data(as_text=True)
    assert _by_worker(_rows(response)) == []
    assert str(OBJECT_ID) not in body and DETAIL not in body and reference not in body
    # the screen agrees, and answers like an unknown reference
    html = client.get(f"/audit/?case={reference}").get_data(as_text=True)
    assert "0 gebeurtenissen" in html and str(OBJECT_ID) not in html
    unknown = client.get("/audit/export.csv?case=PGA-1999-99999")
    assert _by_worker(_rows(unknown)) == []


def test_shielded_rows_are_masked_in_the_export_as_on_the_screen(client, world):
    login_as(client, world["supervisor"])
    rows = _by_worker(_rows(client.get("/audit/export.csv?user=zvh.worker")))
    html = client.get("/audit/?user=zvh.worker").get_data(as_text=True)
    assert f"{len(rows)} gebeurtenissen" in html  # the screen and the export list the same events
    shielded = [row for row in rows if row["action"] == "note.add"]
    assert len(shielded) == 1
    assert shielded[0]["case"] == "afgeschermd"
    assert shielded[0]["object_id"] == "" and shielded[0]["details"] == "" and "reason" not in shielded[0]
    visible = [row for row in rows if row["action"] == "case.view"]
    assert visible[0]["case"] == world["visible_reference"] and "zichtbaar" in visible[0]["details"]
    for text in (str(OBJECT_ID), DETAIL, "Toelichting bij de geheime casus", world["secret_reference"]):
        assert text not in html
    assert "afgeschermd" in html


def test_the_api_masks_shielded_events_and_its_case_filter_finds_nothing(client, world):
    headers = bearer(make_api_token(world["supervisor"]))
    body = client.get("/api/v1/audit?actor=zvh.worker", headers=headers).json
    [shielded] = [e for e in body["items"] if e["action"] == "note.add"]
    assert shielded["case_shielded"] and shielded["case_reference"] is None
    assert shielded["object_id"] is None and shielded["details"] == {} and "reason" not in shielded
    filtered = client.get(f"/api/v1/audit?case={world['secret_reference']}", headers=headers).json
    assert [e for e in filtered["items"] if e["actor"] == "zvh.worker"] == []


def test_the_policy_decides_which_events_are_shown_in_full(world):
    supervisor = world["supervisor"]
    shielded = db.session.get(AuditEvent, world["shielded_event_id"])
    visible = db.session.get(AuditEvent, world["visible_event_id"])
    assert not can(supervisor, Action.VIEW_AUDIT_EVENT, shielded)
    assert can(supervisor, Action.VIEW_AUDIT_EVENT, visible)
    assert not can(make_user("zvh.other", org=supervisor.organisation), Action.VIEW_AUDIT_EVENT, visible)
    outsider = make_user("ander.sup", org=make_org("ander"), roles=["supervisor"])
    assert not can(outsider, Action.VIEW_AUDIT_EVENT, visible)


def test_the_export_needs_a_recent_login_and_exports_nothing_without(client, world, frozen_clock):
    supervisor_id = world["supervisor"].id
    login_as(client, world["supervisor"])
    frozen_clock.advance(minutes=6)
    response = client.get("/audit/export.csv?user=zvh.worker")
    assert response.status_code == 302
    assert response.headers["Location"] == "/reauth?next=/audit/export.csv?user%3Dzvh.worker"
    assert response.mimetype != "text/csv" and "note.add" not in response.get_data(as_text=True)
    assert [e for e in audit_events("audit.export") if e.actor_user_id == supervisor_id] == []


def test_a_non_supervisor_gets_the_audited_404_not_the_reauth(client, world, frozen_clock):
    worker = make_user("zvh.caseworker", org=world["supervisor"].organisation)
    login_as(client, worker)
    frozen_clock.advance(minutes=6)
    assert client.get("/audit/export.csv").status_code == 404
    assert audit_events("audit.export")[-1].outcome is Outcome.DENIED
