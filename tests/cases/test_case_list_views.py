"""The case list over HTTP: the POST search (never in a URL or an audit event), bad input, sorting,
subjects' names for content readers only, saved filters, and the export with its formula guard."""

from __future__ import annotations

import csv
import io
import re
import zipfile

import pytest

from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from tests.factories import login_as, make_case, make_org, make_person, make_user
from tests.helpers import audit_events

NAME = "El Khatib"


@pytest.fixture
def team():
    org = make_org()
    return org, make_user(org=org, roles=[Role.CASEWORKER])


@pytest.fixture
def khatib_case(team):
    org, _user = team
    return make_case(lead=org, subjects=[make_person(NAME, given_names="Yasmina")])


def _no_term_in_events(*terms: str) -> None:
    db.session.commit()
    for event in audit_events():
        recorded = str(event.details).casefold()
        assert all(term.casefold() not in recorded for term in terms), event.action


def test_the_search_is_a_post_and_the_term_never_reaches_a_url_or_the_audit(client, team, khatib_case):
    org, user = team
    other = make_case(lead=org, subjects=[make_person("Bakker")])
    login_as(client, user)
    response = client.post("/cases/search?sort=reference", data={"q": "Khatib"})
    assert response.status_code == 302
    assert "hatib" not in response.headers["Location"].casefold() and "sort=reference" in response.headers["Location"]
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert khatib_case.reference in page and other.reference not in page
    assert "Yasmina El Khatib" in page  # a content reader sees the subjects' names
    assert "hatib" not in " ".join(re.findall(r'href="([^"]*)"', page)).casefold()  # no link carries it
    _no_term_in_events("khatib")
    listed = [e for e in audit_events("case.list")]
    assert listed[-1].details["search"] == "name"
    # paging and sorting keep the search (from the session)
    sorted_page = client.get("/cases?sort=-reference").get_data(as_text=True)
    assert khatib_case.reference in sorted_page and other.reference not in sorted_page
    client.post("/cases/search", data={"q": "", "clear": "1"})
    assert other.reference in client.get("/cases").get_data(as_text=True)


def test_search_by_reference_in_a_loose_spelling(client, team, khatib_case):
    _org, user = team
    login_as(client, user)
    year, number = khatib_case.reference.split("-")[1:]
    response = client.post("/cases/search", data={"q": f"pga-{year}-{int(number)}"})
    assert response.status_code == 302
    assert khatib_case.reference in client.get("/cases").get_data(as_text=True)
    assert audit_events("case.list")[-1].details["search"] == "reference"


@pytest.mark.parametrize("typed", ["x" * 300, "%", "_", "\\", "'\"", "J"])
def test_bad_search_input_is_a_message_not_an_error(client, team, khatib_case, typed):
    _org, user = team
    login_as(client, user)
    response = client.post("/cases/search", data={"q": typed})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "utrecht-form-field__error-message" in body and khatib_case.reference in body  # the list still shows


def test_a_bsn_in_the_search_box_is_refused_and_not_shown_back(client, team):
    _org, user = team
    login_as(client, user)
    response = client.post("/cases/search", data={"q": "1234 56 782"})
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert "1234 56 782" not in body and "123456782" not in body and "Personen zoeken" in body
    _no_term_in_events("123456782", "1234 56 782")


@pytest.mark.parametrize("query", ["?sort=name", "?sort=-", "?sort=%27;drop", "?after=tampered", "?before=AAAA"])
def test_an_unknown_sort_or_a_tampered_cursor_shows_the_first_page(client, team, khatib_case, query):
    _org, user = team
    login_as(client, user)
    response = client.get("/cases" + query)
    assert response.status_code == 200 and khatib_case.reference in response.get_data(as_text=True)


def test_a_cursor_of_another_sort_shows_the_first_page_with_a_notice(client, team):
    org, user = team
    for _ in range(3):
        make_case(lead=org)
    login_as(client, user)
    client.application.config["PAGE_SIZE"], size = 1, client.application.config["PAGE_SIZE"]
    try:
        page = client.get("/cases?sort=reference").get_data(as_text=True)
        cursor = re.search(r'after=([^"&]+)', page).group(1)
        notice = client.get(f"/cases?sort=-reference&after={cursor}").get_data(as_text=True)
        assert "niet geldig" in notice
    finally:
        client.application.config["PAGE_SIZE"] = size


def test_columns_sort_and_a_supervisor_sees_only_the_number_of_persons(client, team, khatib_case):
    org, _user = team
    supervisor = make_user(org=org, roles=[Role.SUPERVISOR])
    login_as(client, supervisor)
    page = client.get("/cases?sort=next_evaluation").get_data(as_text=True)
    assert 'aria-sort="ascending"' in page
    assert khatib_case.reference in page and "Khatib" not in page and "1 betrokkene" in page
    assert client.post("/cases/search", data={"q": "Khatib"}).status_code == 422  # names are content


def test_mine_and_status_filters(client, team):
    org, user = team
    mine, other = make_case(lead=org), make_case(lead=org)
    mine.process_coordinator_id = user.id
    db.session.flush()
    login_as(client, user)
    page = client.get("/cases?mine=y").get_data(as_text=True)
    assert mine.reference in page and other.reference not in page
    assert other.reference not in client.get("/cases?status=closed").get_data(as_text=True)
    assert other.reference in client.get("/cases?status=all").get_data(as_text=True)


def test_saved_filters_duplicates_and_privacy(client, team):
    org, user = team
    login_as(client, user)
    response = client.post("/cases/filters?status=all&mine=y&sort=reference", data={"name": "Wielwijk open"})
    assert response.status_code == 302
    again = client.post("/cases/filters?status=all", data={"name": " wielwijk  OPEN "})
    assert again.status_code == 422
    body = again.get_data(as_text=True)
    assert "al een filter met deze naam" in body and "wielwijk  OPEN" in body  # the input is kept
    listing = client.get("/cases/filters").get_data(as_text=True)
    assert "Wielwijk open" in listing and "mine=y" in listing and "sort=reference" in listing
    filter_id = int(re.search(r"/cases/filters/(\d+)/delete", listing).group(1))
    client.post("/logout")
    login_as(client, make_user(org=org, roles=[Role.CASEWORKER]))
    assert "Wielwijk open" not in client.get("/cases/filters").get_data(as_text=True)
    assert client.post(f"/cases/filters/{filter_id}/delete").status_code == 404
    client.post("/logout")
    login_as(client, user)
    assert client.post(f"/cases/filters/{filter_id}/delete").status_code == 302
    assert "Wielwijk open" not in client.get("/cases/filters").get_data(as_text=True)
    _no_term_in_events("wielwijk open")
    assert client.post("/cases/filters", data={"name": "x" * 81}).status_code == 422


def test_the_search_term_is_never_saved_with_a_filter(client, team, khatib_case):
    _org, user = team
    login_as(client, user)
    client.post("/cases/search", data={"q": "Khatib"})
    client.post("/cases/filters?status=all", data={"name": "Zoek"})
    listing = client.get("/cases/filters").get_data(as_text=True)
    assert "hatib" not in listing.casefold()


def test_csv_export_neutralises_formulas_and_is_audited_without_terms(client, team):
    _org, user = team
    evil = make_org("evil", name='=HYPERLINK("http://x")')
    make_case(lead=evil, participants=[(user.organisation, Involvement.CONTRIBUTOR)])
    subject = make_person("-Min", given_names="")
    make_case(lead=evil, participants=[(user.organisation, Involvement.CONTRIBUTOR)], subjects=[subject])
    login_as(client, user)
    client.post("/cases/search", data={"q": "Min"})
    response = client.get("/cases/export?format=csv&status=all")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff")), delimiter=";"))
    assert rows[0][0] == "Kenmerk" and len(rows) == 2  # the header and the one case found by name
    assert rows[1][4] == '\'=HYPERLINK("http://x")' and rows[1][7] == "'-Min"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row)
    event = audit_events("case.export")[-1]
    assert event.details["rows"] == 1 and event.details["search"] == "name" and event.details["format"] == "csv"
    _no_term_in_events("min")


def test_xlsx_export_has_the_same_rows(client, team, khatib_case):
    _org, user = team
    login_as(client, user)
    response = client.get("/cases/export?format=xlsx&status=all")
    assert response.status_code == 200 and "spreadsheetml" in response.mimetype
    with zipfile.ZipFile(io.BytesIO(response.data)) as book:
        strings = book.read("xl/sharedStrings.xml").decode()
    assert khatib_case.reference in strings and "Yasmina El Khatib" in strings
    assert audit_events("case.export")[-1].details["format"] == "xlsx"


def test_the_export_shows_names_only_to_content_readers(client, team, khatib_case):
    org, _user = team
    login_as(client, make_user(org=org, roles=[Role.SUPERVISOR]))
    body = client.get("/cases/export?status=all").get_data(as_text=True)
    assert khatib_case.reference in body and "Khatib" not in body and "1 betrokkene" in body
