"""Data-driven rules (receivers, BSN, legal bases), the shared-item registry, the case page hooks, the CLI."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from casebook.access import may_process_bsn
from casebook.cases.extensions import sections_for, timeline_for
from casebook.cli import cli
from casebook.confidentiality import Confidentiality
from casebook.db import db
from casebook.handoffs import items as shared_items
from casebook.handoffs import services
from casebook.handoffs.models import BsnProcessingRule, Handoff, HandoffStatus, RestrictedTypeReceiverKind
from casebook.handoffs.rules import legal_bases, receivers_allowed_for
from casebook.organisations.models import OrganisationKind
from tests.factories import authorise_roles, authorise_user, make_case, make_case_type, make_org, make_user
from tests.handoffs.conftest import Memo


def test_bsn_rules_are_seeded_and_fail_closed(housing, west):
    assert may_process_bsn(west) is True
    assert may_process_bsn(housing) is False
    assert may_process_bsn(make_org("jw", kind=OrganisationKind.YOUTH_WORK)) is False
    assert may_process_bsn(None) is False
    db.session.delete(
        db.session.scalar(select(BsnProcessingRule).where(BsnProcessingRule.organisation_kind == "wijkteam"))
    )
    db.session.flush()
    assert may_process_bsn(west) is False  # no rule: may not


def test_legal_bases_are_seeded_in_order():
    codes = [b.code for b in legal_bases()]
    assert codes[:4] == ["zvh_convenant", "wettelijke_taak", "wettelijke_plicht", "vitaal_belang"]


def test_receivers_exclude_the_lead_and_follow_authorisations_for_restricted_types(zvh, west):
    police = make_org("politie-rr", kind=OrganisationKind.POLICE)
    inactive = make_org("weg", kind=OrganisationKind.WIJKTEAM, active=False)
    open_case = make_case(lead=zvh)
    ids = {o.id for o in receivers_allowed_for(open_case)}
    assert west.id in ids and police.id in ids and zvh.id not in ids and inactive.id not in ids
    restricted_type = make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
    restricted = make_case(lead=zvh, type="radicalisation")
    assert receivers_allowed_for(restricted) == []
    authorise_roles(
        restricted_type, roles=["caseworker"], max_confidentiality=Confidentiality.GEHEIM, organisation=west
    )
    make_user(org=west, roles=["caseworker"])
    authorise_user(make_user(org=police), restricted_type, max_confidentiality=Confidentiality.GEHEIM)
    assert {o.id for o in receivers_allowed_for(restricted)} == {west.id, police.id}
    db.session.add(RestrictedTypeReceiverKind(case_type=restricted_type, organisation_kind=OrganisationKind.POLICE))
    db.session.flush()
    assert [o.id for o in receivers_allowed_for(restricted)] == [police.id]


def test_registry_refuses_unknown_internal_and_foreign_items(case, memo_kind):
    memo_kind[1] = Memo(1, case.id, "gedeeld")
    memo_kind[2] = Memo(2, case.id, "intern", visibility="internal")
    assert shared_items.validate(case, "memo", 1).title == "gedeeld"
    for kind, item_id in (("memo", 2), ("memo", 3), ("onbekend", 1)):
        with pytest.raises(shared_items.ItemRefused):
            shared_items.validate(case, kind, item_id)
    shared_items.check_never_shares_internal("memo", memo_kind[2])


def test_internal_marker_wins_over_a_careless_registration(case):
    careless = shared_items.SharedItemKind(
        kind="careless",
        label="x",
        candidates=lambda u, c: [],
        load=lambda c, i: Memo(i, c.id, "geheim", visibility="internal"),
        is_internal=lambda item: False,
        render=lambda item, ctx: shared_items.RenderedItem("x", item.title),
    )
    shared_items.register_item_kind(careless)
    try:
        with pytest.raises(shared_items.ItemRefused):
            shared_items.validate(case, "careless", 1)
    finally:
        shared_items.unregister_item_kind("careless")


def test_conformance_check_catches_a_registration_that_leaks(case):
    leaky = shared_items.SharedItemKind(
        kind="leaky",
        label="x",
        candidates=lambda u, c: [],
        load=lambda c, i: None,
        is_internal=lambda item: False,
        render=lambda item, ctx: shared_items.RenderedItem("x", "y"),
    )
    shared_items.register_item_kind(leaky)
    try:
        with pytest.raises(AssertionError):
            shared_items.check_never_shares_internal("leaky", object())
    finally:
        shared_items.unregister_item_kind("leaky")


def test_rendering_masks_bsns_for_a_receiver_that_may_not_process_them(case, west_coord, memo_kind):
    memo_kind[1] = Memo(1, case.id, "BSN 999990019 genoemd")
    context = shared_items.RenderContext(viewer=west_coord, bsn_allowed=False)
    [shown] = shared_items.render_items(case, [("memo", 1), ("weg", 5)], context)[:1]
    assert "999990019" not in shown.title and "*****0019" in shown.title
    gone = shared_items.render_items(case, [("weg", 5)], context)[0]
    assert gone.text is None
    allowed = shared_items.render_items(case, [("memo", 1)], shared_items.RenderContext(west_coord, True))[0]
    assert "999990019" in allowed.title


def test_find_bsns_needs_the_eleven_test():
    assert shared_items.find_bsns("bsn 999990019 en 123456789") == ["999990019"]
    assert shared_items.find_bsns("tel 0612345678") == []


def test_case_section_and_timeline(app, case, transfer, zvh_coord, west_coord):
    services.accept(transfer, by=west_coord, process_coordinator=west_coord)
    fresh = db.session.get(type(case), case.id)
    with app.test_request_context():
        _check_section_and_timeline(fresh, transfer, zvh_coord, west_coord)


def _check_section_and_timeline(fresh, transfer, zvh_coord, west_coord):
    for viewer in (zvh_coord, west_coord):  # both organisations' timelines
        entries = timeline_for(viewer, fresh, kinds=["handoff"])
        assert [e.extra["status"] for e in entries] == ["accepted", "accepted"]
        assert "Wijkteam West Test" in entries[0].title
        assert entries[0].url == f"/handoffs/{transfer.id}"
    sections = dict((s.key, ctx) for s, ctx in sections_for(west_coord, fresh))
    assert [h.id for h in sections["handoffs"]["handoffs"]] == [transfer.id]
    assert sections["handoffs"]["can_send"] is True


def test_cli_expire_is_idempotent(app, case, transfer):
    db.session.execute(
        Handoff.__table__.update()
        .where(Handoff.id == transfer.id)
        .values(expires_at=transfer.sent_at - timedelta(days=1))
    )
    runner = app.test_cli_runner()
    first = runner.invoke(cli, ["handoffs", "expire"])
    assert first.exit_code == 0 and "expired 1 handoffs" in first.output
    second = runner.invoke(cli, ["handoffs", "expire"])
    assert "expired 0 handoffs" in second.output
    db.session.expire_all()
    assert db.session.get(Handoff, transfer.id).status is HandoffStatus.EXPIRED


def test_a_participant_passes_the_same_rule_as_a_handoff_receiver(zvh, west):
    """Adding a participant is no way around the receiver rule of a restricted type."""
    from casebook.cases import participants
    from casebook.cases.errors import CaseRuleError
    from casebook.cases.models import Involvement

    make_case_type("radicalisation", restricted=True, confidentiality=Confidentiality.GEHEIM)
    restricted = make_case(lead=zvh, type="radicalisation")
    coordinator = make_user(org=zvh, roles=["coordinator"])
    authorise_user(coordinator, restricted.case_type, max_confidentiality=Confidentiality.GEHEIM)
    assert west.id not in {o.id for o in participants.organisation_choices(restricted)}
    with pytest.raises(CaseRuleError):
        participants.add_participant(restricted, west.id, Involvement.CONTRIBUTOR, by=coordinator)
    assert not any(p.organisation_id == west.id for p in restricted.participants)
