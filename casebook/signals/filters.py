"""The weegtafel's filters: source, wijk, overdue, and "aan mij toegewezen".

The same filter serves the queue page and the API's list (``GET /signals``): parsed there, applied
here to the queue's statement, so both list exactly the same signals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select

from casebook.auth.models import User
from casebook.signals.clock import overdue_clause
from casebook.signals.models import Signal


@dataclass(frozen=True)
class QueueFilter:
    source_organisation_id: int | None = None
    district_id: int | None = None
    overdue: bool = False  # only signals older than the allowed working days
    assigned_to_me: bool = False

    @property
    def active(self) -> bool:
        return bool(self.source_organisation_id or self.district_id or self.overdue or self.assigned_to_me)

    def audit_details(self) -> dict[str, object]:
        """What was filtered on, for the ``signal.list`` event (ids and flags, no personal data)."""
        details: dict[str, object] = {}
        if self.source_organisation_id:
            details["source"] = self.source_organisation_id
        if self.district_id:
            details["district"] = self.district_id
        if self.overdue:
            details["overdue"] = True
        if self.assigned_to_me:
            details["mine"] = True
        return details


NO_FILTER = QueueFilter()


def apply(statement: Select, queue_filter: QueueFilter, *, user: User, today: date, limit: int) -> Select:
    """``statement`` over ``Signal`` narrowed by ``queue_filter``."""
    if queue_filter.source_organisation_id:
        statement = statement.where(Signal.source_organisation_id == queue_filter.source_organisation_id)
    if queue_filter.district_id:
        statement = statement.where(Signal.district_id == queue_filter.district_id)
    if queue_filter.overdue:
        statement = statement.where(overdue_clause(today, limit))
    if queue_filter.assigned_to_me:
        statement = statement.where(Signal.assigned_to_id == user.id)
    return statement
