"""SEAM to the processing log and the register of processing activities (``casebook.privacy``).

The inzage export takes its recipients from the audit trail (``export.recipients_from_audit``) and,
where the privacy module is installed, also from the processing log (``entries_for_subject``: one
line per processing of this person, by keyed pseudonym, with its processing activity) and its
activities' purpose and legal basis from the register (``activity(code)``). Without that module
these functions answer empty lists and the export says the register is not connected: the audit
trail alone then names the recipients.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


def _privacy(module: str) -> ModuleType | None:
    try:
        return importlib.import_module(f"casebook.privacy.{module}")
    except ModuleNotFoundError:
        return None


def register_connected() -> bool:
    """Is the register of processing activities (and its processing log) part of this installation?"""
    return _privacy("register") is not None and _privacy("processing_log") is not None


def processing_log_lines(bsn: str | None) -> list[dict[str, Any]]:
    """The processing log's lines about the person with ``bsn`` (none without a BSN or the log)."""
    log = _privacy("processing_log")
    if log is None or not bsn:
        return []
    return [
        {
            "trace_id": entry.trace_id,
            "name": entry.name,
            "status": entry.status,
            "started_at": entry.started_at,
            "ended_at": entry.ended_at,
            "processing_activity": entry.processing_activity_id,
            "foreign_operation": getattr(entry, "foreign_operation", None),
        }
        for entry in log.entries_for_subject(bsn)
    ]


def processing_log_recipients(lines: list[dict[str, Any]]) -> list[Any]:
    """Recipients the log names that the trail does not: lines of a foreign operation (a partner's
    system that received the data through the API); the trail names every user of the chain."""
    from casebook.subject_requests.export import Recipient

    received: dict[str, list[Any]] = {}
    for line in lines:
        if line.get("foreign_operation"):
            received.setdefault(str(line["foreign_operation"]), []).append(line["started_at"])
    return [
        Recipient(
            organisation=name,
            organisation_slug=name,
            roles=[],
            first_at=min(times),
            last_at=max(times),
            events=len(times),
            actions=[],
            source="processing_log",
        )
        for name, times in sorted(received.items())
    ]


def processing_activities(codes: list[str]) -> list[dict[str, Any]]:
    """Purpose, legal basis, recipients and retention of the register's activities with these codes."""
    register = _privacy("register")
    if register is None:
        return []
    described = []
    for code in dict.fromkeys(codes):
        try:
            activity = register.activity(code)
        except LookupError:
            continue
        described.append(
            {
                "code": activity.id,
                "name": activity.name,
                "purpose": activity.purpose,
                "legal_basis": activity.legal_basis,
                "recipients": getattr(activity, "recipients", None),
                "retention": getattr(activity, "retention", None),
            }
        )
    return described
