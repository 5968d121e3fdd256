"""The signal a case came from, on the case's timeline (kind ``signal``).

The signal's description becomes part of the case file: shown to those who may read the case's
content (``READ_CASE_CONTENT``, not supervisors); the others see that and when the case came in,
from whom and through which channel.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import gettext as _

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.extensions import TimelineEntry, register_timeline_source
from casebook.cases.models import Case
from casebook.i18n import CHANNEL_LABELS
from casebook.signals.services import origin_of


def signal_entries(viewer: User, case: Case) -> Iterable[TimelineEntry]:
    signal = origin_of(case)
    if signal is None:
        return
    channel = CHANNEL_LABELS.get(signal.channel.value, signal.channel.value)
    yield TimelineEntry(
        at=signal.received_at,
        kind="signal",
        title=_(
            "Melding %(reference)s ontvangen van %(source)s (%(channel)s)",
            reference=signal.reference,
            source=signal.source_organisation.name,
            channel=channel,
        ),
        actor=signal.registered_by.display_name,
        organisation=signal.registered_by.organisation.name,
        detail=signal.description if can(viewer, Action.READ_CASE_CONTENT, case) else None,
    )
    if signal.triaged_at is not None and signal.triaged_by is not None:
        yield TimelineEntry(
            at=signal.triaged_at,
            kind="signal",
            title=_("Gewogen op de weegtafel: casus openen"),
            actor=signal.triaged_by.display_name,
            organisation=signal.triaged_by.organisation.name,
            detail=signal.decision_reason if can(viewer, Action.READ_CASE_CONTENT, case) else None,
        )


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_timeline_source(app, "signal", signal_entries)
