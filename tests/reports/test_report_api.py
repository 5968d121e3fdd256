"""The reports API: the list, one report as suppressed JSON, 404 and 422 problems, the audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.db import utcnow
from casebook.organisations.models import OrganisationKind
from tests.api.support import assert_problem
from tests.factories import bearer, make_api_token, make_district, make_org, make_user
from tests.helpers import audit_events
from tests.reports.test_queries_caseload import make_history_case


def _headers(user):
    return bearer(make_api_token(user))


def test_the_list_names_every_report_the_reader_may_read(client):
    body = client.get("/api/v1/reports", headers=_headers(make_user(roles=[Role.SUPERVISOR]))).json
    assert {"caseload", "throughput", "signals"} <= {item["name"] for item in body["items"]}


@pytest.mark.parametrize("path", ["/api/v1/reports", "/api/v1/reports/caseload"])
@pytest.mark.parametrize("role", ["caseworker", "admin"])
def test_readers_without_reports_get_404(client, path, role):
    assert_problem(client.get(path, headers=_headers(make_user(roles=[role]))), 404)


def test_an_unknown_report_is_404(client):
    assert_problem(client.get("/api/v1/reports/everything", headers=_headers(make_user(roles=[Role.SUPERVISOR]))), 404)


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("start=1976-01-01&end=2025-12-31", "start"),
        ("district=geen-wijk", "district"),
        ("case_type=radicalisation", "case_type"),  # a restricted type the reader is not authorised for
        ("end=2020-01-01&start=2021-01-01", "end"),
        ("start=2025-13-01", "start"),
        ("colour=red", "colour"),
    ],
)
def test_a_bad_filter_is_422_problem(client, query, field):
    from tests.factories import make_case_type

    make_case_type("radicalisation", restricted=True)
    response = client.get(f"/api/v1/reports/signals?{query}", headers=_headers(make_user(roles=[Role.SUPERVISOR])))
    assert_problem(response, 422)
    assert [error["field"] for error in response.json["errors"]] == [field]


def test_one_report_as_suppressed_json_and_its_event(client):
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    wijk = make_district("rep-api")
    opened = utcnow() - timedelta(days=3)
    for _ in range(6):
        make_history_case(west, district=wijk, opened=opened)
    make_history_case(west, type="housing_nuisance", district=wijk, opened=opened)
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    response = client.get(f"/api/v1/reports/caseload?district={wijk.code}", headers=_headers(leader))
    assert response.status_code == 200
    body = response.json
    assert (body["scope"], body["threshold"], body["empty"]) == ("organisation", 5, False)
    table = next(t for t in body["tables"] if t["key"] == "by_district_type")
    cells = {(c["row"], c["column"]): c for c in table["cells"]}
    assert cells[("rep-api", "housing_nuisance")] == {
        "row": "rep-api",
        "column": "housing_nuisance",
        "value": None,
        "suppressed": True,
    }
    everything = [*table["cells"], *table["row_totals"], *table["column_totals"], table["grand_total"]]
    assert all(c["value"] is None if c["suppressed"] else c["value"] >= 5 for c in everything)
    assert {"value": 7, "suppressed": False} in [{k: c[k] for k in ("value", "suppressed")} for c in everything]
    events = audit_events(request_id=response.headers["X-Request-Id"])
    assert [(e.action, e.outcome) for e in events] == [
        ("api.token.use", Outcome.ALLOWED),
        ("report.view", Outcome.ALLOWED),
    ]
