"""The example module's screens: a count of the cases the reader may list, and one case's summary."""

from __future__ import annotations

from typing import Any

from flask import render_template
from flask_login import current_user
from sqlalchemy import func, select

from casebook import audit
from casebook.access import Action, case_scope, load_or_404
from casebook.auth.models import User
from casebook.cases.models import Case
from casebook.db import db
from tests.example_module import bp


@bp.get("/")
def index() -> str:
    count = db.session.scalar(select(func.count(Case.id)).where(case_scope(current_user)))
    audit.record(current_user, str(Action.LIST_CASES), details={"view": "example"})
    return render_template("example/index.html", count=count)


@bp.get("/cases/<int:case_id>")
def case_summary(case_id: int) -> str:
    case = load_or_404(current_user, Case, case_id, Action.VIEW_CASE)  # policy, audit (allowed or denied), 404
    return render_template("example/case.html", summary_case=case)


def section(user: User, case: Case) -> dict[str, Any] | None:
    """The module's part of the case page: the case page already loaded and audited the case."""
    return {"example_reference": case.reference}
