"""Rules for documents (stukken) on a case.

- **Listing** a case's documents (``LIST_DOCUMENTS``) needs what reading its journal needs
  (``READ_NOTES``: a work role, never supervisors) *and* an active participation of the user's
  organisation (or of the user by name). **Break-the-glass readers do not see documents**: the
  emergency access is for urgent situational facts (who is involved, flags, the journal), while
  documents are content — reports, police reports, letters — that a partner shares with those who
  work on the case.
- **Viewing** a document's metadata and **downloading** it (``VIEW_DOCUMENT``,
  ``DOWNLOAD_DOCUMENT``): as listing, and an ``internal`` document only by users of the author's
  organisation.
- **Uploading** (``UPLOAD_DOCUMENT``): who may add notes (``ADD_NOTE``: a writing participant —
  lead or contributor — with a work role and an authorisation for the type).
- **A new version** (``ADD_DOCUMENT_VERSION``): as uploading, and only by the author's organisation
  (the version keeps the document's visibility; the service never changes it).

Whether the case still takes changes (open) is the service's check, as for notes. Without an
object these actions are decided on roles alone ("could this user do it on some case?").
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, or_

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.cases import case_rule, takes_part
from casebook.auth.models import User
from casebook.cases.models import Case


def _is_document(obj: Any) -> bool:
    return (
        obj is not None
        and hasattr(obj, "author_organisation_id")
        and hasattr(obj, "versions")
        and isinstance(getattr(obj, "case", None), Case)
    )


def may_list_documents(user: User, case: Case) -> bool:
    return case_rule(user, Action.READ_NOTES, case) and takes_part(user, case)


def visible_to(user: User, document: Any) -> bool:
    """Shared, or internal to the user's own organisation."""
    return str(document.visibility) == "shared" or document.author_organisation_id == user.organisation_id


def visible_clause(user: User, visibility: Any, author_organisation_id: Any) -> ColumnElement[bool]:
    """SQL twin of ``visible_to`` on a document's ``visibility`` and ``author_organisation_id`` columns."""
    return or_(visibility == "shared", author_organisation_id == user.organisation_id)


@rule(Action.LIST_DOCUMENTS, Action.UPLOAD_DOCUMENT)
def case_documents_rule(user: User, action: Action, case: Any) -> bool:
    stand_in = Action.READ_NOTES if action is Action.LIST_DOCUMENTS else Action.ADD_NOTE
    if case is None:
        return case_rule(user, stand_in, None)
    if not isinstance(case, Case):
        return False
    if action is Action.LIST_DOCUMENTS:
        return may_list_documents(user, case)
    return case_rule(user, Action.ADD_NOTE, case)


@rule(Action.VIEW_DOCUMENT, Action.DOWNLOAD_DOCUMENT, Action.ADD_DOCUMENT_VERSION)
def document_rule(user: User, action: Action, document: Any) -> bool:
    if document is None:
        stand_in = Action.ADD_NOTE if action is Action.ADD_DOCUMENT_VERSION else Action.READ_NOTES
        return case_rule(user, stand_in, None)
    if not _is_document(document):
        return False
    if action is Action.ADD_DOCUMENT_VERSION:
        return document.author_organisation_id == user.organisation_id and case_rule(
            user, Action.ADD_NOTE, document.case
        )
    return visible_to(user, document) and may_list_documents(user, document.case)
