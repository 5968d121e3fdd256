"""The privacy officer's screens for requests of persons concerned. Parse → one service → render."""

from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as WerkzeugResponse

from casebook.access import Action, require_audited
from casebook.errors import RuleViolation
from casebook.subject_requests import corrections, export, pdf, services
from casebook.subject_requests.forms import (
    KIND_LABELS,
    STATUS_LABELS,
    CompleteForm,
    ExtendForm,
    LiftForm,
    RectifyForm,
    RequestForm,
    RestrictForm,
)
from casebook.subject_requests.models import RequestKind, SubjectRequest

bp = Blueprint("subject_requests", __name__, url_prefix="/subject-requests")


@bp.get("/")
def index() -> str:
    requests = services.list_requests(current_user)
    return render_template(
        "subject_requests/index.html",
        requests=requests,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        days_left=services.days_left,
    )


@bp.route("/new", methods=["GET", "POST"])
def new() -> Any:
    require_audited(current_user, Action.MANAGE_SUBJECT_REQUESTS)  # the empty form too: a 404 for others
    form = RequestForm()
    if not form.is_submitted():
        return render_template("subject_requests/new.html", form=form)
    if form.validate():
        try:
            request = services.register(
                current_user,
                services.NewRequest(
                    kind=RequestKind(form.kind.data),
                    received_on=form.received_on.data,
                    bsn=(form.bsn.data or "").replace(" ", "") or None,
                    family_name=form.family_name.data or None,
                    birth_date=form.birth_date.data,
                    description=form.description.data or None,
                ),
            )
        except RuleViolation as refused:
            _form_error(form, refused)
        else:
            return redirect(url_for("subject_requests.detail", request_id=request.id), code=303)
    return render_template("subject_requests/new.html", form=form), 422


def _form_error(form: Any, refused: RuleViolation) -> None:
    name = refused.field if refused.field and refused.field in form else next(iter(form._fields))
    form[name].errors = [*form[name].errors, str(refused)]


def _detail(request: SubjectRequest, status: int = 200, **forms: Any) -> Any:
    restrict_form = forms.get("restrict_form") or RestrictForm()
    cases = corrections.cases_of(request)
    restrict_form.target.choices = [("person", _("De persoon en al haar of zijn casussen"))] + [
        (str(case.id), case.reference) for case in cases
    ]
    page = render_template(
        "subject_requests/detail.html",
        subject_request=request,
        kind_labels=KIND_LABELS,
        status_labels=STATUS_LABELS,
        days_left=services.days_left(request),
        cases=cases,
        history=corrections.rectifications_of(current_user, request),
        restrictions=corrections.restrictions_of(request),
        extend_form=forms.get("extend_form") or ExtendForm(version=request.version),
        complete_form=forms.get("complete_form") or CompleteForm(version=request.version),
        rectify_form=forms.get("rectify_form") or RectifyForm(),
        restrict_form=restrict_form,
        lift_form=forms.get("lift_form") or LiftForm(),
        lift_failed=forms.get("lift_failed"),
    )
    return page, status


@bp.get("/<int:request_id>")
def detail(request_id: int) -> Any:
    return _detail(services.load_request(current_user, request_id))


def _version(form: Any) -> int | None:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return None


def _back(request: SubjectRequest, anchor: str | None = None) -> WerkzeugResponse:
    return redirect(url_for("subject_requests.detail", request_id=request.id, _anchor=anchor), code=303)


@bp.post("/<int:request_id>/extend")
def extend(request_id: int) -> Any:
    request = services.load_request(current_user, request_id)
    form = ExtendForm()
    if form.validate():
        try:
            services.extend(current_user, request, reason=form.reason.data, expected_version=_version(form))
            return _back(request, "deadline")
        except RuleViolation as refused:
            _form_error(form, refused)
    return _detail(request, 422, extend_form=form)


@bp.post("/<int:request_id>/complete")
def complete(request_id: int) -> Any:
    request = services.load_request(current_user, request_id)
    form = CompleteForm()
    if form.validate():
        try:
            services.complete(
                current_user,
                request,
                outcome=form.outcome.data,
                rejected=form.decision.data == "rejected",
                expected_version=_version(form),
            )
            return _back(request)
        except RuleViolation as refused:
            _form_error(form, refused)
    return _detail(request, 422, complete_form=form)


@bp.post("/<int:request_id>/rectify")
def rectify(request_id: int) -> Any:
    request = services.load_request(current_user, request_id)
    form = RectifyForm()
    if form.validate():
        try:
            corrections.rectify(
                current_user, request, field=form.field.data, value=form.value.data, reason=form.reason.data
            )
            return _back(request, "rectification")
        except RuleViolation as refused:
            _form_error(form, refused)
    return _detail(request, 422, rectify_form=form)


@bp.post("/<int:request_id>/restrict")
def restrict(request_id: int) -> Any:
    request = services.load_request(current_user, request_id)
    form = RestrictForm()
    form.target.choices = [("person", "")] + [(str(case.id), "") for case in corrections.cases_of(request)]
    if form.validate():
        target = form.target.data
        try:
            corrections.restrict(
                current_user, request, reason=form.reason.data, case_id=None if target == "person" else int(target)
            )
            return _back(request, "restriction")
        except RuleViolation as refused:
            _form_error(form, refused)
    return _detail(request, 422, restrict_form=form)


@bp.post("/<int:request_id>/restrictions/<int:restriction_id>/lift")
def lift(request_id: int, restriction_id: int) -> Any:
    request = services.load_request(current_user, request_id)
    form = LiftForm()
    if form.validate():
        try:
            corrections.lift(current_user, request, restriction_id, reason=form.reason.data)
            return _back(request, "restriction")
        except RuleViolation as refused:
            _form_error(form, refused)
    return _detail(request, 422, lift_form=form, lift_failed=restriction_id)


def _download(body: bytes, mimetype: str, name: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<int:request_id>/export.json")
def export_json(request_id: int) -> Response:
    request = services.load_request(current_user, request_id)
    answer = export.compile_export(current_user, request)
    body = json.dumps(answer.as_dict(), ensure_ascii=False, indent=2).encode()
    return _download(body, "application/json", f"inzage-{request.reference}.json")


@bp.get("/<int:request_id>/export.pdf")
def export_pdf(request_id: int) -> Response:
    request = services.load_request(current_user, request_id)
    answer = export.compile_export(current_user, request)
    return _download(pdf.render_export(current_user, answer), "application/pdf", f"inzage-{request.reference}.pdf")
