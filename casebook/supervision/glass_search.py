"""Break-the-glass by person: an officer at the door knows a name, or a BSN, not a case reference.

The person is found by blind index (``people.services.match_identity``: exact BSN, or family name
and birth date; only the few candidates are decrypted to confirm), then only the cases the glass may
be broken for are offered (``access.break_glass.may_break_into``: never a restricted or secret type,
within the user's authorisations), besides those the user already sees. A person in no such case,
and a person nobody registered, give the same answer: nothing found. Nothing else is said about the
person (no name, no count of other cases). Taking the glass then goes by the case's reference, with
the same reason, time limit and review as ever (``access.break_glass.break_glass``).

Audited as ``break_glass.search`` with the kind of search and the case ids offered, never the BSN or name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from casebook import audit
from casebook.access import AccessDenied, Action, can
from casebook.access.break_glass import may_break_into
from casebook.audit import Outcome
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject
from casebook.db import db
from casebook.people import services as people

MAX_CASES = 20  # a person with more eligible cases than this gets the first twenty, newest first


@dataclass(frozen=True)
class Found:
    case: Case
    in_scope: bool  # the user already sees it: a link, no glass needed


def find_cases_by_person(
    user: User, *, bsn: str | None = None, family_name: str | None = None, birth_date: dt.date | None = None
) -> list[Found]:
    """The cases of the person with this BSN (or family name and birth date) that ``user`` may open
    by breaking the glass, or already sees. Empty for an unknown person and for one in no such case.

    :raises AccessDenied: the user's roles cannot break the glass (audited).
    :raises BsnNotProcessed: a BSN from an organisation that may not process BSNs (audited).
    :raises SearchCriteriaError: neither a valid BSN nor a family name + birth date.
    """
    if not can(user, Action.BREAK_GLASS):
        audit.record(user, "break_glass.search", outcome=Outcome.DENIED, details={"by": "person"})
        raise AccessDenied()
    people.require_bsn_processing(user, bsn)
    kind, persons = people.match_identity(bsn=bsn, family_name=family_name, birth_date=birth_date)
    found: list[Found] = []
    if persons:
        cases = db.session.scalars(
            select(Case)
            .where(Case.id.in_(select(CaseSubject.case_id).where(CaseSubject.person_id.in_([p.id for p in persons]))))
            .options(joinedload(Case.case_type))
            .order_by(Case.opened_at.desc(), Case.id.desc())
        ).unique()
        for case in cases:
            if can(user, Action.VIEW_CASE, case):
                found.append(Found(case, in_scope=True))
            elif may_break_into(user, case):
                found.append(Found(case, in_scope=False))
            if len(found) >= MAX_CASES:
                break
    audit.record(
        user,
        "break_glass.search",
        outcome=Outcome.ALLOWED if found else Outcome.DENIED,
        details={
            "by": kind,
            "found": len(found),
            "offered": [f.case.id for f in found if not f.in_scope],
            "in_scope": [f.case.id for f in found if f.in_scope],
        },
    )
    return found
