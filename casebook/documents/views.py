"""Document routes: the "Documenten" tab of the dossier, a document's page, uploads and downloads."""

from __future__ import annotations

from typing import Any

from flask import Flask, Response, current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from werkzeug.exceptions import RequestEntityTooLarge

from casebook.access import Action, can
from casebook.auth.models import User
from casebook.cases.dossier import render_dossier
from casebook.cases.extensions import CaseSection, TimelineEntry, read_once, register_section, register_timeline_source
from casebook.cases.models import Case
from casebook.casework import back_to_section, closed_case_redirect, load_case
from casebook.documents import bp, links
from casebook.documents import errors as document_errors
from casebook.documents import services as documents
from casebook.documents.forms import DocumentForm, VersionForm
from casebook.documents.models import Document
from casebook.i18n import select_locale

SECTION = "documents"


def _documents_on_case_page(user: User, case: Case, goal_id: int | None = None) -> list[Document]:
    """The one audited read of the documents for the dossier: its tab, its summary and its timeline
    (a tab filtered on a goal is a read of its own, so the summary still counts them all)."""
    key = SECTION if goal_id is None else f"{SECTION}:goal:{goal_id}"
    return read_once(key, user, case, lambda: documents.documents_for(user, case, via="case", goal_id=goal_id))


def _document_form(case: Case, formdata: Any = None, *, with_ties: bool = True) -> DocumentForm:
    """The upload form; its "Hoort bij" choices are read only when the form is shown."""
    form = DocumentForm(formdata=formdata) if formdata is not None else DocumentForm(formdata=None)
    form.fill_types(documents.document_types(), select_locale())
    if with_ties:
        form.fill_ties(links.choices(current_user, case))
    return form


def _goal_filter(user: User, case: Case) -> tuple[int | None, str | None]:
    """``?goal=<id>``: the goal the list is filtered on and its label (None when not visible: the
    filter still applies, and finds nothing for a goal of another case)."""
    goal_id = request.args.get("goal", type=int)
    if goal_id is None:
        return None, None
    goal = links.visible_goal(user, case, goal_id)
    return goal_id, links.goal_short(goal) if goal is not None else None


def load_section(user: User, case: Case) -> dict[str, Any] | None:
    if not can(user, Action.LIST_DOCUMENTS, case):
        return None
    may_upload = documents.may_upload(user, case)
    goal_id, goal_label = _goal_filter(user, case)
    form_shown = request.args.get("form") == "document"
    return {
        "documents": _documents_on_case_page(user, case, goal_id),
        "document_form": _document_form(case, with_ties=form_shown) if may_upload else None,
        "max_mb": documents.max_bytes() // (1024 * 1024),
        "goal_filter": goal_id,
        "goal_filter_label": goal_label,
    }


def summary(user: User, case: Case) -> dict[str, Any] | None:
    if not can(user, Action.LIST_DOCUMENTS, case):
        return None
    found = _documents_on_case_page(user, case)
    return {"count": len(found), "last": found[0] if found else None}


def timeline_documents(user: User, case: Case) -> list[TimelineEntry]:
    if not can(user, Action.LIST_DOCUMENTS, case):
        return []
    return [
        TimelineEntry(
            at=document.created_at,
            kind="document",
            title=_("Document toegevoegd"),
            actor=document.author.display_name,
            organisation=document.author_organisation.name,
            detail=document.title,
            url=url_for("documents.detail", document_id=document.id),
        )
        for document in _documents_on_case_page(user, case)
    ]


def _file_of(form: Any) -> documents.Upload | None:
    storage = request.files.get(form.file.name)
    if storage is None or not storage.filename:
        form.file.errors = [*form.file.errors, _("Kies een bestand.")]
        return None
    return documents.Upload(stream=storage.stream, filename=storage.filename)


def _refusal_status(exc: Exception) -> int:
    return int(getattr(exc, "status", 422))


_TIE_FIELDS = frozenset(links.KINDS.values())


def _show_refusal(form: Any, exc: Any) -> None:
    name = str(getattr(exc, "field", None) or "file")
    field = getattr(form, "belongs_to" if name in _TIE_FIELDS else name, None) or form.file
    field.errors = [*field.errors, str(documents_message(exc))]


def documents_message(exc: Any) -> str:
    return str(getattr(exc, "message", None) or exc)


@bp.post("/cases/<int:case_id>/documents/upload")
def upload(case_id: int) -> Response | tuple[str, int]:
    case = load_case(current_user, case_id, Action.UPLOAD_DOCUMENT)
    form = _document_form(case, request.form)
    status = 422
    if form.validate_on_submit():
        upload_file = _file_of(form)
        if upload_file is not None:
            try:
                document = documents.upload_document(
                    case,
                    by=current_user,
                    upload=upload_file,
                    title=form.title.data,
                    type_code=form.type.data,
                    visibility=form.visibility.data,
                    document_date=form.document_date.data,
                    **links.parse_choice(form.belongs_to.data),
                )
            except (documents.DocumentRefused, document_errors.DocumentError) as refused:
                _show_refusal(form, refused)
                status = _refusal_status(refused)
            else:
                return back_to_section(case, SECTION, _("Document toegevoegd."), f"document-{document.id}")
    else:
        _file_of(form)
    return render_dossier(case, SECTION, status=status, open_form="document", document_form=form)


def _detail_page(document: Document, version_form: VersionForm | None = None, status: int = 200) -> tuple[str, int]:
    may_version = documents.may_add_version(current_user, document)
    shown_form = "version" if version_form is not None else request.args.get("form")
    return (
        render_template(
            "documents/detail.html",
            case=document.case,
            document=document,
            locale=select_locale(),
            tie=links.describe(current_user, document),
            version_form=(version_form or VersionForm(formdata=None)) if may_version else None,
            open_form=shown_form,
            max_mb=documents.max_bytes() // (1024 * 1024),
        ),
        status,
    )


@bp.get("/documents/<int:document_id>")
def detail(document_id: int) -> tuple[str, int]:
    document = documents.load_document(current_user, document_id, Action.VIEW_DOCUMENT)
    return _detail_page(document)


@bp.post("/documents/<int:document_id>/versions")
def add_version(document_id: int) -> Response | tuple[str, int]:
    document = documents.load_document(current_user, document_id, Action.ADD_DOCUMENT_VERSION)
    if (closed := closed_case_redirect(document.case)) is not None:
        return closed
    form = VersionForm()
    status = 422
    if form.validate_on_submit() and (upload_file := _file_of(form)) is not None:
        try:
            version = documents.add_version(document, by=current_user, upload=upload_file)
        except document_errors.DocumentError as refused:
            _show_refusal(form, refused)
            status = _refusal_status(refused)
        else:
            from flask import flash, redirect

            flash(_("Nieuwe versie %(number)s toegevoegd.", number=version.number), "success")
            return redirect(url_for("documents.detail", document_id=document.id), 303)
    return _detail_page(document, form, status)


def stream_response(download: documents.Download) -> Response:
    """The download as an attachment: never inline, never sniffed, never cached; streamed."""
    from casebook.documents.names import content_disposition

    response = current_app.response_class(download.chunks, mimetype=download.media_type, direct_passthrough=True)
    response.headers["Content-Disposition"] = content_disposition(download.filename)
    response.headers["Content-Length"] = str(download.size)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def unavailable_page(document: Document, exc: documents.DocumentUnavailable) -> tuple[str, int]:
    page = render_template("documents/unavailable.html", case=document.case, document=document, shredded=exc.shredded)
    return page, 410 if exc.shredded else 422


@bp.get("/documents/<int:document_id>/download")
def download(document_id: int) -> Response | tuple[str, int]:
    document = documents.load_document(current_user, document_id, Action.DOWNLOAD_DOCUMENT)
    number = request.args.get("version", type=int)
    try:
        result = documents.download(current_user, document, number, via="web")
    except documents.DocumentUnavailable as exc:
        return unavailable_page(document, exc)
    return stream_response(result)


def too_large(exc: RequestEntityTooLarge) -> Any:
    """The body was refused before it was read (``MAX_CONTENT_LENGTH``): nothing of it was kept, so
    the form cannot be shown again with its input; say so and link back."""
    from casebook.web import API_PATH_PREFIX, problem_response

    limit = documents.max_bytes() // (1024 * 1024)
    message = _("Het bestand is te groot (hoogstens %(mb)s MB). Er is niets opgeslagen.", mb=limit)
    if request.path.startswith(API_PATH_PREFIX):
        return problem_response(413, detail=message)
    case_id = (request.view_args or {}).get("case_id")
    back = None
    if case_id is not None:
        back = url_for("cases.section", case_id=case_id, path=SECTION, form="document", _anchor="form-document")
    elif (document_id := (request.view_args or {}).get("document_id")) is not None:
        back = url_for("documents.detail", document_id=document_id, form="version", _anchor="form-version")
    return render_template("documents/too_large.html", message=message, back=back), 413


def register(app: Flask) -> None:
    """Add this module's contributions to ``app`` (called from the package's ``init_app``)."""
    register_section(
        app,
        CaseSection(
            key=SECTION,
            template="documents/_section.html",
            load=load_section,
            order=45,
            label=_l("Documenten"),
            path=SECTION,
            action=Action.LIST_DOCUMENTS,
            summary=summary,
            summary_template="documents/_summary.html",
        ),
    )
    register_timeline_source(app, "document", timeline_documents)
    # what a document belongs to, as the viewer may see it; the plan tab's per-goal document counts
    app.add_template_global(lambda document: links.describe(current_user, document), "document_tie")
    app.add_template_global(lambda case: links.counts_by_goal(current_user, case), "goal_document_counts")
    app.register_error_handler(RequestEntityTooLarge, too_large)
