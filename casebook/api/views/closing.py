"""Closing and reopening a case through the API: propose, decide (approve or send back), reopen.

The screens' loaders, actions and services (``cases.lifecycle``): who decides a proposal follows
``access.rules.closure`` (the lead's supervisors, else the configured fallback), and the case's
``closure_pending`` says whose. Each change needs ``If-Match`` with the case's ETag.
"""

from __future__ import annotations

from collections.abc import Callable

from casebook.access import Action
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals
from casebook.api.locking import IfMatch
from casebook.api.lookup import NO_SUCH_ID
from casebook.api.schemas.cases import CaseOut
from casebook.api.schemas.closing import ClosureDecisionIn, ClosureProposalIn, ReopenIn
from casebook.api.views.dossier import case_out
from casebook.cases import lifecycle
from casebook.cases import services as cases


@api.post(
    "/cases/<id:case_id>/closure",
    body=ClosureProposalIn,
    response=CaseOut,
    if_match=True,
    etag=True,
    tags=["cases"],
    errors=[409],
)
def propose_closure(case_id: int, body: Callable[[], ClosureProposalIn], if_match: Callable[[], IfMatch]) -> CaseOut:
    """Propose to close the case (coordinators of the lead). Refused (409) while the case is in its first
    step, or when no supervisor could decide it; `closure_pending.approver` says whose supervisors will."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.PROPOSE_CLOSURE)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    result = next((r.id for r in lifecycle.results_for(case) if r.code == body.result), NO_SUCH_ID)
    expected = precondition.check(case.version)
    with refusals():
        lifecycle.propose_closure(case, result, body.summary, by=user, expected_version=expected)
    return case_out(user, case)


@api.post(
    "/cases/<id:case_id>/closure/decision",
    body=ClosureDecisionIn,
    response=CaseOut,
    if_match=True,
    etag=True,
    tags=["cases"],
    errors=[409],
)
def decide_closure(case_id: int, body: Callable[[], ClosureDecisionIn], if_match: Callable[[], IfMatch]) -> CaseOut:
    """Approve (the case closes: participations end, the evaluation is cleared, open actions are
    withdrawn) or send back with a comment; supervisors of the approving organisation, never the proposer."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.APPROVE_CLOSURE)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(case.version)
    with refusals():
        lifecycle.decide_closure(
            case, approve=body.decision == "approve", comment=body.comment, by=user, expected_version=expected
        )
    return case_out(user, case)


@api.post(
    "/cases/<id:case_id>/reopen",
    body=ReopenIn,
    response=CaseOut,
    if_match=True,
    etag=True,
    tags=["cases"],
    errors=[409],
)
def reopen_case(case_id: int, body: Callable[[], ReopenIn], if_match: Callable[[], IfMatch]) -> CaseOut:
    """Reopen a closed case in a non-end status, with a reason; the participations closing ended start again."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.REOPEN_CASE)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    target = next((s.id for s in case.case_type.statuses if s.code == body.to), NO_SUCH_ID)
    expected = precondition.check(case.version)
    with refusals(fields={"to_status": "to"}):
        lifecycle.reopen(case, target, reason=body.reason, by=user, expected_version=expected)
    return case_out(user, case)
