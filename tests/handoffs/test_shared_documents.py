"""A handoff shares a document's version at the time of sending; internal documents never; the
receiver downloads it only after accepting, and a later version is not shared."""

from __future__ import annotations

import pytest

from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.db import db
from casebook.documents.models import Document
from casebook.handoffs import items as shared_items
from casebook.handoffs import services
from casebook.handoffs.models import Handoff, HandoffKind
from tests.documents.support import PDF, TEXT, new_version, upload
from tests.factories import login_as
from tests.helpers import last_event


@pytest.fixture
def document(case, zvh_worker):
    return upload(case, zvh_worker, PDF, title="Rapportage ZVH", type_code="rapportage")


@pytest.fixture
def referral(case, west, zvh_coord, make_input, document):
    data = make_input(west, kind=HandoffKind.REFERRAL, items=(("document", document.latest.id),))
    return services.send(case, data, by=zvh_coord)


def test_the_document_kind_is_registered_and_never_shares_internal_documents(case, zvh_worker):
    internal = upload(case, zvh_worker, visibility="internal")
    shared_items.check_never_shares_internal("document", internal.latest)
    kind = shared_items.get_kind("document")
    assert [c.item_id for c in kind.candidates(zvh_worker, case)] == []  # only shared documents are offered
    with pytest.raises(shared_items.ItemRefused):
        shared_items.validate(case, "document", internal.latest.id)


def test_candidates_offer_the_current_version_of_shared_documents(case, zvh_worker, document):
    kind = shared_items.get_kind("document")
    assert [c.item_id for c in kind.candidates(zvh_worker, case)] == [document.latest.id]


def test_the_receiver_downloads_the_pinned_version_only_after_accepting(
    client, app, case, referral, document, west_coord, west_worker, zvh_worker
):
    pinned = document.latest.id
    db.session.commit()
    path = f"/handoffs/{referral.id}/documents/{pinned}"
    login_as(client, west_coord)
    assert client.get(path).status_code == 404
    denied = last_event("document.download", actor_user_id=west_coord.id)
    assert denied.outcome is Outcome.DENIED and denied.details["requested_id"] == str(pinned)

    # a request ends the test's session too (one scoped session): load again what the test works with
    referral, document = db.session.get(Handoff, referral.id), db.session.get(Document, document.id)
    services.accept(referral, by=db.session.get(User, west_coord.id))
    later = new_version(document, db.session.get(User, zvh_worker.id), TEXT)
    db.session.commit()
    response = client.get(path)
    assert response.status_code == 200 and response.get_data() == PDF  # the version sent, not the later one
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert last_event("document.download", actor_user_id=west_coord.id).details == {"version": 1, "via": "handoff"}
    assert client.get(f"/handoffs/{referral.id}/documents/{later.id}").status_code == 404  # not shared

    html = client.get(f"/handoffs/{referral.id}").get_data(as_text=True)
    assert path in html and "Rapportage ZVH" in html


def test_the_sender_does_not_download_through_the_handoff(client, referral, document, zvh_coord, west_coord):
    services.accept(referral, by=west_coord)
    db.session.commit()
    login_as(client, zvh_coord)
    assert client.get(f"/handoffs/{referral.id}/documents/{document.latest.id}").status_code == 404
