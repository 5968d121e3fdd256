"""Rules for persons (betrokkenen): who sees a person, who searches the register, who processes BSNs.

- **A person exists for a user only through a case they may list**: the person is a subject of a
  case in ``case_scope(user)``. Not through a hidden case, not through the register as a whole: a
  person known only in cases the user cannot see (or in no case) is, for them, a person nobody
  registered. ``person_visibility`` is the SQL twin the services use for searches, duplicate
  checks, household member lists and the person page alike, so the rule and the SQL are one.
- **BSN processing is per organisation kind** (data: ``BsnProcessingRule``; a kind without a row
  may not). Users of an organisation that may not process BSNs never type, search, see (not even
  masked) or reveal one; handoffs to such an organisation carry no BSN.
- **Revealing** a full BSN: a working role, an organisation that may process BSNs, and a person
  the user may see.
- **"Mogelijk bekend"** (registrations that matched a person outside the registrant's scope):
  coordinators of the ZVH, who check them at the weegtafel — each match only when they may see
  the case it was registered in, or (registered with a signal) are authorised for the signal's
  case type at its default confidentiality, or may see the registered person.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, event, exists, select
from sqlalchemy.orm import Session

from casebook.access.actions import Action
from casebook.access.rules import rule
from casebook.access.rules.cases import case_rule
from casebook.access.rules.roles import roles_allow
from casebook.access.scope import case_scope, is_authorised
from casebook.auth.models import User
from casebook.cases.models import Case, CaseSubject
from casebook.db import db
from casebook.organisations.models import Organisation, OrganisationKind
from casebook.people.models import BsnProcessingRule, Person, PersonMatch

BSN_RULE_CACHE = "casebook_bsn_rules"


def person_visibility(user: Any, person_id_column: Any) -> ColumnElement[bool]:
    """A WHERE clause: the person in ``person_id_column`` is a subject of a case ``user`` may list."""
    return exists(
        select(CaseSubject.id)
        .join(Case, Case.id == CaseSubject.case_id)
        .where(CaseSubject.person_id == person_id_column, case_scope(user))
    )


def visible_persons(user: Any) -> ColumnElement[bool]:
    """A WHERE clause on ``Person``: the persons ``user`` may see."""
    return person_visibility(user, Person.id)


def may_see_person(user: User, person: Person) -> bool:
    if person.id is None:
        return False
    return bool(db.session.scalar(select(person_visibility(user, person.id))))


def may_process_bsn(organisation: Organisation | None) -> bool:
    """May users of ``organisation`` process BSNs (type, search, see, receive)? Per organisation kind,
    closed by default. Read once per session per kind; writing a rule empties the cache.
    """
    if organisation is None:
        return False
    cache = db.session().info.setdefault(BSN_RULE_CACHE, {})
    kind = OrganisationKind(organisation.kind)
    if kind not in cache:
        cache[kind] = bool(
            db.session.scalar(select(BsnProcessingRule.may_process).where(BsnProcessingRule.organisation_kind == kind))
        )
    return cache[kind]


def user_may_process_bsn(user: Any) -> bool:
    return may_process_bsn(getattr(user, "organisation", None))


@event.listens_for(Session, "after_flush")
def _forget_bsn_rules(session: Session, _flush_context: Any) -> None:
    touched = (*session.new, *session.dirty, *session.deleted)
    if any(isinstance(obj, BsnProcessingRule) for obj in touched):
        session.info.pop(BSN_RULE_CACHE, None)


@rule(Action.VIEW_PERSON)
def view_person_rule(user: User, action: Action, person: Any) -> bool:
    if person is None:
        return roles_allow(user, action)
    return isinstance(person, Person) and roles_allow(user, action) and may_see_person(user, person)


@rule(Action.SEARCH_PERSONS)
def search_persons_rule(user: User, action: Action, obj: Any) -> bool:
    return obj is None and roles_allow(user, action)


@rule(Action.PROCESS_BSN)
def process_bsn_rule(user: User, action: Action, obj: Any) -> bool:
    """Without an object: may the user's organisation process BSNs. With a person: and may they see it."""
    if not user_may_process_bsn(user):
        return False
    if obj is None:
        return True
    return isinstance(obj, Person) and may_see_person(user, obj)


@rule(Action.REVEAL_BSN)
def reveal_bsn_rule(user: User, action: Action, person: Any) -> bool:
    if not roles_allow(user, action) or not user_may_process_bsn(user):
        return False
    if person is None:
        return True
    return isinstance(person, Person) and may_see_person(user, person)


def _may_check(user: User, match: PersonMatch) -> bool:
    """Where the registration was made (its case, or its signal's type), or the registered person."""
    if match.case_id is not None and match.case is not None and case_rule(user, Action.VIEW_CASE, match.case):
        return True
    by_signal = match.signal_id is not None and match.case_type is not None
    if by_signal and is_authorised(user, Action.VIEW_CASE, match.case_type_id, match.case_type.default_confidentiality):
        return True
    return match.person is not None and may_see_person(user, match.person)


@rule(Action.VIEW_PERSON_MATCHES)
def view_person_matches_rule(user: User, action: Action, obj: Any) -> bool:
    """The list of matches (``obj`` None), or one of them (to show or resolve it)."""
    organisation = getattr(user, "organisation", None)
    if not roles_allow(user, action) or organisation is None:
        return False
    if OrganisationKind(organisation.kind) is not OrganisationKind.ZVH:
        return False
    if obj is None:
        return True
    return isinstance(obj, PersonMatch) and _may_check(user, obj)
