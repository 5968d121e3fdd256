"""The dossier's signaleringen through the API, and the case resource with its summary and flags.

``case_out`` is how every case endpoint answers: the same audited dossier read as the case page
(``cases.summary_flags.summary_flags_for``), so the API shows flags to every viewer and the summary only to
readers of content, exactly like the screens.
"""

from __future__ import annotations

from collections.abc import Callable

from casebook.access import Action, can
from casebook.api import api
from casebook.api.auth import api_user
from casebook.api.errors import refusals
from casebook.api.locking import IfMatch
from casebook.api.schemas.cases import CaseOut
from casebook.api.schemas.dossier import FlagsIn
from casebook.auth.models import User
from casebook.cases import dossier_changes
from casebook.cases import services as cases
from casebook.cases.models import Case
from casebook.cases.summary_flags import summary_flags_for


def case_out(user: User, case: Case) -> CaseOut:
    """The case as ``user`` may see it: subjects and summary for readers of content, flags for all."""
    return CaseOut.of(case, content=can(user, Action.READ_CASE_CONTENT, case), dossier=summary_flags_for(user, case))


@api.operation(
    "PUT",
    "/cases/<id:case_id>/flags",
    body=FlagsIn,
    response=CaseOut,
    if_match=True,
    etag=True,
    tags=["cases"],
    errors=[409],
)
def put_flags(case_id: int, body: Callable[[], FlagsIn], if_match: Callable[[], IfMatch]) -> CaseOut:
    """Set the case's signaleringen to exactly the listed codes (``If-Match`` required)."""
    user = api_user()
    case = cases.load_for(user, case_id, Action.UPDATE_CASE)
    precondition, body = if_match(), body()  # type: ignore[assignment]
    expected = precondition.check(case.version)
    with refusals():
        dossier_changes.set_flags(case, body.flags, by=user, expected_version=expected)
    return case_out(user, case)
