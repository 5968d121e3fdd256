"""The API of the requests of persons concerned: the privacy officer's, as on the screens.

Registered on the API's registry by ``casebook.subject_requests.init_app`` (before the API blueprint
is registered). Every operation calls the screens' services, so the rules, the audit and the 404 for
everyone but a privacy officer are the same. Changes of a request take ``If-Match`` (its version).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Literal

from flask import url_for
from pydantic import Field

from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals
from casebook.api.locking import IfMatch
from casebook.api.registry import Reply
from casebook.api.schemas.common import ApiModel, InputModel, text
from casebook.subject_requests import corrections, export, services
from casebook.subject_requests.models import (
    PersonRectification,
    ProcessingRestriction,
    RequestKind,
    RequestStatus,
    SubjectRequest,
)

TAGS = ["subject-requests"]


class SubjectRequestOut(ApiModel):
    id: int
    reference: str = Field(description="`AVG-YYYY-NNNN`.")
    kind: RequestKind
    status: RequestStatus
    known: bool = Field(description="Does the register hold the person the request is about?")
    received_on: date
    due_on: date = Field(description="One month after receipt (AVG art. 12(3)).")
    extended_due_on: date | None = Field(description="After an extension: two months later.")
    extension_reason: str | None
    deadline: date
    days_left: int = Field(description="Calendar days until the deadline; negative when overdue.")
    description: str | None
    outcome: str | None
    completed_at: datetime | None
    version: int

    @classmethod
    def of(cls, request: SubjectRequest) -> SubjectRequestOut:
        return cls(
            id=request.id,
            reference=request.reference,
            kind=request.kind,
            status=request.status,
            known=request.person_id is not None,
            received_on=request.received_on,
            due_on=request.due_on,
            extended_due_on=request.extended_due_on,
            extension_reason=request.extension_reason,
            deadline=request.deadline,
            days_left=services.days_left(request),
            description=request.description,
            outcome=request.outcome,
            completed_at=request.completed_at,
            version=request.version,
        )


class SubjectRequestList(ApiModel):
    items: list[SubjectRequestOut]


class SubjectRequestIn(InputModel):
    """Give a BSN, or a family name and a birth date."""

    kind: RequestKind
    received_on: date = Field(description="`YYYY-MM-DD`; not in the future.")
    bsn: str | None = Field(None, pattern=r"^\d{8,9}$")
    family_name: text(200) | None = None  # type: ignore[valid-type]
    birth_date: date | None = None
    description: text(5000) | None = None  # type: ignore[valid-type]

    model_config = {**InputModel.model_config, "strict": False}  # dates arrive as JSON strings


class ExtensionIn(InputModel):
    reason: text(2000) = Field(description="Why the answer needs two more months.")  # type: ignore[valid-type]


class CompletionIn(InputModel):
    outcome: text(5000) = Field(description="The answer as given to the person.")  # type: ignore[valid-type]
    rejected: bool = False


class RectificationIn(InputModel):
    field: Literal["family_name", "given_names", "birth_date", "bsn", "address", "phone"]
    value: text(300) = Field(description="The correct value; a birth date as `YYYY-MM-DD`.")  # type: ignore[valid-type]
    reason: text(2000)  # type: ignore[valid-type]


class RectificationOut(ApiModel):
    id: int
    field: str
    old_value: str | None
    reason: str | None
    by: str | None = Field(description="Username of who rectified it.")
    created_at: datetime
    request_id: int | None

    @classmethod
    def of(cls, row: PersonRectification) -> RectificationOut:
        return cls(
            id=row.id,
            field=row.field,
            old_value=row.old_value,
            reason=row.reason,
            by=row.by.username if row.by else None,
            created_at=row.created_at,
            request_id=row.request_id,
        )


class RectificationList(ApiModel):
    items: list[RectificationOut]


class RestrictionIn(InputModel):
    case: str | None = Field(
        None, pattern=r"^[A-Z]{2,5}-\d{4}-\d{3,6}$", description="A case reference of the person; omitted: the person."
    )
    reason: text(2000)  # type: ignore[valid-type]


class LiftIn(InputModel):
    reason: text(2000)  # type: ignore[valid-type]


class RestrictionOut(ApiModel):
    id: int
    target: Literal["person", "case"]
    case: str | None
    reason: str | None
    started_at: datetime
    lifted_at: datetime | None
    lift_reason: str | None

    @classmethod
    def of(cls, row: ProcessingRestriction) -> RestrictionOut:
        return cls(
            id=row.id,
            target="case" if row.case_id else "person",
            case=row.case.reference if row.case else None,
            reason=row.reason,
            started_at=row.started_at,
            lifted_at=row.lifted_at,
            lift_reason=row.lift_reason,
        )


class RestrictionList(ApiModel):
    items: list[RestrictionOut]


class InzageExportOut(ApiModel):
    request_reference: str
    compiled_at: datetime
    compiled_by: str
    known: bool
    statement: str
    person: dict[str, Any] | None
    cases: list[dict[str, Any]]
    signals: list[dict[str, Any]]
    recipients: list[dict[str, Any]] = Field(
        description="Per organisation: roles, first and last moment, events, actions; `source` audit or processing_log."
    )
    processing_activities: list[dict[str, Any]]
    processing_log: list[dict[str, Any]]


REQUEST_FIELDS = {"bsn": "bsn", "received_on": "received_on"}


@api.get("/subject-requests", response=SubjectRequestList, tags=TAGS, errors=[404])
def list_subject_requests() -> SubjectRequestList:
    """Every request, open ones and the nearest deadline first (privacy officers; others 404)."""
    return SubjectRequestList(items=[SubjectRequestOut.of(r) for r in services.list_requests(api_user())])


@api.post(
    "/subject-requests",
    body=SubjectRequestIn,
    response=SubjectRequestOut,
    status=201,
    etag=True,
    tags=TAGS,
    errors=[404],
)
def create_subject_request(body: SubjectRequestIn) -> Reply:
    """Register a request for the person with this BSN (or name + birth date); one the register does not
    hold is registered too (`known: false`) and its export says so."""
    user = api_user()
    with refusals(fields=REQUEST_FIELDS):
        request = services.register(
            user,
            services.NewRequest(
                kind=body.kind,
                received_on=body.received_on,
                bsn=body.bsn,
                family_name=body.family_name,
                birth_date=body.birth_date,
                description=body.description,
            ),
        )
    location = url_for("api.get_subject_request", request_id=request.id, _external=True)
    return Reply(SubjectRequestOut.of(request), headers={"Location": location})


@api.get("/subject-requests/<id:request_id>", response=SubjectRequestOut, etag=True, tags=TAGS)
def get_subject_request(request_id: int) -> SubjectRequestOut:
    return SubjectRequestOut.of(services.load_request(api_user(), request_id))


@api.post(
    "/subject-requests/<id:request_id>/extension",
    body=ExtensionIn,
    response=SubjectRequestOut,
    if_match=True,
    etag=True,
    tags=TAGS,
    errors=[409],
)
def extend_subject_request(
    request_id: int, body: Callable[[], ExtensionIn], if_match: Callable[[], IfMatch]
) -> SubjectRequestOut:
    """Extend the deadline by two months, once, with a reason, within the first month (`If-Match`)."""
    user = api_user()
    request = services.load_request(user, request_id)
    precondition, given = if_match(), body()
    expected = precondition.check(request.version)
    with refusals():
        services.extend(user, request, reason=given.reason, expected_version=expected)
    return SubjectRequestOut.of(request)


@api.post(
    "/subject-requests/<id:request_id>/completion",
    body=CompletionIn,
    response=SubjectRequestOut,
    if_match=True,
    etag=True,
    tags=TAGS,
    errors=[409],
)
def complete_subject_request(
    request_id: int, body: Callable[[], CompletionIn], if_match: Callable[[], IfMatch]
) -> SubjectRequestOut:
    """Close the request, handled or rejected, with the answer given (`If-Match`)."""
    user = api_user()
    request = services.load_request(user, request_id)
    precondition, given = if_match(), body()
    expected = precondition.check(request.version)
    with refusals():
        services.complete(user, request, outcome=given.outcome, rejected=given.rejected, expected_version=expected)
    return SubjectRequestOut.of(request)


@api.get("/subject-requests/<id:request_id>/export", response=InzageExportOut, tags=TAGS)
def export_subject_request(request_id: int) -> InzageExportOut:
    """The inzage export (AVG art. 15) as JSON, audited as `subject_request.export`; the PDF is on the screens."""
    user = api_user()
    answer = export.compile_export(user, services.load_request(user, request_id))
    return InzageExportOut(**answer.as_dict())


@api.get("/subject-requests/<id:request_id>/rectifications", response=RectificationList, tags=TAGS)
def list_rectifications(request_id: int) -> RectificationList:
    """Every rectification of the request's person, oldest first."""
    user = api_user()
    rows = corrections.rectifications_of(user, services.load_request(user, request_id))
    return RectificationList(items=[RectificationOut.of(r) for r in rows])


@api.post(
    "/subject-requests/<id:request_id>/rectifications",
    body=RectificationIn,
    response=RectificationOut,
    status=201,
    tags=TAGS,
    errors=[409],
)
def rectify_person(request_id: int, body: Callable[[], RectificationIn]) -> Reply:
    """Correct one field of the request's person; the old value is kept (encrypted). 409 while restricted."""
    user = api_user()
    request = services.load_request(user, request_id)
    given = body()
    with refusals(default_field="value"):
        row = corrections.rectify(user, request, field=given.field, value=given.value, reason=given.reason)
    # no single-rectification resource: the history it joined
    location = url_for("api.list_rectifications", request_id=request.id, _external=True)
    return Reply(RectificationOut.of(row), headers={"Location": location})


@api.get("/subject-requests/<id:request_id>/restrictions", response=RestrictionList, tags=TAGS)
def list_restrictions(request_id: int) -> RestrictionList:
    """The restrictions of the request's person and their cases, newest first."""
    request = services.load_request(api_user(), request_id)
    return RestrictionList(items=[RestrictionOut.of(r) for r in corrections.restrictions_of(request)])


@api.post(
    "/subject-requests/<id:request_id>/restrictions",
    body=RestrictionIn,
    response=RestrictionOut,
    status=201,
    tags=TAGS,
    errors=[409],
)
def restrict_processing(request_id: int, body: Callable[[], RestrictionIn]) -> Reply:
    """Restrict the person (and so their cases), or one of their cases by reference: changes are then refused."""
    user = api_user()
    request = services.load_request(user, request_id)
    given = body()
    case_id = None
    if given.case is not None:
        case = next((c for c in corrections.cases_of(request) if c.reference == given.case), None)
        case_id = case.id if case is not None else 0  # 0: no such case of the person → the audited 404
    with refusals():
        row = corrections.restrict(user, request, reason=given.reason, case_id=case_id)
    location = url_for("api.list_restrictions", request_id=request.id, _external=True)
    return Reply(RestrictionOut.of(row), headers={"Location": location})


@api.post(
    "/subject-requests/<id:request_id>/restrictions/<id:restriction_id>/lift",
    body=LiftIn,
    response=RestrictionOut,
    tags=TAGS,
    errors=[409],
)
def lift_restriction(request_id: int, restriction_id: int, body: Callable[[], LiftIn]) -> RestrictionOut:
    """Lift a restriction; what no other restriction holds can be changed again."""
    user = api_user()
    request = services.load_request(user, request_id)
    given = body()
    with refusals():
        row = corrections.lift(user, request, restriction_id, reason=given.reason)
    return RestrictionOut.of(row)
