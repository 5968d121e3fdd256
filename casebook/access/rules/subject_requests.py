"""Rules for the requests of persons concerned: the privacy officer's, and nobody else's.

The privacy officer sees no case through the case rules (no case role); a request, its export,
a rectification and a restriction are theirs alone. The objects are the subject-requests module's
(``subject_request`` rows) or kernel persons and cases: this layer does not import the domain
module, so a request is recognised by its table.
"""

from __future__ import annotations

from typing import Any

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.roles import roles_allow
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.people.models import Person

REQUEST_TABLES = frozenset({"subject_request", "processing_restriction"})


def _is_request(obj: Any) -> bool:
    return getattr(type(obj), "__tablename__", None) in REQUEST_TABLES


@rule(Action.MANAGE_SUBJECT_REQUESTS, Action.EXPORT_SUBJECT_DATA)
def subject_request_rule(user: User, action: Action, request: Any) -> bool:
    if not roles_allow(user, action):
        return False
    return request is None or _is_request(request)


@rule(Action.FIND_SUBJECT)
def find_subject_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, action)


@rule(Action.RECTIFY_PERSON)
def rectify_person_rule(user: User, action: Action, person: Any) -> bool:
    return roles_allow(user, action) and (person is None or isinstance(person, Person))


@rule(Action.RESTRICT_PROCESSING)
def restrict_processing_rule(user: User, action: Action, target: Any) -> bool:
    """A person, a case, or an existing restriction (to lift it)."""
    if not roles_allow(user, action):
        return False
    return target is None or isinstance(target, Person | Case) or _is_request(target)
