"""``GET /api/v1/audit``: the supervisors' audit log through ``casebook.supervision.queries.search``."""

from __future__ import annotations

from flask import url_for

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import forbid_unless
from casebook.api.schemas.audit import AuditEventOut, AuditPage, AuditQuery
from casebook.supervision import queries as trail


@api.get("/audit", query=AuditQuery, response=AuditPage, tags=["audit"], errors=[403])
def list_audit(query: AuditQuery) -> AuditPage:
    """Audit events the supervisor may read (their organisation's users and cases), newest first."""
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
    result = trail.search(user, filters, page=query.page, per_page=query.per_page)
    page = result.page
    next_url = None
    if page.has_next:
        args = {k: v for k, v in query.model_dump(mode="json").items() if v is not None}
        next_url = url_for("api.list_audit", **{**args, "page": page.page + 1}, _external=True)
    return AuditPage(
        items=[AuditEventOut.of(e, result.references) for e in page.items],
        total=page.total,
        page=page.page,
        per_page=page.per_page,
        next=next_url,
    )
