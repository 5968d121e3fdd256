"""The case dossier: a header that says what the case is, tabs with pages of their own, one section
per page.

Every tab is a registered ``CaseSection`` (``casebook.cases.extensions``) with a label and a path:
the cases module registers its own (Overzicht, Betrokkenen & deelnemers, Tijdlijn) here, the
content modules theirs from their ``init_app``. A page renders the header and the current tab's
section only, so it reads (and audits) what it shows and no more; forms open on demand
(``?form=<name>`` on the section's page, or a page of their own), and a refused form re-renders
its section page with the input kept (``render_dossier(..., status=422, open_form=...)``).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, abort, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup

from casebook.access import Action, can, deny
from casebook.access.rules.closure import approving_organisation
from casebook.auth.models import User
from casebook.cases import choices, lifecycle
from casebook.cases.errors import ChangeSummary
from casebook.cases.extensions import (
    CaseSection,
    one_read_per_module,
    register_section,
    registered_sections,
    tabs_for,
    timeline_for,
    timeline_kinds,
)
from casebook.cases.models import Case
from casebook.cases.summary_flags import summary_flags_for

OVERVIEW = "overview"


def section_url(case: Case, section: CaseSection, **args: Any) -> str:
    """The page of ``section`` for ``case`` (the Overzicht is the case's own URL)."""
    if not section.path:
        return url_for("cases.detail", case_id=case.id, **args)
    return url_for("cases.section", case_id=case.id, path=section.path, **args)


def url_of(case: Case, key: str, **args: Any) -> str:
    """The page of the section registered as ``key`` (e.g. "journal") for ``case``."""
    return section_url(case, registered_sections()[key], **args)


def render_dossier(
    case: Case,
    key: str = OVERVIEW,
    *,
    status: int = 200,
    open_form: str | None = None,
    conflict: list[ChangeSummary] | None = None,
    **overrides: Any,
) -> tuple[str, int]:
    """The dossier page of ``case`` at the tab ``key``. ``overrides`` replace entries of the section's
    context (a refused form keeps its input); ``open_form`` names the form shown (default: the
    ``form`` query argument). A section the viewer may not see is a 404.

    Built inside ``one_read_per_module``: every module's data is read (and audited) once, however
    many places on the page — header, section, summaries — show it."""
    with one_read_per_module():
        return _render(case, key, status=status, open_form=open_form, conflict=conflict, overrides=overrides)


def _render(
    case: Case,
    key: str,
    *,
    status: int,
    open_form: str | None,
    conflict: list[ChangeSummary] | None,
    overrides: dict[str, Any],
) -> tuple[str, int]:
    user = current_user
    section = registered_sections().get(key)
    if section is None:
        abort(404)
    if section.action is not None and not can(user, section.action, case):
        raise deny(user, section.action, case)
    if not section.shown_to(user, case):
        abort(404)
    context = section.load(user, case)
    if context is None:
        abort(404)
    context.update(overrides)
    shown_form = open_form if open_form is not None else request.args.get("form")
    body = render_template(
        section.template,
        case=case,
        open_form=shown_form,
        conflict=conflict,
        section_url=section_url(case, section),
        **context,
    )
    html = render_template(
        "cases/detail.html",
        case=case,
        current_section=section,
        tabs=[(tab, section_url(case, tab)) for tab in tabs_for(user, case)],
        body=Markup(body),  # noqa: S704 - a rendered template, escaped by Jinja
        conflict=conflict,
        failed=status >= 400,
        **header_context(user, case),
    )
    return html, status


def header_context(user: User, case: Case) -> dict[str, Any]:
    """What the header shows on every tab: the case's own fields, the facts modules contribute
    (from their one read), and the household's procesregisseur."""
    household_coordination = None
    if case.household_id:
        from casebook.households.services import coordination_of

        household_coordination = coordination_of(case.household_id)
    facts = []
    for section in sorted(registered_sections().values(), key=lambda s: (s.order, s.key)):
        if section.facts is not None and section.shown_to(user, case):
            facts.extend(section.facts(user, case))
    return {
        "content": can(user, Action.READ_CASE_CONTENT, case),
        "header_facts": facts,
        "household_coordination": household_coordination,
        "summary_flags": summary_flags_for(user, case),
    }


# -- the cases module's own tabs ------------------------------------------------------------------


def _fresh(form_class: type, case: Case) -> Any:
    form = form_class(formdata=None)
    if hasattr(form, "version"):
        form.version.data = case.version
    return form


def overview(user: User, case: Case) -> dict[str, Any]:
    """The Overzicht: the process (status, closing, reopening) and each section's short summary."""
    from casebook.cases.forms import DecideClosureForm, ProposeClosureForm, ReopenForm, TransitionForm
    from casebook.cases.views import fill_result_choices, fill_status_choices

    statuses = choices.statuses_of(case.case_type_id)
    open_case = lifecycle.accepts_changes(case)
    proposal = lifecycle.pending_proposal(case)
    content = can(user, Action.READ_CASE_CONTENT, case)
    # Case content (the proposal's result and text) only for readers of content; a supervisor sees
    # the proposal in the approval step (audited).
    proposal_shown = proposal if content or proposal is None else lifecycle.proposal_for_approval(user, case)
    offers = {
        "transition": open_case and proposal is None and can(user, Action.TRANSITION_CASE, case),
        "propose": lifecycle.may_propose_closure(case, statuses) and can(user, Action.PROPOSE_CLOSURE, case),
        # said, not offered: proposing waits until the case is past its first step
        "propose_later": open_case
        and proposal is None
        and lifecycle.in_first_phase(case, statuses)
        and can(user, Action.PROPOSE_CLOSURE, case),
        "decide": proposal is not None and can(user, Action.APPROVE_CLOSURE, case),
        "reopen": not open_case and can(user, Action.REOPEN_CASE, case),
        "edit": open_case and can(user, Action.UPDATE_CASE, case),
    }
    summaries = []
    for section in sorted(registered_sections().values(), key=lambda s: (s.order, s.key)):
        if section.summary is None or section.summary_template is None or not section.shown_to(user, case):
            continue
        summary = section.summary(user, case)
        if summary is not None:
            summaries.append((section, summary))
    return {
        "offers": offers,
        # asked only where the proposal form is shown (the template calls it): whose supervisors would decide
        "approver_for_proposal": lambda: approving_organisation(case, user),
        "proposal": proposal,
        "proposal_shown": proposal_shown,
        "next_status": lifecycle.next_status(case, statuses),
        "summaries": [
            Markup(  # noqa: S704 - rendered templates, escaped by Jinja
                render_template(s.summary_template, case=case, summary=summary, section_url=section_url(case, s))
            )
            for s, summary in summaries
        ],
        "transition_form": fill_status_choices(_fresh(TransitionForm, case), case),
        "propose_form": fill_result_choices(_fresh(ProposeClosureForm, case), case),
        "decide_form": _fresh(DecideClosureForm, case),
        "reopen_form": fill_status_choices(_fresh(ReopenForm, case), case),
    }


def people(user: User, case: Case) -> dict[str, Any]:
    """Betrokkenen (names for readers of content) and the participating organisations."""
    from casebook.cases.forms import AddParticipantForm, EndParticipantForm
    from casebook.cases.views import fill_participant_choices

    manage = lifecycle.accepts_changes(case) and can(user, Action.MANAGE_PARTICIPANTS, case)
    form = _fresh(AddParticipantForm, case)
    if manage and request.args.get("form") == "participant":  # the form is shown: its choices are read
        fill_participant_choices(form, case)
    return {
        "content": can(user, Action.READ_CASE_CONTENT, case),
        "manage": manage,
        "participant_form": form,
        "end_form": EndParticipantForm(formdata=None),
    }


def timeline(user: User, case: Case) -> dict[str, Any]:
    """Everything that happened, newest first, filtered by kind (``?kind=``)."""
    kinds = [k for k in request.args.getlist("kind") if k in timeline_kinds()]
    return {
        "timeline": timeline_for(user, case, kinds or None),
        "timeline_kinds": timeline_kinds(),
        "selected_kinds": kinds,
    }


def register(app: Flask) -> None:
    """The cases module's own tabs (called from ``casebook.cases.init_app``)."""
    register_section(
        app, CaseSection(OVERVIEW, "cases/_overview.html", overview, order=0, label=_l("Overzicht"), path="")
    )
    register_section(
        app,
        CaseSection(
            "people", "cases/_people.html", people, order=50, label=_l("Betrokkenen & deelnemers"), path="people"
        ),
    )
    register_section(
        app, CaseSection("timeline", "cases/_timeline.html", timeline, order=90, label=_l("Tijdlijn"), path="timeline")
    )
