"""What a document belongs to: a goal, an agenda item or the case's origin signal, of its own case only;
offered in the upload form as far as the user may see it, shown on the list, the page and the plan, and
given through the API as ``belongs_to``."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest

from casebook.auth.models import Role
from casebook.cases.models import Involvement
from casebook.db import db
from casebook.documents import links
from casebook.documents import services as documents
from casebook.documents.models import Document
from casebook.meetings import services as meetings
from tests.api.support import assert_problem, make_world
from tests.documents.support import PDF, upload
from tests.factories import login_as, make_case, make_goal, make_meeting, make_org, make_signal, make_user
from tests.helpers import last_event

HELD_ON = date(2026, 12, 10)


@pytest.fixture
def west():
    return make_org("wijkteam-west")


@pytest.fixture
def police():
    return make_org("politie")


@pytest.fixture
def case(west, police):
    return make_case(lead=west, participants=[(police, Involvement.CONTRIBUTOR)])


@pytest.fixture
def other_case(west):
    return make_case(lead=west)


@pytest.fixture
def worker(west):
    return make_user(org=west)


@pytest.fixture
def ties(case, west, police, worker):
    """A goal, an agenda item west sees (its own meeting), one it does not (a police meeting without west),
    and the origin signal."""
    west_chair = make_user(org=west, roles=[Role.COORDINATOR])
    police_chair = make_user(org=police, roles=[Role.COORDINATOR])
    goal = make_goal(case, worker, domain="housing", text="Stabiele woonsituatie")
    seen = meetings.add_to_agenda(make_meeting(west_chair, HELD_ON), by=west_chair, reference=case.reference)
    unseen = meetings.add_to_agenda(
        make_meeting(police_chair, date(2026, 12, 17), title="Overleg politie"),
        by=police_chair,
        reference=case.reference,
    )
    signal = make_signal(worker, case=case)
    return {"goal": goal, "item": seen, "unseen": unseen, "signal": signal}


# -- the service -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("keyword", "key", "column"),
    [
        ("plan_goal_id", "goal", "plan_goal_id"),
        ("agenda_item_id", "item", "agenda_item_id"),
        ("signal_id", "signal", "signal_id"),
    ],
)
def test_each_tie_is_accepted_for_its_own_case(case, worker, ties, keyword, key, column):
    document = upload(case, worker, **{keyword: ties[key].id})
    assert getattr(db.session.get(Document, document.id), column) == ties[key].id
    assert last_event("document.upload").details["belongs_to"] == {"item": "agenda_item"}.get(key, key)


def test_without_a_tie_the_document_belongs_to_the_case(case, worker):
    document = upload(case, worker)
    assert (document.plan_goal_id, document.agenda_item_id, document.signal_id) == (None, None, None)


def test_another_cases_goal_item_and_signal_are_refused_alike(case, other_case, west, worker):
    chair = make_user(org=west, roles=[Role.COORDINATOR])
    foreign = {
        "plan_goal_id": make_goal(other_case, worker).id,
        "agenda_item_id": meetings.add_to_agenda(
            make_meeting(chair, HELD_ON), by=chair, reference=other_case.reference
        ).id,
        "signal_id": make_signal(worker, case=other_case).id,
    }
    messages = set()
    for keyword, item_id in [*foreign.items(), ("plan_goal_id", 987654)]:
        with pytest.raises(documents.DocumentRefused) as refused:
            upload(case, worker, **{keyword: item_id})
        assert refused.value.field == keyword
        messages.add(refused.value.message)
    assert len(messages) == 1  # a missing id reads the same as another case's: no existence leak
    assert db.session.query(Document).count() == 0


def test_a_signal_that_is_not_the_origin_is_refused(case, worker, ties):
    untriaged = make_signal(worker)  # not (yet) the origin of any case
    with pytest.raises(documents.DocumentRefused):
        upload(case, worker, signal_id=untriaged.id)


def test_an_agenda_item_the_uploader_may_not_see_is_refused(case, worker, ties):
    with pytest.raises(documents.DocumentRefused):
        upload(case, worker, agenda_item_id=ties["unseen"].id)


def test_at_most_one_tie(case, worker, ties):
    with pytest.raises(documents.DocumentRefused):
        upload(case, worker, plan_goal_id=ties["goal"].id, signal_id=ties["signal"].id)


def test_a_deleted_goal_leaves_the_document_on_the_case(case, worker, ties):
    document = upload(case, worker, plan_goal_id=ties["goal"].id)
    db.session.delete(ties["goal"])
    db.session.flush()
    db.session.expire_all()
    assert db.session.get(Document, document.id).plan_goal_id is None


# -- the screens -------------------------------------------------------------------------------------


def _options(html: str) -> dict[str, str]:
    select = re.search(r'<select[^>]*name="belongs_to".*?</select>', html, re.S).group(0)
    return {value: label.strip() for value, label in re.findall(r'<option[^>]*value="([^"]*)"[^>]*>([^<]*)<', select)}


def test_the_form_offers_only_what_the_user_may_see(client, case, worker, ties):
    db.session.commit()
    login_as(client, worker)
    options = _options(client.get(f"/cases/{case.id}/documents?form=document").get_data(as_text=True))
    assert options[""] == "— de casus als geheel —"
    assert options[f"goal:{ties['goal'].id}"].lower().startswith("wonen: stabiele woonsituatie")
    assert options[f"agenda_item:{ties['item'].id}"] == "Casusoverleg van 10 december 2026"
    assert options[f"signal:{ties['signal'].id}"] == f"De melding {ties['signal'].reference}"
    assert f"agenda_item:{ties['unseen'].id}" not in options and len(options) == 4


def _post(client, case, **values):
    data = {"title": "Verslag", "type": "verslag", "visibility": "shared", "file": (io.BytesIO(PDF), "v.pdf")}
    data.update(values)
    return client.post(f"/cases/{case.id}/documents/upload", data=data, content_type="multipart/form-data")


def test_the_chosen_tie_is_stored_and_shown(client, case, worker, ties):
    db.session.commit()
    login_as(client, worker)
    response = _post(client, case, belongs_to=f"goal:{ties['goal'].id}")
    assert response.status_code in (302, 303)
    document = db.session.query(Document).one()
    assert document.plan_goal_id == ties["goal"].id
    listing = client.get(f"/cases/{case.id}/documents").get_data(as_text=True)
    assert "Doel Wonen" in listing and f"#goal-{ties['goal'].id}" in listing
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "Hoort bij" in page and "Doel Wonen" in page


def test_the_chosen_tie_is_kept_when_the_form_is_refused(client, case, worker, ties):
    db.session.commit()
    login_as(client, worker)
    value = f"signal:{ties['signal'].id}"
    response = _post(client, case, title="", belongs_to=value)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(rf'<option[^>]*selected[^>]*value="{value}"|<option[^>]*value="{value}"[^>]*selected', html)


def test_a_foreign_tie_is_a_refusal_on_the_field(client, case, other_case, worker):
    goal = make_goal(other_case, worker)
    db.session.commit()
    login_as(client, worker)
    response = _post(client, case, belongs_to=f"goal:{goal.id}")
    assert response.status_code == 422 and "Dit onderdeel hoort niet bij deze casus." in response.get_data(as_text=True)
    assert _post(client, case, belongs_to="nonsense:x").status_code == 422
    assert db.session.query(Document).count() == 0


def test_the_plan_counts_a_goals_documents_and_the_list_filters_on_it(client, case, worker, police, ties):
    goal = ties["goal"]
    upload(case, worker, title="Huurcontract", plan_goal_id=goal.id)
    upload(case, worker, title="Losse brief")
    police_worker = make_user(org=police)
    upload(case, police_worker, title="Intern politie", visibility="internal", plan_goal_id=goal.id)
    db.session.commit()
    login_as(client, worker)
    plan = client.get(f"/cases/{case.id}/plan").get_data(as_text=True)
    link = f"/cases/{case.id}/documents?goal={goal.id}"
    assert link in plan and "1 document<" in plan  # the police's internal document is not counted
    filtered = client.get(link).get_data(as_text=True)
    assert "Huurcontract" in filtered and "Losse brief" not in filtered and "Intern politie" not in filtered
    assert last_event("document.list").details == {"count": 1, "via": "case", "goal": goal.id}
    elsewhere = client.get(f"/cases/{case.id}/documents?goal=987654").get_data(as_text=True)
    assert "Huurcontract" not in elsewhere and "Geen documenten bij dit doel." in elsewhere


# -- the API -----------------------------------------------------------------------------------------


@pytest.fixture
def world():
    return make_world()


def _api_upload(client, world, **fields):
    data = {"title": "Rapportage", "type": "rapportage", "file": (io.BytesIO(PDF), "r.pdf"), **fields}
    return client.post(
        f"/api/v1/cases/{world.case_id}/documents",
        headers=world.headers("worker"),
        data=data,
        content_type="multipart/form-data",
    )


def test_the_api_takes_a_tie_and_shows_belongs_to(client, world):
    goal = make_goal(world.case, world.user("worker"))
    signal = make_signal(world.user("worker"), case=world.case)
    goal_id, signal_id = goal.id, signal.id
    plain = _api_upload(client, world)
    assert plain.status_code == 201 and plain.json["belongs_to"] == {"kind": "case", "id": None}
    tied = _api_upload(client, world, goal_id=str(goal_id))
    assert tied.status_code == 201 and tied.json["belongs_to"] == {"kind": "goal", "id": goal_id}
    origin = _api_upload(client, world, signal_id=str(signal_id))
    assert origin.json["belongs_to"] == {"kind": "signal", "id": signal_id}
    shown = client.get(f"/api/v1/documents/{tied.json['id']}", headers=world.headers("worker"))
    assert shown.json["belongs_to"] == {"kind": "goal", "id": goal_id}


def test_the_api_refuses_a_foreign_id_with_a_422_problem(client, world):
    other = make_case(lead=make_org("zvh"))
    goal_id = make_goal(other, world.user("coordinator")).id
    body = assert_problem(_api_upload(client, world, goal_id=str(goal_id)), 422)
    assert "goal_id" in str(body)
    assert_problem(_api_upload(client, world, goal_id="1", signal_id="2"), 422)


def test_the_openapi_document_names_the_tie_fields_and_belongs_to(client, world):
    document = client.get("/api/v1/openapi.json", headers=world.headers("worker")).json
    upload_schema = document["paths"]["/api/v1/cases/{case_id}/documents"]["post"]["requestBody"]["content"]
    properties = upload_schema["multipart/form-data"]["schema"]["properties"]
    assert {"goal_id", "agenda_item_id", "signal_id"} <= set(properties)
    assert "BelongsTo" in str(document["components"]["schemas"]) or "belongs_to" in str(document)


def test_a_tie_the_reader_may_not_see_shows_its_kind_without_an_id(case, police, worker, ties):
    police_worker = make_user(org=police)
    document = upload(case, police_worker, agenda_item_id=ties["unseen"].id)  # the police's own meeting
    hidden = links.describe(worker, document)  # west is not invited to it
    assert (hidden.kind, hidden.id, hidden.label) == ("agenda_item", None, "een casusoverleg")
    assert links.describe(police_worker, document).id == ties["unseen"].id


def test_an_id_beyond_any_row_is_refused_or_ignored_never_an_error(client, case, worker):
    login_as(client, worker)
    response = _post(client, case, belongs_to="goal:99999999999")  # beyond INTEGER: PostgreSQL would refuse it
    assert response.status_code == 422 and "Dit onderdeel hoort niet bij deze casus." in response.get_data(as_text=True)
    listed = client.get(f"/cases/{case.id}/documents?goal=99999999999")
    assert listed.status_code == 200 and "Geen documenten bij dit doel." in listed.get_data(as_text=True)
