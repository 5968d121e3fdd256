"""Documents through the API: list, metadata with versions, upload (multipart), new versions, content.

The same services as the screens decide and audit; the bytes are streamed as an attachment, never
inline. Refusals of the file are problem documents: 413 too large, 415 not multipart, 422 refused
content (or an infected file), 503 when the virus scanner is configured but unreachable.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from flask import Response, url_for
from pydantic import BaseModel, ConfigDict, Field

from casebook.access import Action
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import problem_for
from casebook.api.problems import ApiProblem
from casebook.api.registry import FormBody, Reply
from casebook.api.schemas.common import ApiModel, Code, QueryModel
from casebook.api.schemas.common import text as bounded
from casebook.auth.models import User
from casebook.casework import load_case
from casebook.documents import errors, links
from casebook.documents import services as documents
from casebook.documents.content import DocumentKind
from casebook.documents.models import Document, DocumentVersion, DocumentVisibility
from casebook.errors import RuleViolation

TAGS = ["documents"]
MEDIA_TYPES = tuple(dict.fromkeys(kind.media_type.split(";", 1)[0] for kind in DocumentKind))


class FormModel(BaseModel):
    """Multipart text fields: values arrive as text (lax parsing), unknown fields refused."""

    model_config = ConfigDict(extra="forbid")


class DocumentFields(FormModel):
    title: bounded(documents.MAX_TITLE_LENGTH) = Field(description="Encrypted at rest.")  # type: ignore[valid-type]
    type: Code = Field(description="Document type code (proces_verbaal, rapportage, brief, …).")
    visibility: DocumentVisibility = Field(
        DocumentVisibility.SHARED, description="`shared`: all participants; `internal`: your organisation."
    )
    date: dt.date | None = Field(None, description="ISO date of the document itself.")
    goal_id: int | None = Field(None, ge=1, le=2**31 - 1, description="A goal of this case's plan.")
    agenda_item_id: int | None = Field(
        None, ge=1, le=2**31 - 1, description="An agenda item (casusoverleg) of this case you may see."
    )
    signal_id: int | None = Field(None, ge=1, le=2**31 - 1, description="The signal (melding) this case came from.")


class VersionFields(FormModel):
    """Only the file: a version keeps the document's title, type and visibility."""


class ContentQuery(QueryModel):
    version: int | None = Field(None, ge=1, le=2**31 - 1, description="Version number; the newest by default.")


class VersionOut(ApiModel):
    number: int
    filename: str = Field(description="The original file name, sanitised (encrypted at rest).")
    size: int = Field(description="Bytes.")
    media_type: str = Field(description="Detected from the content, never from the name.")
    scanned: bool = Field(description="False when no virus scanner is configured.")
    uploaded_at: dt.datetime
    uploaded_by: str = Field(description="Username.")
    organisation: str = Field(description="Slug of the uploader's organisation.")
    content: str = Field(description="URL of this version's bytes.")

    @classmethod
    def of(cls, version: DocumentVersion) -> VersionOut:
        return cls(
            number=version.number,
            filename=str(version.filename),
            size=version.size,
            media_type=version.media_type,
            scanned=version.scanned,
            uploaded_at=version.uploaded_at,
            uploaded_by=version.uploaded_by.username,
            organisation=version.uploaded_by_organisation.slug,
            content=url_for(
                "api.document_content", document_id=version.document_id, version=version.number, _external=True
            ),
        )


class BelongsTo(ApiModel):
    """What on the case the document belongs to; `case` (without an id) for the case as a whole."""

    kind: Literal["case", "goal", "agenda_item", "signal"]
    id: int | None = Field(
        description="The goal's, agenda item's or signal's id; null for `case`, and null when the caller "
        "may not see that goal or meeting."
    )


class DocumentOut(ApiModel):
    id: int
    case_id: int
    title: str
    type: str = Field(description="Document type code.")
    date: dt.date | None
    visibility: DocumentVisibility
    organisation: str = Field(description="Slug of the author's organisation.")
    created_at: dt.datetime
    belongs_to: BelongsTo
    versions: list[VersionOut] = Field(description="Oldest first; the last is the current version.")

    @classmethod
    def of(cls, document: Document, viewer: User) -> DocumentOut:
        tie = links.describe(viewer, document)  # the tie as the caller may see it, as on the screens
        return cls(
            id=document.id,
            case_id=document.case_id,
            title=str(document.title),
            type=document.type.code,
            date=document.document_date,
            visibility=document.visibility,
            organisation=document.author_organisation.slug,
            created_at=document.created_at,
            belongs_to=BelongsTo(kind=tie.kind, id=tie.id),  # type: ignore[arg-type]
            versions=[VersionOut.of(v) for v in document.versions],
        )


class DocumentList(ApiModel):
    """The case's documents the caller may read, newest first."""

    items: list[DocumentOut]


_FIELD_NAMES = {"document_date": "date", "plan_goal_id": "goal_id"}


@contextmanager
def _file_refusals() -> Iterator[None]:
    """The services' refusals as problem documents, with the file's own statuses."""
    try:
        yield
    except errors.DocumentTooLarge as exc:
        raise ApiProblem(413, "too-large", detail=exc.message) from None
    except errors.ScanUnavailable as exc:
        raise ApiProblem(503, "scanner-unavailable", detail=exc.message) from None
    except RuleViolation as exc:
        raise problem_for(exc, fields=_FIELD_NAMES) from None


def _upload_of(form: FormBody) -> documents.Upload:
    storage = form.files["file"]
    return documents.Upload(stream=storage.stream, filename=storage.filename or "")


@api.get("/cases/<id:case_id>/documents", response=DocumentList, tags=TAGS)
def list_documents(case_id: int) -> DocumentList:
    """Documents of the case the caller may read (participants with a work role; internal ones only of their
    own organisation). Never to supervisors or break-the-glass readers."""
    user = api_user()
    case = load_case(user, case_id, Action.LIST_DOCUMENTS)
    return DocumentList(items=[DocumentOut.of(d, user) for d in documents.documents_for(user, case, via="api")])


@api.post(
    "/cases/<id:case_id>/documents",
    form=DocumentFields,
    files=("file",),
    response=DocumentOut,
    status=201,
    tags=TAGS,
    errors=(409, 503),
)
def upload_document(case_id: int, body: Callable[[], FormBody]) -> Reply:
    """Upload a document (writing participants): multipart with `file`, `title`, `type`, `visibility`, an
    optional `date` and at most one of `goal_id`, `agenda_item_id`, `signal_id` (what on the case it belongs
    to; an id not of this case is a 422). The content must be an allowed kind (PDF, PNG, JPEG, DOCX, XLSX,
    ODT, text, EML, MSG)."""
    user = api_user()
    case = load_case(user, case_id, Action.UPLOAD_DOCUMENT)
    form = body()
    fields: DocumentFields = form.fields  # type: ignore[assignment]
    with _file_refusals():
        document = documents.upload_document(
            case,
            by=user,
            upload=_upload_of(form),
            title=fields.title,
            type_code=fields.type,
            visibility=fields.visibility,
            document_date=fields.date,
            plan_goal_id=fields.goal_id,
            agenda_item_id=fields.agenda_item_id,
            signal_id=fields.signal_id,
        )
    location = url_for("api.get_document", document_id=document.id, _external=True)
    return Reply(DocumentOut.of(document, user), headers={"Location": location})


@api.get("/documents/<id:document_id>", response=DocumentOut, tags=TAGS)
def get_document(document_id: int) -> DocumentOut:
    """A document's metadata with its versions (audited as a view)."""
    user = api_user()
    return DocumentOut.of(documents.load_document(user, document_id, Action.VIEW_DOCUMENT), user)


@api.post(
    "/documents/<id:document_id>/versions",
    form=VersionFields,
    files=("file",),
    response=DocumentOut,
    status=201,
    tags=TAGS,
    errors=(409, 503),
)
def add_version(document_id: int, body: Callable[[], FormBody]) -> Reply:
    """A new version (multipart `file`): only the author's organisation; earlier versions stay."""
    user = api_user()
    document = documents.load_document(user, document_id, Action.ADD_DOCUMENT_VERSION)
    form = body()
    with _file_refusals():
        documents.add_version(document, by=user, upload=_upload_of(form))
    location = url_for("api.get_document", document_id=document.id, _external=True)
    return Reply(DocumentOut.of(document, user), headers={"Location": location})


@api.get(
    "/documents/<id:document_id>/content",
    query=ContentQuery,
    produces=MEDIA_TYPES,
    tags=TAGS,
    errors=(409, 410),
)
def document_content(document_id: int, query: ContentQuery) -> Response:
    """The bytes of the newest version (or `?version=N`), as an attachment with the detected media type."""
    from casebook.documents.views import stream_response

    user = api_user()
    document = documents.load_document(user, document_id, Action.DOWNLOAD_DOCUMENT)
    try:
        result = documents.download(user, document, query.version, via="api")
    except documents.DocumentUnavailable as exc:
        if exc.shredded:
            raise ApiProblem(410, None, detail=exc.message) from None
        raise ApiProblem(409, "conflict", detail=exc.message) from None
    return stream_response(result)
