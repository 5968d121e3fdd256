"""Person screens: search, the person page (masked BSN, explicit reveal), registration within a case,
and the ZVH's list of "mogelijk bekend" registrations.

Users of an organisation that may not process BSNs (``Action.PROCESS_BSN``) are offered no BSN
field, see no BSN (not even masked) and no reveal button.
"""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from casebook.access import Action, can
from casebook.auth.reauth import is_recent_login
from casebook.cases import services as cases
from casebook.cases.models import Case, SubjectRole
from casebook.crypto import mask_bsn
from casebook.crypto.store import UnreadableText
from casebook.people import bp
from casebook.people import matches as person_matches
from casebook.people import services as people
from casebook.people.forms import PersonForm, PersonSearchForm


@bp.app_context_processor
def _person_helpers() -> dict[str, Any]:
    """Lets base.html and the case page show person links only to users who may use them."""

    def can_search_persons() -> bool:
        return can(current_user, Action.SEARCH_PERSONS)

    def can_register_person(case: Case) -> bool:
        return can(current_user, Action.UPDATE_CASE, case) and can(current_user, Action.SEARCH_PERSONS)

    def can_process_bsn() -> bool:
        return can(current_user, Action.PROCESS_BSN)

    def mask(bsn: str | None) -> str | None:
        """Masked for organisations that may process BSNs; nothing at all for the others."""
        if not can(current_user, Action.PROCESS_BSN):
            return None
        return bsn if bsn is None or isinstance(bsn, UnreadableText) else mask_bsn(bsn)

    def can_view_person_matches() -> bool:
        return can(current_user, Action.VIEW_PERSON_MATCHES)

    def possibly_known(person_ids: list[int]) -> dict[int, set[str]]:
        """Open "mogelijk bekend" kinds per person, for the ZVH coordinators only (empty for everybody else)."""
        return person_matches.match_kinds_of(current_user, person_ids)

    return {
        "can_search_persons": can_search_persons,
        "can_register_person": can_register_person,
        "can_process_bsn": can_process_bsn,
        "mask_bsn": mask,
        "possibly_known": possibly_known,
        "can_view_person_matches": can_view_person_matches,
    }


def _private(body: str, status: int = 200) -> Response:
    """Pages with personal data are never stored by a browser or proxy cache."""
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/persons", methods=["GET", "POST"])
def search() -> Response:
    people.require_search(current_user)
    form = PersonSearchForm()
    if not form.is_submitted():
        return _private(render_template("people/search.html", form=form, results=None))
    if not form.validate():
        return _private(render_template("people/search.html", form=form, results=None), 422)
    try:
        results = people.search_persons(
            current_user, bsn=form.bsn.data or None, family_name=form.family_name.data, birth_date=form.birth_date.data
        )
    except people.BsnNotProcessed as refused:
        form.bsn.errors = [*form.bsn.errors, refused.message]
        return _private(render_template("people/search.html", form=form, results=None), 422)
    return _private(render_template("people/search.html", form=form, results=results))


def _detail_page(person: Any, revealed_bsn: str | None) -> str:
    return render_template(
        "people/detail.html",
        person=person,
        revealed_bsn=revealed_bsn,
        cases=people.cases_of_person(current_user, person),
        households=people.households_of_person(current_user, person),
        may_reveal=can(current_user, Action.REVEAL_BSN, person),
    )


@bp.get("/persons/<int:person_id>")
def detail(person_id: int) -> Response:
    person = people.load_person_for(current_user, person_id)
    return _private(_detail_page(person, None))


def require_recent_login_for_bsn(person_id: int) -> Response | None:
    """Revealing a BSN needs a recent login (password and second factor): else to re-authentication."""
    if is_recent_login(current_app.config["REAUTH_MAX_AGE_SECONDS"]):
        return None
    return redirect(url_for("auth.reauth", next=url_for("people.detail", person_id=person_id)), 303)


@bp.post("/persons/<int:person_id>/bsn")
def reveal_bsn(person_id: int) -> Response:
    person = people.load_person_for(current_user, person_id)
    reauthenticate = require_recent_login_for_bsn(person.id)
    if reauthenticate is not None:
        return reauthenticate
    bsn = people.reveal_bsn(current_user, person)
    return _private(_detail_page(person, bsn or ""))


@bp.route("/cases/<int:case_id>/persons/new", methods=["GET", "POST"])
def register(case_id: int) -> Response:
    case = cases.load_for(current_user, case_id, Action.UPDATE_CASE)
    people.require_search(current_user)
    form = PersonForm()
    if not form.is_submitted():
        return _private(render_template("people/register.html", case=case, form=form, matches=None))
    if not form.validate():
        return _private(render_template("people/register.html", case=case, form=form, matches=None), 422)
    data = people.PersonData(
        family_name=form.family_name.data,
        given_names=form.given_names.data,
        birth_date=form.birth_date.data,
        bsn=form.bsn.data or None,
        address=form.address.data,
        phone=form.phone.data,
    )
    try:
        person = people.register_person(
            current_user,
            case,
            data,
            role=SubjectRole(form.role.data),
            confirmed_new=form.confirmed_new.data,
            use_existing=form.use_existing.data,
        )
    except people.BsnNotProcessed as refused:
        form.bsn.errors = [*form.bsn.errors, refused.message]
        return _private(render_template("people/register.html", case=case, form=form, matches=None), 422)
    except people.DuplicatesFound as found:
        form.confirmed_new.data = False
        return _private(
            render_template(
                "people/register.html", case=case, form=form, matches=found.matches, overridable=found.overridable
            )
        )
    return redirect(url_for("people.detail", person_id=person.id))


@bp.get("/persons/matches")
def matches() -> Response:
    """Registrations that matched a person outside the registrant's scope (ZVH)."""
    rows = person_matches.open_matches(current_user)
    return _private(render_template("people/matches.html", matches=rows))


@bp.post("/persons/matches/<int:match_id>/resolve")
def resolve_match(match_id: int) -> Response:
    person_matches.resolve_match(current_user, match_id)
    flash(_("Gemarkeerd als afgehandeld."), "info")
    return redirect(url_for("people.matches"))
