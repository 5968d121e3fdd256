"""The dossier's summary and signaleringen: encryption at rest, policy, locking, history and audit."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from casebook.access import AccessDenied, Refused
from casebook.audit import Outcome
from casebook.cases import dossier_changes, services
from casebook.cases import summary_flags as dossier
from casebook.cases.dossier_models import CaseFlag, CaseFlagType
from casebook.cases.errors import CaseRuleError, StaleCase
from casebook.cases.models import CaseFieldChange
from casebook.db import db
from tests.factories import make_case, make_org, make_user
from tests.helpers import audit_events, last_event

ANALYSIS = "Schulden-PLANTED-analysis en overlast"
REQUEST = "Hulp-PLANTED-request bij schulden"
SEEDED = {
    "veiligheidsrisico_huisbezoek",
    "wapenbezit",
    "agressie",
    "drugs_verslaving",
    "zorgmijder",
    "taalbarriere",
    "minderjarige_kinderen",
}


@pytest.fixture
def zvh():
    return make_org("zvh")


@pytest.fixture
def coordinator(zvh):
    return make_user(org=zvh, roles=["coordinator"])


@pytest.fixture
def case(zvh):
    return make_case(lead=zvh)


def _summary(case, by, analysis=ANALYSIS, request=REQUEST, version=None):
    edit = dossier_changes.SummaryEdit(problem_analysis=analysis, help_request=request)
    return dossier_changes.update_summary(
        case, edit, by=by, expected_version=case.version if version is None else version
    )


def test_the_migration_seeds_the_flag_types_with_the_safety_ones_first():
    types = dossier.flag_types()
    assert {t.code for t in types} >= SEEDED
    assert {t.code for t in types if t.safety} >= {"veiligheidsrisico_huisbezoek", "wapenbezit", "agressie"}
    assert [t.safety for t in types] == sorted((t.safety for t in types), reverse=True)


def test_the_summary_is_stored_encrypted_and_read_back(case, coordinator):
    assert _summary(case, coordinator) == ["help_request", "problem_analysis"]
    db.session.flush()
    raw = db.session.execute(
        text('SELECT problem_analysis, help_request FROM "case" WHERE id = :id'), {"id": case.id}
    ).one()
    for blob, plain in zip(raw, (ANALYSIS, REQUEST), strict=True):
        assert blob and plain.encode() not in bytes(blob) and b"PLANTED" not in bytes(blob)
    db.session.expire_all()
    shown = dossier.summary_flags_for(coordinator, services.load_for(coordinator, case.id))
    assert shown["summary"] == {"problem_analysis": ANALYSIS, "help_request": REQUEST}
    assert shown["can_edit"] is True


def test_a_summary_change_bumps_the_version_keeps_history_and_audits_no_text(case, coordinator):
    version = case.version
    _summary(case, coordinator, request=None)
    assert case.version == version + 1
    history = db.session.scalars(select(CaseFieldChange).where(CaseFieldChange.case_id == case.id)).all()
    assert [(h.field, h.old_value, h.new_value) for h in history] == [("problem_analysis", None, None)]
    event = last_event("case.summary.change", case_id=case.id)
    assert event.actor_user_id == coordinator.id and event.outcome is Outcome.ALLOWED
    assert event.details == {"fields": ["problem_analysis"], "version": case.version}
    assert "PLANTED" not in str(event.details)


def test_an_unchanged_summary_writes_nothing(case, coordinator):
    _summary(case, coordinator)
    version = case.version
    assert _summary(case, coordinator, analysis=f"  {ANALYSIS} ") == []
    assert case.version == version


def test_a_stale_summary_edit_is_refused_and_writes_nothing(case, coordinator):
    _summary(case, coordinator)
    with pytest.raises(StaleCase) as refused:
        _summary(case, coordinator, analysis="Anders", version=1)
    assert refused.value.current_version == case.version
    assert any(change.what == "Probleemanalyse" for change in refused.value.changes)
    assert case.problem_analysis == ANALYSIS


def test_a_too_long_summary_is_a_rule_error_on_its_field(case, coordinator):
    with pytest.raises(CaseRuleError) as refused:
        _summary(case, coordinator, analysis="x" * 2001)
    assert refused.value.field == "problem_analysis"


def test_a_supervisor_sees_the_flags_but_not_the_summary_and_may_not_edit(case, coordinator, zvh):
    _summary(case, coordinator)
    dossier_changes.set_flags(case, ["wapenbezit"], by=coordinator, expected_version=case.version)
    supervisor = make_user(org=zvh, roles=["supervisor"])
    shown = dossier.summary_flags_for(supervisor, case)
    assert [f["code"] for f in shown["flags"]] == ["wapenbezit"]
    assert shown["summary"] is None and shown["can_edit"] is False
    event = last_event("case.dossier.view", actor_user_id=supervisor.id)
    assert event.details == {"flags": ["wapenbezit"], "summary": []}
    with pytest.raises(AccessDenied):
        _summary(case, supervisor, analysis="Anders")
    assert last_event("case.update", actor_user_id=supervisor.id).outcome is Outcome.DENIED


def test_out_of_scope_is_404_and_sees_nothing(case):
    outsider = make_user(org=make_org("elders"), roles=["coordinator"])
    with pytest.raises(Refused):
        services.load_for(outsider, case.id)
    assert dossier.summary_flags_for(outsider, case) is None
    assert not audit_events("case.dossier.view", actor_user_id=outsider.id)


def test_flags_are_set_and_ended_with_history_and_audited_by_code(case, coordinator):
    change = dossier_changes.set_flags(case, ["agressie", "zorgmijder"], by=coordinator, expected_version=case.version)
    assert change.added == ("agressie", "zorgmijder") and not change.removed
    version = case.version
    change = dossier_changes.set_flags(case, ["zorgmijder", "wapenbezit"], by=coordinator, expected_version=version)
    assert change.added == ("wapenbezit",) and change.removed == ("agressie",)
    assert case.version == version + 1
    rows = db.session.scalars(select(CaseFlag).where(CaseFlag.case_id == case.id).order_by(CaseFlag.id)).all()
    ended = [r for r in rows if r.ended_at is not None]
    assert len(rows) == 3 and [r.flag_type.code for r in ended] == ["agressie"] and ended[0].ended_by == coordinator
    assert [f.flag_type.code for f in dossier.current_flags(case)] == ["zorgmijder", "wapenbezit"]
    event = last_event("case.flags.change", case_id=case.id)
    assert event.details == {
        "added": ["wapenbezit"],
        "removed": ["agressie"],
        "flags": ["wapenbezit", "zorgmijder"],
        "version": case.version,
    }
    flags = db.session.scalars(
        select(CaseFieldChange).where(CaseFieldChange.case_id == case.id, CaseFieldChange.field == "flags")
    ).all()
    assert flags[-1].old_value == "Agressie, Zorgmijder" and flags[-1].new_value == "Wapenbezit, Zorgmijder"
    shown = dossier.summary_flags_for(coordinator, case)
    assert [f["code"] for f in shown["flags"]] == ["wapenbezit", "zorgmijder"]  # safety first


def test_unknown_or_inactive_flags_are_refused(case, coordinator):
    with pytest.raises(CaseRuleError) as refused:
        dossier_changes.set_flags(case, ["bestaat_niet"], by=coordinator, expected_version=case.version)
    assert refused.value.field == "flags"
    db.session.scalar(select(CaseFlagType).where(CaseFlagType.code == "taalbarriere")).active = False
    db.session.flush()
    with pytest.raises(CaseRuleError):
        dossier_changes.set_flags(case, ["taalbarriere"], by=coordinator, expected_version=case.version)
    assert not dossier.current_flags(case)


def test_a_stale_flag_change_is_refused(case, coordinator):
    dossier_changes.set_flags(case, ["agressie"], by=coordinator, expected_version=case.version)
    with pytest.raises(StaleCase):
        dossier_changes.set_flags(case, [], by=coordinator, expected_version=1)
    assert [f.flag_type.code for f in dossier.current_flags(case)] == ["agressie"]
