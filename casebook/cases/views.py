"""Case screens: the list and the (read-only) detail page."""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_login import current_user

from casebook.cases import bp
from casebook.cases import services as cases
from casebook.cases.forms import CaseFilterForm
from casebook.i18n import select_locale


@bp.get("/cases")
def index() -> str:
    form = CaseFilterForm(request.args).fill_choices(select_locale())
    valid = {name: value for name, value in form.data.items() if value and value in dict(form[name].choices)}
    filters = cases.CaseFilters(case_type=valid.get("type"), status=valid.get("status"), district=valid.get("district"))
    page = request.args.get("page", 1, type=int) or 1
    result = cases.list_for(current_user, filters, page=page, per_page=current_app.config["PAGE_SIZE"])
    return render_template("cases/list.html", form=form, page=result, filters=filters)


@bp.get("/cases/<int:case_id>")
def detail(case_id: int) -> str:
    case = cases.load_for(current_user, case_id)
    return render_template("cases/detail.html", case=case)
