"""The case module's own timeline sources: status changes, closing steps, field edits, participants.

Registered on import (``casebook.cases.views`` imports this module). Sources receive a case the
viewer was already allowed to see; what is case content (status reasons, the closing summary and
comments, the proposed result) is shown only to readers of content (``READ_CASE_CONTENT``). The
approving supervisor reads the pending proposal in the approval step, not here.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import gettext as _

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases import history
from casebook.cases.extensions import TimelineEntry, register_timeline_source
from casebook.cases.models import Case, CaseParticipant, ClosureStepKind
from casebook.i18n import INVOLVEMENT_LABELS


def _who(user: User | None) -> tuple[str | None, str | None]:
    if user is None:
        return None, None
    return user.display_name, user.organisation.name


def status_entries(viewer: User, case: Case) -> Iterable[TimelineEntry]:
    may_read = can(viewer, Action.READ_CASE_CONTENT, case)  # a reason is case content, not metadata
    for change in history.status_changes(case):
        actor, organisation = _who(change.changed_by)
        yield TimelineEntry(
            at=change.changed_at,
            kind="status",
            title=history.status_title(change),
            actor=actor,
            organisation=organisation,
            detail=change.reason if may_read else None,
        )


def closure_entries(viewer: User, case: Case) -> Iterable[TimelineEntry]:
    may_read = can(viewer, Action.READ_CASE_CONTENT, case)
    for step in history.closure_steps(case):
        actor, organisation = _who(step.by)
        detail = step.text if may_read else None
        if step.kind is ClosureStepKind.SENT_BACK and detail:
            detail = _("Toelichting: %(text)s", text=detail)
        yield TimelineEntry(
            at=step.at,
            kind="closure",
            title=history.closure_title(step, with_result=may_read),
            actor=actor,
            organisation=organisation,
            detail=detail,
        )


def edit_entries(viewer: User, case: Case) -> Iterable[TimelineEntry]:
    for change in history.field_changes(case):
        actor, organisation = _who(change.changed_by)
        if change.old_value is None and change.new_value is None:  # a text field: that it changed, no text
            title = _("%(field)s gewijzigd", field=history.field_label(change.field))
        else:
            title = _(
                "%(field)s gewijzigd: %(old)s → %(new)s",
                field=history.field_label(change.field),
                old=change.old_value or "—",
                new=change.new_value or "—",
            )
        yield TimelineEntry(
            at=change.changed_at,
            kind="edit",
            title=title,
            actor=actor,
            organisation=organisation,
        )


def participant_entries(viewer: User, case: Case) -> Iterable[TimelineEntry]:
    """Who joins and leaves. A participation ended at the moment the same organisation (or named
    user) starts another is one change of role ("neemt voortaan deel als …"), not a departure: a
    transfer ends the receiver's contributor row and starts its lead row. Participations closing
    ended say so, and reopening takes them up again."""
    rows = list(case.participants)

    def key(p: CaseParticipant) -> tuple[int, int | None]:
        return (p.organisation_id, p.user_id)

    successor = {
        p.id: q
        for p in rows
        for q in rows
        if p.ended_at is not None and q.id != p.id and key(q) == key(p) and q.started_at == p.ended_at
    }
    continued = {q.id: p for p, q in ((p, successor[p.id]) for p in rows if p.id in successor)}
    for participant in rows:
        who = participant.organisation.name
        if participant.user is not None:
            who = f"{participant.user.display_name} ({who})"
        role = INVOLVEMENT_LABELS.get(participant.involvement.value, participant.involvement.value)
        actor, organisation = _who(participant.added_by)
        previous = continued.get(participant.id)
        if previous is None:
            title = _("%(who)s neemt deel als %(role)s", who=who, role=role)
        elif previous.involvement is participant.involvement:
            title = _("%(who)s neemt weer deel als %(role)s", who=who, role=role)
        else:
            title = _("%(who)s neemt voortaan deel als %(role)s", who=who, role=role)
        yield TimelineEntry(
            at=participant.started_at, kind="participant", title=title, actor=actor, organisation=organisation
        )
        if participant.ended_at is not None and participant.id not in successor:
            actor, organisation = _who(participant.ended_by)
            title = (
                _("%(who)s neemt niet meer deel: de casus is afgesloten", who=who)
                if participant.closed_with_case or _ended_by_closing(case, participant)
                else _("%(who)s neemt niet meer deel", who=who)
            )
            yield TimelineEntry(
                at=participant.ended_at, kind="participant", title=title, actor=actor, organisation=organisation
            )


def _ended_by_closing(case: Case, participant: CaseParticipant) -> bool:
    """Closing ended it (also after a reopening, which clears the mark but keeps the moment)."""
    return any(s.kind is ClosureStepKind.APPROVED and s.at == participant.ended_at for s in history.closure_steps(case))


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_timeline_source(app, "status", status_entries)
    register_timeline_source(app, "closure", closure_entries)
    register_timeline_source(app, "edit", edit_entries)
    register_timeline_source(app, "participant", participant_entries)
