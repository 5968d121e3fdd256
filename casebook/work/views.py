"""The lists behind My work's tiles: parse the page and group, call one service, render."""

from __future__ import annotations

from typing import Any

from flask import current_app, render_template, request
from flask_login import current_user

from casebook.casework import local_today
from casebook.pagination import PageRequest, first_page_if_invalid
from casebook.work import bp, lists


def _asked() -> tuple[PageRequest, dict[str, Any]]:
    asked = PageRequest.from_args(request.args, current_app.config["PAGE_SIZE"])
    return asked, ({"total": "exact"} if asked.exact_total else {})


@bp.get("/work/actions")
def actions() -> str:
    try:
        group = lists.ActionGroup(request.args.get("group") or lists.ActionGroup.MINE)
    except ValueError:
        group = lists.ActionGroup.MINE
    asked, args = _asked()
    today = local_today()
    result, cursor_refused = first_page_if_invalid(
        lambda page: lists.my_actions(current_user, group, page, today), asked
    )
    return render_template(
        "work/actions.html",
        page=result,
        group=group,
        groups=lists.ActionGroup,
        counts=lists.action_counts(current_user, today),
        args={"group": group.value, **args},
        cursor_refused=cursor_refused,
    )


@bp.get("/work/evaluations")
def evaluations() -> str:
    asked, args = _asked()
    today = local_today()
    result, cursor_refused = first_page_if_invalid(lambda page: lists.evaluations_due(current_user, page, today), asked)
    return render_template(
        "work/evaluations.html",
        page=result,
        today=today,
        days=lists.EVALUATION_HORIZON_DAYS,
        args=args,
        cursor_refused=cursor_refused,
    )


@bp.get("/work/closures")
def closures() -> str:
    asked, args = _asked()
    result, cursor_refused = first_page_if_invalid(lambda page: lists.closures_to_approve(current_user, page), asked)
    return render_template("work/closures.html", page=result, args=args, cursor_refused=cursor_refused)
