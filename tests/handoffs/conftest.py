"""Handoff fixtures: a ZVH-led case, the wijkteam that may receive it, and an in-memory item kind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from casebook.auth.models import Role
from casebook.db import db
from casebook.handoffs import items as shared_items
from casebook.handoffs import services
from casebook.handoffs.models import HandoffKind, LegalBasis, SenderAfterTransfer
from casebook.organisations.models import OrganisationKind
from tests.factories import make_case, make_org, make_user


@dataclass
class Memo:
    """A stand-in for a journal note: belongs to one case, shared or internal."""

    id: int
    case_id: int
    title: str
    visibility: str = "shared"
    at: datetime | None = None


MEMOS: dict[int, Memo] = {}


def _memo_kind() -> shared_items.SharedItemKind:
    return shared_items.SharedItemKind(
        kind="memo",
        label="Notitie",
        candidates=lambda user, case: [
            shared_items.ItemChoice(m.id, m.title)
            for m in MEMOS.values()
            if m.case_id == case.id and m.visibility == "shared"
        ],
        load=lambda case, item_id: (
            MEMOS.get(item_id) if MEMOS.get(item_id, Memo(0, -1, "")).case_id == case.id else None
        ),
        is_internal=lambda memo: memo.visibility == "internal",
        render=lambda memo, context: shared_items.RenderedItem("Notitie", memo.title, memo.title, memo.at),
    )


@pytest.fixture(autouse=True)
def memo_kind():
    MEMOS.clear()
    shared_items.register_item_kind(_memo_kind())
    yield MEMOS
    shared_items.unregister_item_kind("memo")
    MEMOS.clear()


@pytest.fixture
def zvh():
    return make_org("zvh-test", kind=OrganisationKind.ZVH, name="ZVH Test")


@pytest.fixture
def west():
    return make_org("west-test", kind=OrganisationKind.WIJKTEAM, name="Wijkteam West Test")


@pytest.fixture
def housing():
    return make_org("woco-test", kind=OrganisationKind.HOUSING_CORPORATION, name="Woningcorporatie Test")


@pytest.fixture
def zvh_coord(zvh):
    return make_user(org=zvh, roles=[Role.COORDINATOR])


@pytest.fixture
def zvh_worker(zvh):
    return make_user(org=zvh, roles=[Role.CASEWORKER])


@pytest.fixture
def west_coord(west):
    return make_user(org=west, roles=[Role.COORDINATOR])


@pytest.fixture
def west_worker(west):
    return make_user(org=west, roles=[Role.CASEWORKER])


@pytest.fixture
def case(zvh):
    return make_case(lead=zvh)


@pytest.fixture
def shared_case(zvh, west):
    """A ZVH-led case the wijkteam West takes part in (as observer): West may ask for regie."""
    from casebook.cases.models import Involvement

    return make_case(lead=zvh, participants=[(west, Involvement.OBSERVER)])


@pytest.fixture
def basis():
    return db.session.scalar(select(LegalBasis).where(LegalBasis.code == "zvh_convenant"))


@pytest.fixture
def make_input(basis):
    def build(receiver, kind=HandoffKind.TRANSFER, **values):
        defaults = {
            "summary": "Gezin heeft vooral zorgvragen; regie past beter bij het wijkteam.",
            "legal_basis": basis,
            "person_informed": True,
        }
        if kind is HandoffKind.TRANSFER:
            defaults["sender_after"] = SenderAfterTransfer.OBSERVER
        else:
            from casebook.cases.models import Involvement

            defaults["receiver_involvement"] = Involvement.CONTRIBUTOR
        defaults.update(values)
        return services.HandoffInput(kind=kind, receiver=receiver, **defaults)

    return build


@pytest.fixture
def transfer(case, west, zvh_coord, make_input):
    """A pending transfer ZVH → wijkteam West; ZVH stays as observer."""
    return services.send(case, make_input(west), by=zvh_coord)
