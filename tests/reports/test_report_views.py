"""The report screens: who sees them (404 otherwise), the filters' messages, the empty period, the
isolated case (all cells suppressed), the audited view and export, and a fixed statement budget."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.db import utcnow
from casebook.organisations.models import OrganisationKind
from tests.factories import login_as, make_district, make_org, make_user
from tests.helpers import audit_events
from tests.reports.test_queries_caseload import make_history_case
from tests.scale.test_statement_budget import PARTS, get, within_budget

REPORT_PAGES = (
    "/reports/",
    "/reports/caseload",
    "/reports/throughput",
    "/reports/signals",
    "/reports/interventions",
    "/reports/results",
    "/reports/yearly",
)
# the session, the scope (2), the choices (3), the facts' refresh, the queries (10), the header, the audit (2)
REPORT_PAGE_BUDGET = 21


def _leader(kind=OrganisationKind.WIJKTEAM):
    return make_user(org=make_org(kind=kind), roles=[Role.SUPERVISOR])


@pytest.mark.parametrize("path", REPORT_PAGES)
def test_a_teamleider_sees_every_report_page(client, path):
    login_as(client, _leader())
    response = client.get(path)
    assert response.status_code == 200
    assert "Rapportages" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", [*REPORT_PAGES, "/reports/caseload/export.csv"])
@pytest.mark.parametrize("role", ["caseworker", "admin"])
def test_caseworkers_and_admins_get_404_audited(client, path, role):
    reader = make_user(org=make_org(kind=OrganisationKind.WIJKTEAM), roles=[role])
    login_as(client, reader)
    response = client.get(path)
    assert response.status_code == 404
    events = audit_events(request_id=response.headers["X-Request-Id"])
    assert [(e.outcome, e.actor_user_id) for e in events] == [(Outcome.DENIED, reader.id)]
    assert 'href="/reports/"' not in client.get("/").get_data(as_text=True)  # no navigation entry


def test_the_navigation_entry_is_shown_to_readers(client):
    login_as(client, _leader())
    assert 'href="/reports/"' in client.get("/").get_data(as_text=True)


def test_an_unknown_report_is_404(client):
    login_as(client, _leader())
    assert client.get("/reports/everything").status_code == 404
    assert client.get("/reports/caseload/export.pdf").status_code == 404


def test_a_fifty_year_period_is_refused_at_the_form(client):
    login_as(client, _leader())
    response = client.get("/reports/caseload?start=1976-01-01&end=2025-12-31")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Een periode is hoogstens 10 jaar" in html and 'aria-invalid="true"' in html
    assert 'id="table-' not in html
    assert audit_events("report.view") == []


def test_an_unknown_filter_value_is_a_form_message_that_does_not_repeat_it(client):
    login_as(client, _leader())
    response = client.get("/reports/signals?district=geheime-wijk")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Deze keuze bestaat niet of valt buiten uw bereik." in html
    assert "geheime-wijk" not in html.split("<form", 1)[0]  # the message (the summary) does not repeat it


def test_an_empty_period_says_so(client):
    login_as(client, _leader())
    response = client.get("/reports/signals?start=2001-01-01&end=2001-12-31")
    assert response.status_code == 200
    assert "Geen gegevens in deze periode." in response.get_data(as_text=True)


def test_one_case_in_a_wijk_in_a_month_shows_no_number_at_all(client):
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    wijk = make_district("rep-alleen")
    make_history_case(west, district=wijk, opened=utcnow() - timedelta(days=2))
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    login_as(client, leader)
    response = client.get(f"/reports/caseload?district={wijk.code}")
    html = response.get_data(as_text=True)
    tables = html.split('id="table-by_district_type"', 1)[1].split("</table>", 1)[0]
    cells = [part.split("</td>", 1)[0] for part in tables.split("<td")[1:]]
    assert cells and all("niet getoond" in cell for cell in cells)
    exported = client.get(f"/reports/caseload/export.csv?district={wijk.code}").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(exported.lstrip("\ufeff")), delimiter=";"))
    assert not any(value.strip() == "1" for row in rows for value in row[1:])


def test_a_view_and_an_export_write_their_events_without_personal_data(client):
    leader = _leader()
    login_as(client, leader)
    response = client.get("/reports/throughput?start=2025-01&end=2025-06")
    (event,) = audit_events(request_id=response.headers["X-Request-Id"])
    assert (event.action, event.outcome, event.actor_user_id) == ("report.view", Outcome.ALLOWED, leader.id)
    assert event.details == {
        "report": "throughput",
        "scope": "organisation",
        "start": "2025-01-01",
        "end": "2025-07-01",
        "districts": [],
        "case_types": [],
        "organisation": None,
    }
    response = client.get("/reports/throughput/export.xlsx?start=2025-01&end=2025-06")
    assert response.status_code == 200 and response.data[:2] == b"PK"
    (event,) = audit_events(request_id=response.headers["X-Request-Id"])
    assert (event.action, event.details["format"]) == ("report.export", "xlsx")


@pytest.mark.parametrize("part", PARTS)
def test_the_caseload_page_has_a_fixed_budget_whatever_the_number_of_cases(client, part):
    west = make_org(kind=OrganisationKind.WIJKTEAM)
    leader = make_user(org=west, roles=[Role.SUPERVISOR])
    team = [make_user(org=west, roles=[Role.COORDINATOR]) for _ in range(3)]
    wijken = [make_district(f"rep-budget-{i}") for i in range(3)]
    opened = utcnow() - timedelta(days=20)

    def grow(count: int) -> None:
        for i in range(count):
            make_history_case(west, district=wijken[i % 3], opened=opened, coordinator=team[i % 3], manager=team[i % 3])

    login_as(client, leader)
    grow(2)
    small, _ = get(client, "/reports/caseload")
    grow(30)
    large, response = get(client, "/reports/caseload")
    assert "Open casussen per procesregisseur" in response.get_data(as_text=True)
    within_budget(small, large, REPORT_PAGE_BUDGET, "caseload report", part)


def test_the_filters_default_to_the_last_twelve_months_and_read_months_and_years():
    from datetime import date

    from casebook.reports.filters import FilterChoices, FilterError, parse_filters

    none = FilterChoices((), ())
    today = date(2026, 12, 3)
    default = parse_filters({}, none, today)
    assert (default.start, default.end) == (date(2026, 1, 1), date(2027, 1, 1))
    months = parse_filters({"start": "2025-02", "end": "2025-02"}, none, today)
    assert (months.start, months.end, months.last_day) == (date(2025, 2, 1), date(2025, 3, 1), date(2025, 2, 28))
    year = parse_filters({"year": "2024"}, none, today)
    assert (year.start, year.end) == (date(2024, 1, 1), date(2025, 1, 1))
    assert parse_filters({"start": "2015-01-01", "end": "2024-12-31"}, none, today).start == date(2015, 1, 1)
    with pytest.raises(FilterError) as refused:
        parse_filters({"start": "2015-01-01", "end": "2025-01-01"}, none, today)  # a day over ten years
    assert refused.value.field == "start"


def test_the_yearly_overview_defaults_to_the_last_whole_year(client):
    login_as(client, _leader(OrganisationKind.MUNICIPALITY))
    response = client.get("/reports/yearly")
    assert response.status_code == 200
    year = utcnow().year - 1
    (event,) = audit_events(request_id=response.headers["X-Request-Id"])
    assert (event.details["start"], event.details["end"]) == (f"{year}-01-01", f"{year + 1}-01-01")
    assert client.get("/reports/yearly?year=20x5").status_code == 422
