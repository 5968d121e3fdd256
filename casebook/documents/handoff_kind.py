"""Documents shared by a handoff: the version at the time of sending, pinned.

A handoff item of kind ``document`` names a ``DocumentVersion`` row. Versions are immutable, so
the pinned row *is* what was sent: a later version of the document is not shared through the
handoff. Internal documents are never offered, never accepted and never shown (``is_internal``).
The receiver downloads the shared version only once the handoff is accepted, through
``/handoffs/<id>/documents/<version id>`` (before that the route is an audited 404).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from casebook.access import Action, can, deny
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from casebook.documents import bp
from casebook.documents import services as documents
from casebook.documents.models import Document, DocumentVersion, DocumentVisibility

KIND = "document"
MAX_CHOICES = 50


def _choices(user: User, case: Case) -> list[Any]:
    from casebook.handoffs.items import ItemChoice

    if not can(user, Action.LIST_DOCUMENTS, case):
        return []
    rows = db.session.scalars(
        select(Document)
        .where(Document.case_id == case.id, Document.visibility == DocumentVisibility.SHARED)
        .order_by(Document.created_at.desc(), Document.id.desc())
        .limit(MAX_CHOICES)
    )
    return [ItemChoice(d.latest.id, f"{d.title} ({d.type.label_nl}, versie {d.latest.number})") for d in rows]


def load_version(case: Case, item_id: int) -> DocumentVersion | None:
    version = db.session.get(DocumentVersion, item_id)
    return version if version is not None and version.document.case_id == case.id else None


def _is_internal(version: DocumentVersion) -> bool:
    return version.document.visibility is not DocumentVisibility.SHARED


def _accepted_for(user: User, handoff: Any) -> bool:
    from casebook.handoffs.models import HandoffStatus

    return handoff.status is HandoffStatus.ACCEPTED and handoff.receiver_organisation_id == user.organisation_id


def _render(version: DocumentVersion, context: Any) -> Any:
    from casebook.handoffs.items import RenderedItem

    handoff = context.handoff
    url = None
    if handoff is not None and _accepted_for(context.viewer, handoff):
        url = url_for("documents.shared_download", handoff_id=handoff.id, version_id=version.id)
    return RenderedItem(
        kind_label=_l("Document"),
        title=f"{version.document.title} ({_l('versie')} {version.number})",
        at=version.uploaded_at,
        url=url,
    )


def shared_version(user: User, handoff_id: int, version_id: int) -> DocumentVersion:
    """The version a handoff shared, for a user of the receiving organisation once it is accepted and
    who may now read the case's documents; otherwise an audited 404 (pending, another organisation,
    not shared by this handoff, internal).

    :raises Refused:
    """
    from casebook.handoffs import services as handoffs

    handoff = handoffs.load_for(user, handoff_id)
    shared = any(i.item_kind == KIND and i.item_id == version_id for i in handoff.items)
    version = load_version(handoff.case, version_id) if shared else None
    if (
        version is None
        or _is_internal(version)
        or not _accepted_for(user, handoff)
        or not can(user, Action.LIST_DOCUMENTS, handoff.case)
    ):
        raise deny(user, Action.DOWNLOAD_DOCUMENT, handoff, requested_id=version_id)
    return version


@bp.get("/handoffs/<int:handoff_id>/documents/<int:version_id>")
def shared_download(handoff_id: int, version_id: int) -> Response | tuple[str, int]:
    from casebook.documents.views import stream_response, unavailable_page

    version = shared_version(current_user, handoff_id, version_id)
    try:
        result = documents.open_version(current_user, version, via="handoff")
    except documents.DocumentUnavailable as exc:
        return unavailable_page(version.document, exc)
    return stream_response(result)


def register(app: Flask) -> None:
    from casebook.handoffs.items import SharedItemKind, register_item_kind

    register_item_kind(
        SharedItemKind(
            kind=KIND,
            label=_l("Document"),
            candidates=_choices,
            load=load_version,
            is_internal=_is_internal,
            render=_render,
        ),
        app,
    )
