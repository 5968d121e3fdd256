"""The authorisation matrix for documents, as a table: role × relation to the case × the case's level
against the user's maximum × action → allowed? (The cells of ``test_matrix``, with the documents' actions.)

Reading documents is reading the journal *and* taking part: never supervisors, never break-the-glass.
Uploading is adding notes. An internal document is only for its author's organisation; a new version
only by the author's organisation. Checked against the policy, the loader (with its audit event) and
the screens (status).
"""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied, Action, can
from casebook.audit import Outcome
from casebook.db import db
from casebook.documents import services as documents
from casebook.documents.models import Document, DocumentType, DocumentVisibility
from tests.access.test_matrix import LEVELS, RELATIONS, ROLES, build_cell
from tests.factories import login_as, make_org, make_user
from tests.helpers import audit_events, last_event

READERS = {"caseworker", "coordinator"}
TAKES_PART = {"lead", "contributor", "observer", "named_user"}
WRITES = {"lead", "contributor", "named_user"}
# (action, whose document, its visibility)
ACTIONS = (
    (Action.LIST_DOCUMENTS, None, None),
    (Action.UPLOAD_DOCUMENT, None, None),
    (Action.VIEW_DOCUMENT, "home", "shared"),
    (Action.VIEW_DOCUMENT, "home", "internal"),
    (Action.VIEW_DOCUMENT, "other", "shared"),
    (Action.VIEW_DOCUMENT, "other", "internal"),
    (Action.DOWNLOAD_DOCUMENT, "other", "shared"),
    (Action.ADD_DOCUMENT_VERSION, "home", "shared"),
    (Action.ADD_DOCUMENT_VERSION, "other", "shared"),
)
CELLS = list(itertools.product(ROLES, RELATIONS, LEVELS, ACTIONS))


def expected(role: str, relation: str, level: str, cell: tuple) -> bool:
    action, whose, visibility = cell
    if level != "within_max" or role not in READERS:
        return False
    if action in (Action.UPLOAD_DOCUMENT, Action.ADD_DOCUMENT_VERSION):
        return relation in WRITES and whose in (None, "home")
    if visibility == "internal" and whose != "home":
        return False
    return relation in TAKES_PART


def _document(case, organisation, visibility) -> Document:
    document = Document(
        case=case,
        type=db.session.scalar(select(DocumentType).where(DocumentType.code == "brief")),
        title="Brief",
        visibility=DocumentVisibility(visibility),
        author=make_user(org=organisation),
        author_organisation_id=organisation.id,
    )
    db.session.add(document)
    db.session.flush()
    return document


def _build(role, relation, level, cell):
    user, case = build_cell(role, relation, level)
    _action, whose, visibility = cell
    document = None
    if whose is not None:
        organisation = user.organisation if whose == "home" else case.lead_organisation
        if organisation.id == user.organisation_id and whose == "other":
            organisation = make_org()
        document = _document(case, organisation, visibility)
    return user, case, document


def test_the_matrix_is_complete():
    assert len(CELLS) == 4 * 7 * 2 * 9


@pytest.mark.parametrize(("role", "relation", "level", "cell"), CELLS)
def test_policy_and_loader_cell(role, relation, level, cell):
    user, case, document = _build(role, relation, level, cell)
    action = cell[0]
    allowed = expected(role, relation, level, cell)
    assert can(user, action, document or case) is allowed
    if action is Action.LIST_DOCUMENTS:
        if allowed:
            documents.documents_for(user, case)
        else:
            with pytest.raises(AccessDenied):
                documents.documents_for(user, case)
    elif document is not None:
        if allowed:
            assert documents.load_document(user, document.id, action) is document
        else:
            with pytest.raises(AccessDenied):
                documents.load_document(user, document.id, action)
    else:
        return
    if action is Action.LIST_DOCUMENTS or allowed is False or action is Action.VIEW_DOCUMENT:
        event = last_event(str(action), actor_user_id=user.id)
        assert (event.case_id, event.outcome) == (case.id, Outcome.ALLOWED if allowed else Outcome.DENIED)


ROUTE_CELLS = [c for c in CELLS if c[3] in (ACTIONS[0], ACTIONS[2], ACTIONS[5])]


@pytest.mark.parametrize(("role", "relation", "level", "cell"), ROUTE_CELLS)
def test_route_cell(client, role, relation, level, cell):
    user, case, document = _build(role, relation, level, cell)
    allowed = expected(role, relation, level, cell)
    path = f"/cases/{case.id}/documents" if document is None else f"/documents/{document.id}"
    case_id = case.id
    db.session.commit()
    login_as(client, user)
    response = client.get(path)
    assert response.status_code == (200 if allowed else 404)
    events = audit_events(request_id=response.headers["X-Request-Id"])
    denied = [e for e in events if e.outcome is Outcome.DENIED]
    assert bool(denied) is not allowed
    assert all(e.case_id in (case_id, None) for e in events)
