"""The demo has a destruction list waiting for the approval of gemeente.supervisor and gemeente.privacy."""

from __future__ import annotations

from sqlalchemy import select

from casebook.auth.models import User
from casebook.db import db
from casebook.demo.seed import seed
from casebook.retention import destroy, services
from casebook.retention.demo import OLD_CASES, seed_retention
from casebook.retention.models import DestructionList, ItemKind, ListStatus


def test_the_demo_list_waits_for_both_approvals_and_can_be_carried_out():
    seed("demo-password-for-tests")
    listing = db.session.scalar(select(DestructionList))
    assert listing.status is ListStatus.AWAITING_APPROVAL
    kinds = {item.kind for item in listing.items}
    assert {ItemKind.CASE, ItemKind.SIGNAL, ItemKind.PERSON} <= kinds
    assert sum(1 for item in listing.items if item.kind is ItemKind.CASE) >= len(OLD_CASES)
    assert any(item.type_code == "radicalisation" for item in listing.items)
    assert seed_retention() == {"destruction lists": 0}  # idempotent
    users = {u.username: u for u in db.session.scalars(select(User))}
    services.approve(listing, by=users["gemeente.supervisor"])
    services.approve(listing, by=users["gemeente.privacy"])
    report = destroy.run()
    assert report.completed_lists == [listing.id] and not report.skipped
