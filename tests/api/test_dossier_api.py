"""The dossier through the API: flags and summary in GET /cases/{id}, PATCH of the summary, PUT of the flags."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from casebook.cases import dossier_changes, lifecycle
from casebook.cases import summary_flags as dossier
from casebook.cases.models import Case
from casebook.db import db
from tests.api.support import assert_problem, make_world
from tests.factories import make_results
from tests.helpers import audit_events, last_event

ANALYSIS = "Schulden-PLANTED-analysis"


@pytest.fixture
def world():
    return make_world()


def _etag(client, world) -> str:
    return client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers("coordinator")).headers["ETag"]


def _set(world, *codes, analysis=None):
    case, coordinator = world.case, world.user("coordinator")
    if analysis:
        edit = dossier_changes.SummaryEdit(problem_analysis=analysis, help_request=None)
        dossier_changes.update_summary(case, edit, by=coordinator, expected_version=case.version)
    dossier_changes.set_flags(case, codes, by=coordinator, expected_version=case.version)
    db.session.commit()


def test_get_shows_flags_to_every_viewer_and_the_summary_to_content_readers(client, world):
    _set(world, "zorgmijder", "wapenbezit", analysis=ANALYSIS)
    body = client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers("west_worker")).json
    assert [f["code"] for f in body["flags"]] == ["wapenbezit", "zorgmijder"]
    assert body["flags"][0] | {"set_at": None} == {
        "code": "wapenbezit",
        "label_nl": "Wapenbezit",
        "label_en": "Possession of weapons",
        "safety": True,
        "set_at": None,
    }
    assert body["problem_analysis"] == ANALYSIS and body["help_request"] is None
    supervisor = client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers("supervisor")).json
    assert [f["code"] for f in supervisor["flags"]] == ["wapenbezit", "zorgmijder"]
    assert supervisor["problem_analysis"] is None and "PLANTED" not in str(supervisor)
    event = last_event("case.dossier.view", actor_user_id=world.user_ids["supervisor"])
    assert event.details == {"flags": ["wapenbezit", "zorgmijder"], "summary": []}
    outsider = client.get(f"/api/v1/cases/{world.case_id}", headers=world.headers("outsider"))
    assert_problem(outsider, 404)
    assert not audit_events("case.dossier.view", actor_user_id=world.user_ids["outsider"])


def test_patch_changes_the_summary_encrypted_with_a_new_etag(client, world):
    etag = _etag(client, world)
    response = client.patch(
        f"/api/v1/cases/{world.case_id}",
        headers={**world.headers("west_worker"), "If-Match": etag},
        json={"problem_analysis": ANALYSIS, "help_request": "Hulp bij schulden"},
    )
    assert response.status_code == 200, response.json
    assert response.json["problem_analysis"] == ANALYSIS and response.headers["ETag"] != etag
    raw = db.session.execute(text('SELECT problem_analysis FROM "case" WHERE id = :id'), {"id": world.case_id}).scalar()
    assert b"PLANTED" not in bytes(raw)
    event = last_event("case.summary.change", case_id=world.case_id)
    assert event.details["fields"] == ["help_request", "problem_analysis"] and "PLANTED" not in str(event.details)
    # only the summary was asked: the load's event, no edit of the case's other fields
    assert all("fields" not in e.details for e in audit_events("case.update", case_id=world.case_id))


def test_patch_of_fields_and_summary_together_bumps_once_per_change(client, world):
    etag = _etag(client, world)
    response = client.patch(
        f"/api/v1/cases/{world.case_id}",
        headers={**world.headers("coordinator"), "If-Match": etag},
        json={"next_evaluation_on": "2099-01-01", "help_request": "Hulp"},
    )
    assert response.status_code == 200, response.json
    assert response.json["version"] == int(etag.strip('"')) + 2
    assert world.case.help_request == "Hulp"


def test_patch_with_a_stale_etag_is_412_and_a_too_long_text_422(client, world):
    path, headers = f"/api/v1/cases/{world.case_id}", world.headers("coordinator")
    response = client.patch(path, headers={**headers, "If-Match": '"99"'}, json={"problem_analysis": ANALYSIS})
    assert_problem(response, 412, "precondition-failed")
    response = client.patch(
        path, headers={**headers, "If-Match": _etag(client, world)}, json={"help_request": "x" * 2001}
    )
    assert_problem(response, 422)
    assert world.case.problem_analysis is None and world.case.help_request is None


def test_put_sets_the_flags_and_audits_the_codes(client, world):
    path = f"/api/v1/cases/{world.case_id}/flags"
    headers = {**world.headers("coordinator"), "If-Match": _etag(client, world)}
    response = client.put(path, headers=headers, json={"flags": ["agressie", "taalbarriere"]})
    assert response.status_code == 200, response.json
    assert [f["code"] for f in response.json["flags"]] == ["agressie", "taalbarriere"]
    assert response.headers["ETag"] == f'"{response.json["version"]}"'
    assert last_event("case.flags.change", case_id=world.case_id).details["added"] == ["agressie", "taalbarriere"]
    headers["If-Match"] = response.headers["ETag"]
    response = client.put(path, headers=headers, json={"flags": []})
    assert response.status_code == 200 and response.json["flags"] == []
    assert dossier.current_flags(world.case) == []


def test_put_refuses_unknown_codes_stale_versions_and_missing_preconditions(client, world):
    path = f"/api/v1/cases/{world.case_id}/flags"
    headers = world.headers("coordinator")
    body = assert_problem(
        client.put(path, headers={**headers, "If-Match": _etag(client, world)}, json={"flags": ["bestaat_niet"]}),
        422,
        "rule-violation",
    )
    assert body["errors"][0]["field"] == "flags"
    assert_problem(client.put(path, headers={**headers, "If-Match": '"99"'}, json={"flags": []}), 412)
    assert_problem(client.put(path, headers=headers, json={"flags": []}), 428)
    assert_problem(client.put(path, headers={**headers, "If-Match": '"1"'}, json={"flags": "wapenbezit"}), 422)
    assert dossier.current_flags(world.case) == []


def test_put_is_404_for_those_who_may_not_edit_and_409_on_a_closed_case(client, world):
    path = f"/api/v1/cases/{world.case_id}/flags"
    for name in ("supervisor", "outsider"):
        response = client.put(path, headers={**world.headers(name), "If-Match": '"1"'}, json={"flags": []})
        assert_problem(response, 404)
    case, coordinator = world.case, world.user("coordinator")
    make_results(case.case_type)
    lifecycle.transition(case, lifecycle.next_status(case).id, reason="", by=coordinator, expected_version=1)
    lifecycle.propose_closure(case, lifecycle.results_for(case)[0].id, "Klaar.", by=coordinator, expected_version=2)
    lifecycle.decide_closure(case, approve=True, comment="", by=world.user("supervisor"), expected_version=case.version)
    db.session.commit()
    etag = f'"{db.session.get(Case, world.case_id).version}"'
    response = client.put(
        path, headers={**world.headers("coordinator"), "If-Match": etag}, json={"flags": ["agressie"]}
    )
    assert_problem(response, 409, "conflict")
