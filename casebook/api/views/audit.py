"""``GET /api/v1/audit``: the supervisors' audit log through ``casebook.supervision.queries.search``."""

from __future__ import annotations

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless
from casebook.api.schemas.audit import AuditEventOut, AuditPage, AuditQuery
from casebook.api.views.paging import CURSOR_ERRORS, page_members, valid_cursors
from casebook.supervision import queries as trail


@api.get("/audit", query=AuditQuery, response=AuditPage, tags=["audit"], errors=[403, *CURSOR_ERRORS])
def list_audit(query: AuditQuery) -> AuditPage:
    """Audit events the supervisor may read (their organisation's users and cases), newest first; follow `next`."""
    user = api_user()
    forbid_unless(user, Action.VIEW_AUDIT, lambda: can(user, Action.VIEW_AUDIT))
    filters = trail.AuditFilters(
        username=query.actor,
        organisation=query.organisation,
        case_reference=query.case,
        action=query.action,
        outcome=query.outcome.value if query.outcome else None,
        date_from=query.since,
        date_to=query.until,
    )
    with valid_cursors():
        result = trail.search(user, filters, query.page_request())
    return AuditPage(
        items=[AuditEventOut.of(e, result.references) for e in result.page.items],
        **page_members(result.page, query, "api.list_audit"),
    )
