"""The signal a case came from, on the case's timeline (kind ``signal``).

The signal's description becomes part of the case file: shown to those who may read the case's
content (``READ_CASE_CONTENT``, not supervisors), audited; the others see that and when the case
came in, from whom and through which channel (``signals.services.origin_for`` decides).
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from flask_babel import gettext as _

from casebook.auth.models import User
from casebook.cases.extensions import TimelineEntry, read_once, register_timeline_source
from casebook.cases.models import Case
from casebook.i18n import CHANNEL_LABELS
from casebook.signals.services import origin_for


def signal_entries(viewer: User, case: Case) -> Iterable[TimelineEntry]:
    """From the one audited read of the case's origin (``signals.origin_for``), once per page."""
    origin = read_once("signal", viewer, case, lambda: origin_for(viewer, case))
    if origin is None:
        return
    signal = origin.signal
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
        detail=origin.description,
    )
    if signal.triaged_at is not None and signal.triaged_by is not None:
        yield TimelineEntry(
            at=signal.triaged_at,
            kind="signal",
            title=_("Gewogen op de weegtafel: casus openen"),
            actor=signal.triaged_by.display_name,
            organisation=signal.triaged_by.organisation.name,
            detail=origin.decision_reason,
        )


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_timeline_source(app, "signal", signal_entries)
