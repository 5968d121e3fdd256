"""Document rules: who lists, reads, uploads and versions a case's documents. Every step is audited.

The rule (``casebook.access.rules.documents``): documents are read by those who may read the
case's notes *and* take part in it — never supervisors, never break-the-glass readers —, an
``internal`` document only within the author's organisation; uploads by those who may add notes,
while the case is open; a new version only by the author's organisation, with the document's
visibility.

A version's bytes go through ``casebook.documents.sink``: encrypted in chunks under the case's data
key as they stream in, scanned, checked against the allow-list on their content, then committed to
storage under a random key. The title and the original file name are encrypted columns; neither
ever reaches the audit chain, a log or a URL.
"""

from __future__ import annotations

import logging
import re
import uuid as uuid_module
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any, BinaryIO

from flask import current_app
from sqlalchemy import event, false, select
from sqlalchemy.orm import Session, joinedload, selectinload

from casebook import audit
from casebook.access import Action, can, deny, load_or_404, require_audited
from casebook.access.policy import MAX_ID
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.lifecycle import require_open
from casebook.cases.models import Case
from casebook.crypto.store import data_key_for, key_by_id
from casebook.db import db
from casebook.documents import errors, links
from casebook.documents.models import Document, DocumentType, DocumentVersion, DocumentVisibility
from casebook.errors import RuleViolation

log = logging.getLogger(__name__)

MAX_TITLE_LENGTH = 200
_SIGNATURE_SHAPE = re.compile(r"[^A-Za-z0-9_.:@/+*#=-]")


class DocumentRefused(RuleViolation):
    """The document cannot be stored as asked; the message is shown to the user (Dutch)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        self.message = message
        super().__init__(message, field)


def max_bytes() -> int:
    """The largest file accepted (``CASEBOOK_DOCUMENT_MAX_MB``, default 25 MB; the same setting
    the upload spool sizes ``MAX_CONTENT_LENGTH`` from)."""
    return int(current_app.config["DOCUMENT_MAX_MB"]) * 1024 * 1024


def _storage() -> Any:
    from casebook.documents.storage import storage_for

    return storage_for(current_app._get_current_object())  # type: ignore[attr-defined]


def _scanner() -> Any:
    from casebook.documents.scan import scanner_for

    return scanner_for(current_app._get_current_object())  # type: ignore[attr-defined]


# -- reading ---------------------------------------------------------------------------------------


def document_types() -> list[DocumentType]:
    return list(db.session.scalars(select(DocumentType).where(DocumentType.active).order_by(DocumentType.position)))


def readable_by(user: User) -> Any:
    """The documents rule's visibility (shared, or internal to the user's organisation) in SQL."""
    from casebook.access.rules.documents import visible_clause

    return visible_clause(user, Document.visibility, Document.author_organisation_id)


def _readable(user: User, case: Case, goal_id: int | None = None) -> Any:
    from casebook.documents.links import tie_options

    query = (
        select(Document)
        .where(Document.case_id == case.id, readable_by(user))
        .options(  # one statement: authors, organisations, versions and ties joined (not the uploaders)
            joinedload(Document.author).lazyload(User.role_rows),
            joinedload(Document.versions).lazyload(DocumentVersion.uploaded_by),
            *tie_options(),
        )
        .order_by(Document.created_at.desc(), Document.id.desc())
    )
    if goal_id is None:
        return query
    # an id beyond the INTEGER column names no goal (and PostgreSQL would refuse the comparison)
    return query.where(Document.plan_goal_id == goal_id if 0 < goal_id <= MAX_ID else false())


def documents_for(user: User, case: Case, *, via: str = "case", goal_id: int | None = None) -> list[Document]:
    """The documents of ``case`` that ``user`` may read, newest first, with their versions and ties;
    with ``goal_id`` only those belonging to that goal (filtered in SQL). Audited as
    ``document.list`` (the count, never titles). Also what the dossier PDF lists.

    :raises AccessDenied: the user may not read the case's documents (audited).
    """
    require_audited(user, Action.LIST_DOCUMENTS, case)
    documents = list(db.session.scalars(_readable(user, case, goal_id)).unique())
    details: dict[str, Any] = {"count": len(documents), "via": via}
    if goal_id is not None:
        details["goal"] = goal_id
    audit.record(user, Action.LIST_DOCUMENTS, case, details=details)
    return documents


def load_document(user: User, document_id: Any, action: Action = Action.VIEW_DOCUMENT) -> Document:
    """The document if ``user`` may do ``action`` on it, else an audited 404 (missing, another
    organisation's internal document, a case out of scope). ``VIEW_DOCUMENT`` records the view;
    other actions are audited by the operation that follows.

    :raises Refused:
    """
    from casebook.documents.links import tie_options

    options = (
        selectinload(Document.versions),
        selectinload(Document.case).selectinload(Case.participants),
        *tie_options(),
    )
    return load_or_404(user, Document, document_id, action, options=options, audit_read=action is Action.VIEW_DOCUMENT)


@dataclass(frozen=True)
class Download:
    """What a download response needs: the pieces are produced lazily, after the response starts."""

    version: DocumentVersion
    filename: str  # sanitised, for Content-Disposition
    media_type: str
    size: int
    chunks: Iterator[bytes]


def _open(version: DocumentVersion) -> Iterator[bytes]:
    from casebook.documents.sink import open_download

    dek = key_by_id(db.session, version.data_key_id)  # :raises DecryptionError: shredded, or does not unwrap
    return open_download(_storage(), version.storage_key, version.size, dek, version.uuid)


def _safe_filename(version: DocumentVersion) -> str:
    from casebook.crypto.store import UnreadableText
    from casebook.documents.names import sanitise_filename

    name = version.filename
    if isinstance(name, UnreadableText) or not name:
        return sanitise_filename(f"document.{version.kind}")
    return sanitise_filename(name)


def open_version(user: User, version: DocumentVersion, *, via: str) -> Download:
    """Start reading ``version`` (already authorised by the caller); audited as ``document.download``.

    The first piece is decrypted here, so a shredded key or a tampered first chunk is an error
    before any byte is sent; a later bad chunk ends the stream (the client sees a broken download).

    :raises DocumentUnavailable: the data key was shredded or the content fails authentication.
    """
    document = version.document
    details = {"version": version.number, "via": via}
    try:
        pieces = _open(version)
        first = next(pieces, b"")
    except Exception as exc:  # DecryptionError, DocumentIntegrityError, a missing object …
        shredded = _is_shredded(version)
        log.warning("document %s version %s unreadable (%s)", document.id, version.number, type(exc).__name__)
        audit.record(
            user,
            Action.DOWNLOAD_DOCUMENT,
            document,
            outcome=Outcome.ERROR,
            details={**details, "error": "shredded" if shredded else "integrity"},
            durable=True,
        )
        raise DocumentUnavailable(shredded=shredded) from None
    audit.record(user, Action.DOWNLOAD_DOCUMENT, document, details=details, durable=True)
    return Download(
        version=version,
        filename=_safe_filename(version),
        media_type=_safe_media_type(version.media_type),
        size=version.size,
        chunks=_chain(first, pieces, document.id),
    )


def download(user: User, document: Document, number: int | None = None, *, via: str = "web") -> Download:
    """The newest version of ``document`` (or version ``number``), for a user who may download it.

    :raises AccessDenied: (audited) :raises DocumentUnavailable:
    """
    require_audited(user, Action.DOWNLOAD_DOCUMENT, document)
    version = document.latest if number is None else document.version(number)
    if version is None:
        raise deny(user, Action.DOWNLOAD_DOCUMENT, document, requested_id=number)
    return open_version(user, version, via=via)


class DocumentUnavailable(errors.DocumentError):
    """The document's data key was shredded, or its ciphertext failed authentication."""

    def __init__(self, *, shredded: bool) -> None:
        self.shredded = shredded
        from flask_babel import lazy_gettext as _l

        text = (
            _l("Dit document is vernietigd en kan niet meer worden geopend.")
            if shredded
            else _l("Het document is beschadigd of gewijzigd en kan niet worden geopend.")
        )
        super().__init__(str(text), field=None)


def _is_shredded(version: DocumentVersion) -> bool:
    from casebook.crypto.store import is_shredded

    try:
        return is_shredded(db.session, version.data_key_id)
    except Exception:  # pragma: no cover - the key row vanished
        return False


_NEVER_SENT = frozenset({"text/html", "image/svg+xml", "application/xhtml+xml", "text/xml", "application/xml"})


def _safe_media_type(media_type: str) -> str:
    kind = (media_type or "").split(";", 1)[0].strip().lower()
    return "application/octet-stream" if not kind or kind in _NEVER_SENT or "script" in kind else media_type


def _chain(first: bytes, rest: Iterator[bytes], document_id: int) -> Iterator[bytes]:
    if first:
        yield first
    try:
        yield from rest
    except Exception as exc:  # the response has started: end it (the client sees a broken download)
        log.warning("document %s stream ended on %s", document_id, type(exc).__name__)


# -- writing ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Upload:
    """One file as received: a readable binary stream and the name the user's system gave it."""

    stream: BinaryIO
    filename: str


def _clean_title(title: str | None) -> str:
    text = " ".join((title or "").split())
    if not text:
        raise DocumentRefused("Geef het document een titel.", "title")
    if len(text) > MAX_TITLE_LENGTH:
        raise DocumentRefused(f"Een titel is ten hoogste {MAX_TITLE_LENGTH} tekens.", "title")
    return text


def _document_type(code: str | None) -> DocumentType:
    found = db.session.scalar(select(DocumentType).where(DocumentType.code == (code or ""), DocumentType.active))
    if found is None:
        raise DocumentRefused("Kies het soort document.", "type")
    return found


def _visibility(value: Any) -> DocumentVisibility:
    try:
        return DocumentVisibility(value)
    except ValueError:
        raise DocumentRefused("Kies voor wie het document zichtbaar is.", "visibility") from None


def _signature_code(signature: str | None) -> str:
    return (_SIGNATURE_SHAPE.sub("_", signature or "unknown") or "unknown")[:128]


def _store(case: Case, version: DocumentVersion, upload: Upload, *, by: User, document: Document | None) -> None:
    """Stream ``upload`` into storage for ``version`` and fill in what the sink found.

    An infected file is refused and the refusal recorded durably (``document.refused`` with the
    signature's name), so it stays in the trail although the request's transaction rolls back.
    """
    from casebook.documents.names import sanitise_filename
    from casebook.documents.sink import store_upload

    key_id, dek = data_key_for(db.session, case)
    try:
        stored = store_upload(
            upload.stream,
            dek=dek,
            blob_ref=version.uuid,
            storage=_storage(),
            scanner=_scanner(),
            max_bytes=max_bytes(),
        )
    except errors.DocumentInfected as infected:
        details: dict[str, Any] = {"signature": _signature_code(infected.signature), "reason": "infected"}
        if document is not None and document.id is not None:
            details["document"] = document.id
        audit.record(by, "document.refused", case, outcome=Outcome.DENIED, details=details, durable=True)
        raise
    _forget_on_rollback(stored.key)
    version.storage_key = stored.key
    version.size = stored.size
    version.kind = str(getattr(stored.kind, "value", stored.kind))
    version.media_type = stored.kind.media_type
    version.scanned = bool(stored.scanned)
    version.data_key_id = key_id
    version.filename = sanitise_filename(upload.filename or "")


def _new_version(number: int, by: User) -> DocumentVersion:
    return DocumentVersion(
        uuid=str(uuid_module.uuid4()),
        number=number,
        uploaded_by=by,
        uploaded_by_organisation_id=by.organisation_id,
    )


def upload_document(
    case: Case,
    *,
    by: User,
    upload: Upload,
    title: str,
    type_code: str,
    visibility: DocumentVisibility | str,
    document_date: date | None = None,
    plan_goal_id: int | None = None,
    agenda_item_id: int | None = None,
    signal_id: int | None = None,
) -> Document:
    """Add a document (its first version) to ``case``, optionally tied to one goal of its plan, one
    of its agenda items or its origin signal (``casebook.documents.links``). Audited as
    ``document.upload`` (with the kind of tie, never a title).

    :raises AccessDenied: (audited) :raises DocumentRefused: bad metadata, or a tie not of this case
    :raises DocumentError: the file (empty, too large, not allowed, infected, scanner unavailable)
    """
    require_audited(by, Action.UPLOAD_DOCUMENT, case)
    require_open(case)
    document = Document(
        case=case,
        type=_document_type(type_code),
        title=_clean_title(title),
        visibility=_visibility(visibility),
        document_date=document_date,
        author=by,
        author_organisation_id=by.organisation_id,
        **links.resolve(by, case, plan_goal_id=plan_goal_id, agenda_item_id=agenda_item_id, signal_id=signal_id),
    )
    version = _new_version(1, by)
    _store(case, version, upload, by=by, document=None)
    document.versions.append(version)
    db.session.add(document)
    db.session.flush()
    audit.record(
        by,
        Action.UPLOAD_DOCUMENT,
        document,
        details={
            "visibility": document.visibility.value,
            "type": document.type.code,
            "kind": version.kind,
            "size": version.size,
            "scanned": version.scanned,
            "belongs_to": links.tie_of(document)[0],
        },
    )
    return document


def add_version(document: Document, *, by: User, upload: Upload) -> DocumentVersion:
    """Append a version to ``document`` (the author's organisation only; same visibility).
    Audited as ``document.version``.

    :raises AccessDenied: (audited) :raises DocumentError:
    """
    require_audited(by, Action.ADD_DOCUMENT_VERSION, document)
    case = document.case
    require_open(case)
    number = max((v.number for v in document.versions), default=0) + 1
    version = _new_version(number, by)
    _store(case, version, upload, by=by, document=document)
    document.versions.append(version)
    db.session.flush()
    audit.record(
        by,
        Action.ADD_DOCUMENT_VERSION,
        document,
        details={"version": number, "kind": version.kind, "size": version.size, "scanned": version.scanned},
    )
    return version


def may_upload(user: User, case: Case) -> bool:
    from casebook.cases.lifecycle import accepts_changes

    return accepts_changes(case) and can(user, Action.UPLOAD_DOCUMENT, case)


def may_add_version(user: User, document: Document) -> bool:
    from casebook.cases.lifecycle import accepts_changes

    return accepts_changes(document.case) and can(user, Action.ADD_DOCUMENT_VERSION, document)


# -- storage objects of a transaction that did not commit -------------------------------------------

_PENDING = "casebook_document_keys"


def _forget_on_rollback(key: str) -> None:
    db.session.info.setdefault(_PENDING, []).append(key)


@event.listens_for(Session, "after_commit")
def _committed(session: Session) -> None:
    session.info.pop(_PENDING, None)


@event.listens_for(Session, "after_rollback")
def _rolled_back(session: Session) -> None:
    """Objects stored for versions whose rows rolled back would be orphans: remove them now. A process
    that dies between storing and committing can still leave one (ciphertext whose key no row names);
    ``storage.keys()`` lists every object, so such objects can be found — no sweep command exists yet."""
    keys = session.info.pop(_PENDING, None)
    if not keys:
        return
    try:
        storage = _storage()
    except Exception:  # pragma: no cover - outside an app context
        return
    for key in keys:
        try:
            storage.delete(key)
        except Exception:  # pragma: no cover - best effort
            log.warning("could not remove an orphaned document object")
