"""Signal screens: register, the persons step (search before create), the weegtafel queue, triage."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup, escape
from sqlalchemy import select

from casebook.access import Action, can, deny
from casebook.cases.errors import CaseRuleError
from casebook.cases.models import CaseType, SubjectRole
from casebook.db import db
from casebook.i18n import select_locale
from casebook.organisations.models import District, Organisation
from casebook.signals import bp, clock, work, work_forms
from casebook.signals import services as signals
from casebook.signals.context import known_context
from casebook.signals.filters import NO_FILTER, QueueFilter
from casebook.signals.forms import (
    LinkPersonForm,
    NewPersonForm,
    PersonSearchForm,
    QueueFilterForm,
    SignalForm,
    TriageForm,
    UnlinkPersonForm,
)
from casebook.signals.models import Channel, Signal, TriageDecision


def _organisations() -> list[tuple[Any, str]]:
    orgs = db.session.scalars(select(Organisation).where(Organisation.active).order_by(Organisation.name))
    return [(None, "—")] + [(o.id, o.name) for o in orgs]


def _fill_signal_form(form: SignalForm) -> SignalForm:
    """Only those who may name a signal's source (``NAME_SIGNAL_SOURCE``) are offered other
    organisations; everyone else registers for their own."""
    locale = select_locale()
    if can(current_user, Action.NAME_SIGNAL_SOURCE):
        form.source_organisation.choices = _organisations()
    else:
        own = current_user.organisation
        form.source_organisation.choices = [(own.id, own.name)] if own.active else [(None, "—")]
    types = db.session.scalars(select(CaseType).where(CaseType.active).order_by(CaseType.label_nl))
    form.case_type.choices = [(None, "—")] + [(t.id, t.label(locale)) for t in types]
    districts = db.session.scalars(select(District).order_by(District.name))
    form.district.choices = [(None, "—")] + [(d.id, d.name) for d in districts]
    return form


def _attach(form: Any, exc: CaseRuleError) -> None:
    target = getattr(form, exc.field, None) if exc.field else None
    if target is not None and hasattr(target, "errors"):
        target.errors = [*target.errors, str(exc.message)]
    else:
        form.form_errors.append(str(exc.message))


def _fill_filter_form(form: QueueFilterForm) -> QueueFilterForm:
    form.source.choices = [(None, _("Alle bronnen")), *_organisations()[1:]]
    districts = db.session.scalars(select(District).order_by(District.name))
    form.district.choices = [(None, _("Alle wijken"))] + [(d.id, d.name) for d in districts]
    return form


@bp.get("/signals")
def queue() -> Any:
    """The weegtafel: the queue (filtered), with the "bekend" context of the persons on each signal."""
    form = _fill_filter_form(QueueFilterForm(request.args))
    valid = form.validate()
    queue_filter = (
        QueueFilter(
            source_organisation_id=form.source.data,
            district_id=form.district.data,
            overdue=bool(form.overdue.data),
            assigned_to_me=bool(form.mine.data),
        )
        if valid
        else NO_FILTER
    )
    items = signals.queue(current_user, queue_filter=queue_filter)
    html = render_template(
        "signals/queue.html",
        items=items,
        overdue_after=signals.overdue_after(),
        filter_form=form,
        filtered=queue_filter.active,
        context=known_context(current_user, [item.signal for item in items]),
    )
    return html, 200 if valid else 422


@bp.route("/signals/new", methods=["GET", "POST"])
def new() -> Any:
    if not can(current_user, Action.REGISTER_SIGNAL):
        raise deny(current_user, Action.REGISTER_SIGNAL)
    form = _fill_signal_form(SignalForm())
    if request.method == "GET" and current_user.organisation.active:
        form.source_organisation.data = form.source_organisation.data or current_user.organisation_id
    if request.method == "GET" or not form.validate():
        status = 200 if request.method == "GET" else 422
        return render_template("signals/new.html", form=form), status
    try:
        signal = signals.register_signal(
            signals.NewSignal(
                source_organisation_id=form.source_organisation.data,
                channel=Channel(form.channel.data),
                case_type_id=form.case_type.data,
                district_id=form.district.data,
                description=form.description.data,
                subject_informed=form.subject_informed.data == "yes",
                not_informed_reason=form.not_informed_reason.data,
            ),
            by=current_user,
        )
    except CaseRuleError as exc:
        _attach(form, exc)
        return render_template("signals/new.html", form=form), 422
    registered = _("Melding %(reference)s geregistreerd. Voeg nu de betrokkenen toe.", reference=signal.reference)
    mine = Markup('<a class="utrecht-link" href="%s">%s</a>') % (url_for("signals.mine"), _("Mijn meldingen"))
    follow = escape(_("De uitkomst volgt u in %(link)s.")) % {"link": mine}  # the link is ours, not typed
    flash(escape(registered) + Markup(" ") + follow, "info")
    return redirect(url_for("signals.detail", signal_id=signal.id, _anchor="persons"))


def _fill_triage_form(form: TriageForm, signal: Signal) -> TriageForm:
    """Lead and procesregisseur: only whom the policy lets lead and direct a case of this kind."""
    leads = [(None, "—")] + [(o.id, o.name) for o in signals.lead_choices(signal)]
    form.lead_organisation.choices = leads
    form.referred_to.choices = _organisations()
    coordinators = []
    for org_id, _name in leads[1:]:
        coordinators.extend(signals.coordinators_of(org_id, signal))
    form.process_coordinator.choices = [(None, "—")] + [
        (u.id, f"{u.display_name} ({u.organisation.name})") for u in coordinators
    ]
    return form


def render_signal(signal: Signal, status: int = 200, **forms: Any) -> tuple[str, int]:
    search = forms.get("search_form") or PersonSearchForm(formdata=None)
    results = forms.get("results")
    search_error = forms.get("search_error")
    new_person = forms.get("new_person_form") or NewPersonForm(formdata=None)
    if results is not None and not forms.get("new_person_form"):
        new_person.family_name.data = search.family_name.data
        new_person.birth_date.data = search.birth_date.data
        new_person.bsn.data = search.bsn.data
    if results is not None:
        new_person.distinct_ids.data = ",".join(str(p.id) for p in results)
    triage_form = _fill_triage_form(forms.get("triage_form") or TriageForm(formdata=None), signal)
    may_work = can(current_user, Action.ASSIGN_SIGNAL, signal) and not signal.is_triaged
    html = render_template(
        "signals/detail.html",
        signal=signal,
        view=signals.view_for(current_user, signal),
        may_edit=signals.may_edit(current_user, signal),
        may_triage=can(current_user, Action.TRIAGE_SIGNALS, signal) and not signal.is_triaged,
        own_signal=can(current_user, Action.VIEW_OWN_SIGNALS, signal),
        search_form=search,
        search_error=search_error,
        results=results,
        link_form=LinkPersonForm(formdata=None),
        new_person_form=new_person,
        duplicates=forms.get("duplicates"),
        unlink_form=UnlinkPersonForm(formdata=None),
        triage_form=triage_form,
        triage_rule=forms.get("triage_rule"),
        context=known_context(current_user, [signal]).get(signal.id, {}),
        information_requests=work.requests_on(current_user, signal),
        may_work=may_work,
        assign_form=work_forms.assign_form(signal, forms.get("assign_form")) if may_work else None,
        ask_form=work_forms.ask_form(signal, forms.get("ask_form")) if may_work else None,
        age=clock.age_of(signal, clock.local_today()),
        paused_days=clock.paused_working_days(signal, clock.local_today()),
    )
    return html, status


def _query(bsn: str | None, family_name: str | None, birth_date: Any) -> signals.PersonQuery:
    return signals.PersonQuery(
        bsn=(bsn or "").strip() or None, family_name=(family_name or "").strip() or None, birth_date=birth_date
    )


@bp.get("/signals/<int:signal_id>")
def detail(signal_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    return render_signal(signal)


@bp.post("/signals/<int:signal_id>/persons/search")
def search_persons(signal_id: int) -> Any:
    """Search-before-create for the signal's persons step (a POST: the BSN stays out of the URL)."""
    signal = signals.load_signal_for(current_user, signal_id)
    search = PersonSearchForm()
    if not search.validate():
        return render_signal(signal, 422, search_form=search)
    try:
        query = _query(search.bsn.data, search.family_name.data, search.birth_date.data)
        results = signals.find_persons(current_user, query)
    except CaseRuleError as exc:
        return render_signal(signal, 422, search_form=search, search_error=str(exc.message))
    return render_signal(signal, search_form=search, results=results)


@bp.post("/signals/<int:signal_id>/persons")
def link_person(signal_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    form = LinkPersonForm()
    if not form.validate():
        flash(_("Kies een persoon uit de zoekresultaten."), "error")
        return render_signal(signal, 422)
    from datetime import date

    try:
        birth_date = date.fromisoformat(form.birth_date.data) if form.birth_date.data else None
    except ValueError:
        birth_date = None
    try:
        signals.link_person(
            signal,
            form.person_id.data,
            SubjectRole(form.role.data),
            _query(form.bsn.data, form.family_name.data, birth_date),
            by=current_user,
        )
    except CaseRuleError as exc:
        flash(str(exc.message), "error")
        return render_signal(signal, 422)
    flash(_("Persoon gekoppeld."), "info")
    return redirect(url_for("signals.detail", signal_id=signal.id, _anchor="persons"))


@bp.post("/signals/<int:signal_id>/persons/new")
def create_person(signal_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    form = NewPersonForm()
    search = PersonSearchForm(formdata=None)
    if not form.validate():
        return render_signal(signal, 422, new_person_form=form, search_form=search, results=[])
    try:
        signals.create_person_for_signal(
            signal,
            signals.NewPerson(
                family_name=form.family_name.data,
                given_names=form.given_names.data or "",
                birth_date=form.birth_date.data,
                bsn=form.bsn.data,
            ),
            SubjectRole(form.role.data),
            confirmed_distinct=form.confirmed_ids(),
            by=current_user,
            today=signals.local_today(),
        )
    except signals.PossibleDuplicates as exc:
        _attach(form, exc)
        form.confirm_distinct.data = False
        return render_signal(
            signal, 422, new_person_form=form, search_form=search, results=exc.matches, duplicates=True
        )
    except CaseRuleError as exc:
        _attach(form, exc)
        return render_signal(signal, 422, new_person_form=form, search_form=search, results=[])
    flash(_("Nieuwe persoon vastgelegd en gekoppeld."), "info")
    return redirect(url_for("signals.detail", signal_id=signal.id, _anchor="persons"))


@bp.post("/signals/<int:signal_id>/persons/<int:link_id>/remove")
def unlink_person(signal_id: int, link_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    if not UnlinkPersonForm().validate():
        return render_signal(signal, 422)
    try:
        signals.unlink_person(signal, link_id, by=current_user)
    except CaseRuleError as exc:
        flash(str(exc.message), "error")
        return render_signal(signal, 422)
    flash(_("Persoon ontkoppeld."), "info")
    return redirect(url_for("signals.detail", signal_id=signal.id, _anchor="persons"))


@bp.post("/signals/<int:signal_id>/triage")
def triage(signal_id: int) -> Any:
    signal = signals.load_signal_for(current_user, signal_id)
    if not can(current_user, Action.TRIAGE_SIGNALS, signal):
        raise deny(current_user, Action.TRIAGE_SIGNALS, signal)
    form = _fill_triage_form(TriageForm(), signal)
    if not form.validate():
        return render_signal(signal, 422, triage_form=form)
    decision = signals.Triage(
        criterion_a=form.criterion_a.data == "yes",
        criterion_b=form.criterion_b.data == "yes",
        criterion_c=form.criterion_c.data == "yes",
        criterion_d=form.criterion_d.data == "yes",
        decision=TriageDecision(form.decision.data),
        reason=form.reason.data,
        referred_to_id=form.referred_to.data,
        lead_organisation_id=form.lead_organisation.data,
        process_coordinator_id=form.process_coordinator.data,
    )
    try:
        case = signals.triage(signal, decision, by=current_user)
    except CaseRuleError as exc:
        _attach(form, exc)
        return render_signal(signal, 422, triage_form=form)
    if case is not None:
        if signals.view_for(current_user, signal).case is not None:
            flash(_("Casus %(reference)s geopend.", reference=case.reference), "info")
            return redirect(url_for("cases.detail", case_id=case.id))
        # opened for another lead: the weigher learns no reference of a case they may not see
        flash(_("Melding %(reference)s gewogen: casus geopend.", reference=signal.reference), "info")
    else:
        flash(_("Melding %(reference)s gewogen.", reference=signal.reference), "info")
    return redirect(url_for("signals.queue"))
