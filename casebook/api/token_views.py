"""The "Mijn API-tokens" page: a user lists, creates (shown once) and revokes their own tokens."""

from __future__ import annotations

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from casebook.api import tokens, tokens_bp
from casebook.api.forms import RevokeForm, TokenForm
from casebook.auth.reauth import require_recent_login
from casebook.db import utcnow


def _page(form: TokenForm, issued: tokens.IssuedToken | None = None, status: int = 200) -> tuple[str, int]:
    return (
        render_template(
            "api/tokens.html",
            form=form,
            revoke_form=RevokeForm(),
            tokens=tokens.list_for(current_user),
            issued=issued,
            now=utcnow(),
        ),
        status,
    )


@tokens_bp.get("/account/api-tokens")
def index() -> tuple[str, int]:
    return _page(TokenForm())


@tokens_bp.post("/account/api-tokens")
@require_recent_login(5 * 60)  # a token outlives the session: only after proving the password again
def create() -> tuple[str, int]:
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=422)
    try:
        issued = tokens.create_token(
            current_user,
            name=form.name.data,
            lifetime=tokens.parse_lifetime(form.expires.data),
            read_only=form.read_only.data,
            by=current_user,
        )
    except tokens.TokenError as exc:
        form.name.errors = [*form.name.errors, str(exc)]
        return _page(form, status=422)
    # Rendered, never flashed or redirected: the session cookie is signed, not encrypted.
    return _page(TokenForm(formdata=None), issued=issued)


@tokens_bp.post("/account/api-tokens/<int:token_id>/revoke")
def revoke(token_id: int) -> Response:
    token = tokens.load_own(current_user, token_id)
    form = RevokeForm()
    if form.validate_on_submit() and tokens.revoke(token, by=current_user):
        flash(_("Het token “%(name)s” is ingetrokken.", name=token.name), "info")
    return redirect(url_for("api_tokens.index"))
