"""The dossier's summary and signaleringen over HTTP: the case page's partial and the edit screens."""

from __future__ import annotations

import re

import pytest

from casebook.cases import dossier_changes
from casebook.cases import summary_flags as dossier
from casebook.cases.models import Case
from casebook.db import db
from tests.factories import login_as, make_case, make_org, make_user
from tests.helpers import audit_events, last_event

ANALYSIS = "Schulden-PLANTED-analysis"


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def case(zvh):
    return make_case(lead=zvh)


def _flag(case, coordinator, *codes):
    """Set flags as another user would meanwhile (objects are detached after a request: read again)."""
    case, coordinator = db.session.get(Case, case.id), db.session.get(type(coordinator), coordinator.id)
    dossier_changes.set_flags(case, codes, by=coordinator, expected_version=case.version)
    db.session.commit()


def test_the_case_page_shows_flags_and_summary_to_a_content_reader(client, case, coordinator):
    dossier_changes.update_summary(
        case,
        dossier_changes.SummaryEdit(problem_analysis=ANALYSIS, help_request=None),
        by=coordinator,
        expected_version=case.version,
    )
    _flag(case, coordinator, "wapenbezit", "zorgmijder")
    login_as(client, coordinator)
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Signaleringen" in html and "Wapenbezit" in html and "Zorgmijder" in html
    assert "Veiligheid" in html  # the safety flag says so in text
    assert ANALYSIS in html
    assert f"/cases/{case.id}/summary/edit" in html and f"/cases/{case.id}/flags/edit" in html
    events = audit_events("case.dossier.view", case_id=case.id, actor_user_id=coordinator.id)
    assert len(events) == 1 and events[0].details == {
        "flags": ["wapenbezit", "zorgmijder"],
        "summary": ["problem_analysis"],
    }


def test_a_supervisor_sees_the_flags_on_the_case_page_but_not_the_summary(client, case, coordinator, zvh):
    dossier_changes.update_summary(
        case,
        dossier_changes.SummaryEdit(problem_analysis=ANALYSIS, help_request=None),
        by=coordinator,
        expected_version=case.version,
    )
    _flag(case, coordinator, "agressie")
    login_as(client, make_user(org=zvh, roles=["supervisor"]))
    html = client.get(f"/cases/{case.id}").get_data(as_text=True)
    assert "Agressie" in html and "PLANTED" not in html and 'id="summary"' not in html
    assert "/flags/edit" not in html and "/summary/edit" not in html


@pytest.mark.parametrize("path", ["/cases/{id}/summary/edit", "/cases/{id}/flags/edit"])
def test_the_edit_screens_are_404_out_of_scope_and_for_supervisors(client, case, zvh, path):
    login_as(client, make_user(org=make_org("elders"), roles=["coordinator"]))
    assert client.get(path.format(id=case.id)).status_code == 404
    assert client.post(path.format(id=case.id), data={"version": case.version}).status_code == 404
    login_as(client, make_user(org=zvh, roles=["supervisor"]))
    assert client.get(path.format(id=case.id)).status_code == 404


def test_editing_the_summary_redirects_with_a_confirmation(client, case, coordinator):
    login_as(client, coordinator)
    form = client.get(f"/cases/{case.id}/summary/edit")
    assert form.status_code == 200 and 'name="problem_analysis"' in form.get_data(as_text=True)
    response = client.post(
        f"/cases/{case.id}/summary/edit",
        data={"version": case.version, "problem_analysis": ANALYSIS, "help_request": "Hulp bij schulden"},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith(f"/cases/{case.id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Probleemanalyse en hulpvraag opgeslagen." in page and ANALYSIS in page
    assert db.session.get(Case, case.id).help_request == "Hulp bij schulden"


def test_a_too_long_summary_re_renders_422_with_the_input_kept(client, case, coordinator):
    login_as(client, coordinator)
    typed = "Nog te lang " * 200
    response = client.post(
        f"/cases/{case.id}/summary/edit", data={"version": case.version, "problem_analysis": typed, "help_request": ""}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Maximaal 2000 tekens." in html and typed.strip() in html
    assert db.session.get(Case, case.id).problem_analysis is None


def test_a_stale_summary_edit_re_renders_409_with_the_input_kept(client, case, coordinator):
    login_as(client, coordinator)
    old = case.version
    _flag(case, coordinator, "agressie")
    response = client.post(
        f"/cases/{case.id}/summary/edit", data={"version": old, "problem_analysis": ANALYSIS, "help_request": ""}
    )
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert ANALYSIS in html and 'id="conflict"' in html and "Signaleringen" in html
    assert db.session.get(Case, case.id).problem_analysis is None


def test_setting_flags_by_checkboxes(client, case, coordinator):
    login_as(client, coordinator)
    form = client.get(f"/cases/{case.id}/flags/edit").get_data(as_text=True)
    assert 'type="checkbox"' in form and 'value="wapenbezit"' in form
    response = client.post(
        f"/cases/{case.id}/flags/edit", data={"version": case.version, "flags": ["wapenbezit", "agressie"]}
    )
    assert response.status_code == 303
    assert "Signaleringen opgeslagen." in client.get(response.headers["Location"]).get_data(as_text=True)
    assert {f.flag_type.code for f in dossier.current_flags(case)} == {"wapenbezit", "agressie"}
    assert last_event("case.flags.change", case_id=case.id).details["added"] == ["agressie", "wapenbezit"]
    version = db.session.get(Case, case.id).version
    response = client.post(f"/cases/{case.id}/flags/edit", data={"version": version})  # none checked: all ended
    assert response.status_code == 303 and dossier.current_flags(case) == []


def test_an_unknown_flag_re_renders_422_with_the_input_kept(client, case, coordinator):
    login_as(client, coordinator)
    response = client.post(
        f"/cases/{case.id}/flags/edit", data={"version": case.version, "flags": ["zorgmijder", "bestaat_niet"]}
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    checked = re.findall(r'<input checked[^>]*value="([a-z_]+)"', html)
    assert checked == ["zorgmijder"]
    assert dossier.current_flags(case) == []


def test_a_stale_flags_form_re_renders_409(client, case, coordinator):
    login_as(client, coordinator)
    old = case.version
    _flag(case, coordinator, "agressie")
    response = client.post(f"/cases/{case.id}/flags/edit", data={"version": old, "flags": ["zorgmijder"]})
    assert response.status_code == 409 and 'id="conflict"' in response.get_data(as_text=True)
    assert [f.flag_type.code for f in dossier.current_flags(case)] == ["agressie"]
