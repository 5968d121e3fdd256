"""Destruction lists through the API: the lists, one list with its items, approving, taking an item
off, and the certificate — the same services as the screens, so the same four-eyes rule and the same
404 for everyone but a municipal supervisor and the privacy officer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Literal

from flask import Response
from pydantic import Field

from casebook.access import Action
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals
from casebook.api.locking import IfMatch
from casebook.api.schemas.common import ApiModel, InputModel
from casebook.retention import services
from casebook.retention.certificate import certificate
from casebook.retention.models import DestructionItem, DestructionList, ItemKind, ItemStatus, ListStatus

TAGS = ["retention"]


class ItemOut(ApiModel):
    id: int
    kind: ItemKind
    reference: str = Field(description="PGA-…, MLD-…, P-… (a person), D-… (a document): never a name.")
    type: str | None = Field(description="Case type or document type code.")
    closed_on: dt.date | None = Field(description="Closing date, triage date, or registration date.")
    due_on: dt.date = Field(description="When the retention ran out.")
    rule: str = Field(description="The retention rule, e.g. `case_type:youth P5Y`.")
    status: ItemStatus
    withheld_reason: str | None
    parent_id: int | None = Field(description="The case or signal a document or person goes with.")
    destroyed_at: dt.datetime | None

    @classmethod
    def of(cls, item: DestructionItem) -> ItemOut:
        return cls(
            id=item.id,
            kind=item.kind,
            reference=item.reference,
            type=item.type_code,
            closed_on=item.closed_on,
            due_on=item.due_on,
            rule=item.rule,
            status=item.status,
            withheld_reason=str(item.withheld_reason) if item.withheld_reason else None,
            parent_id=item.parent_id,
            destroyed_at=item.destroyed_at,
        )


class ListSummary(ApiModel):
    id: int
    status: ListStatus
    as_of: dt.date
    drawn_up_at: dt.datetime
    supervisor_approved_by: str | None = Field(description="Username.")
    privacy_approved_by: str | None = Field(description="Username.")
    destroyed_at: dt.datetime | None
    version: int

    @classmethod
    def fields_of(cls, listing: DestructionList) -> dict:
        return {
            "id": listing.id,
            "status": listing.status,
            "as_of": listing.as_of,
            "drawn_up_at": listing.drawn_up_at,
            "supervisor_approved_by": listing.supervisor_approved_by.username
            if listing.supervisor_approved_by
            else None,
            "privacy_approved_by": listing.privacy_approved_by.username if listing.privacy_approved_by else None,
            "destroyed_at": listing.destroyed_at,
            "version": listing.version,
        }


class ListOut(ListSummary):
    items: list[ItemOut]

    @classmethod
    def of(cls, listing: DestructionList) -> ListOut:
        return cls(**ListSummary.fields_of(listing), items=[ItemOut.of(i) for i in listing.items])


class Lists(ApiModel):
    items: list[ListSummary] = Field(description="Newest first.")


class DrawUpIn(InputModel):
    as_of: dt.date | None = Field(None, description="Peildatum (ISO date); today by default.")


class DrawnUp(ApiModel):
    list: ListOut | None = Field(description="The new list, or null when nothing new has passed its retention.")


class WithholdIn(InputModel):
    reason: Literal["legal_hold", "pending_request"]


@api.get("/destruction-lists", response=Lists, tags=TAGS, errors=(404,))
def list_destruction_lists() -> Lists:
    """Every destruction list (a municipal supervisor and the privacy officer; others get a 404)."""
    lists = services.lists_for(api_user())
    return Lists(items=[ListSummary(**ListSummary.fields_of(entry)) for entry in lists])


@api.post("/destruction-lists", body=DrawUpIn, response=DrawnUp, tags=TAGS, errors=(404,))
def draw_up_destruction_list(body: DrawUpIn) -> DrawnUp:
    """Draw up a list of what has passed its retention on ``as_of`` and is on no list yet, as the weekly
    timer does. Nothing is destroyed until a supervisor and the privacy officer approve it."""
    from casebook.casework import local_today

    listing = services.draw_up(body.as_of or local_today(), by=api_user())
    return DrawnUp(list=ListOut.of(listing) if listing is not None else None)


@api.get("/destruction-lists/<id:list_id>", response=ListOut, etag=True, tags=TAGS)
def get_destruction_list(list_id: int) -> ListOut:
    """One list with its items: references, kinds, types, dates and rules — no content."""
    return ListOut.of(services.load_list(api_user(), list_id))


@api.post(
    "/destruction-lists/<id:list_id>/approval", response=ListOut, if_match=True, etag=True, tags=TAGS, errors=(409,)
)
def approve_destruction_list(list_id: int, if_match: Callable[[], IfMatch]) -> ListOut:
    """Give the caller's approval (``If-Match`` required). A second approval by the same person is a 409."""
    user = api_user()
    listing = services.load_list(user, list_id, Action.APPROVE_DESTRUCTION_LIST)
    expected = if_match().check(listing.version)
    with refusals():
        services.approve(listing, by=user, version=expected)
    return ListOut.of(listing)


@api.post(
    "/destruction-lists/<id:list_id>/items/<id:item_id>/withhold",
    body=WithholdIn,
    response=ListOut,
    if_match=True,
    etag=True,
    tags=TAGS,
    errors=(409,),
)
def withhold_destruction_item(
    list_id: int, item_id: int, body: Callable[[], WithholdIn], if_match: Callable[[], IfMatch]
) -> ListOut:
    """Take an item off a list awaiting approval, with its documents and persons (``If-Match`` required)."""
    user = api_user()
    listing = services.load_list(user, list_id, Action.WITHHOLD_DESTRUCTION_ITEM)
    item = services.load_item(user, listing, item_id)
    expected, payload = if_match().check(listing.version), body()
    with refusals():
        services.withhold(item, by=user, reason=payload.reason, version=expected)
    return ListOut.of(listing)


@api.get("/destruction-lists/<id:list_id>/certificate", produces=("application/pdf",), tags=TAGS, errors=(409,))
def destruction_certificate(list_id: int) -> Response:
    """The verklaring van vernietiging (PDF) of a carried-out list; a 409 before the run."""
    user = api_user()
    listing = services.load_list(user, list_id)
    with refusals():
        printed = certificate(listing, by=user)
    return Response(
        printed.content,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{printed.filename}"', "Cache-Control": "no-store"},
    )
