"""API tokens: issued once and hashed, expiring, revocable, audited; the CLI and the "Mijn API-tokens" page."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from casebook.access import AccessDenied
from casebook.api import tokens
from casebook.api.models import ApiToken
from casebook.audit import Outcome
from casebook.auth.models import Role
from casebook.cli import cli
from casebook.db import db, utcnow
from tests.factories import bearer, login_as, make_api_token, make_user
from tests.helpers import audit_events, last_event


def test_a_token_is_random_shown_once_and_stored_only_as_a_sha256_hash():
    user = make_user()
    issued = make_api_token(user)
    prefix, lookup_id, secret = issued.plaintext.split("_", 2)
    assert prefix == "cbt" and len(lookup_id) == 16 and len(secret) == 43  # 256 bits, url-safe base64
    row = db.session.get(ApiToken, issued.token.id)
    assert row.lookup_id == lookup_id
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in repr(vars(row))
    assert row.expires_at - row.created_at == timedelta(days=30)
    event = last_event("api.token.create", object_id=str(row.id))
    assert event.details["token_owner"] == user.username and secret not in str(event.details)
    assert make_api_token(user).plaintext != issued.plaintext


@pytest.mark.parametrize(
    ("text", "lifetime"),
    [("30d", timedelta(days=30)), ("48h", timedelta(hours=48)), ("12w", timedelta(weeks=12)), ("1y", timedelta(365))],
)
def test_lifetimes_are_parsed(text, lifetime):
    assert tokens.parse_lifetime(text) == lifetime


@pytest.mark.parametrize("text", ["", "0d", "366d", "2y", "30", "d", "-1d", "1.5d", "53w"])
def test_lifetimes_beyond_a_year_or_malformed_are_refused(text):
    with pytest.raises(tokens.TokenError):
        tokens.parse_lifetime(text)


def test_create_refuses_an_empty_name_and_an_inactive_user():
    with pytest.raises(tokens.TokenError):
        make_api_token(make_user(), name="  ")
    with pytest.raises(tokens.TokenError):
        make_api_token(make_user(active=False))


def test_authenticate_accepts_an_active_token():
    issued = make_api_token()
    assert tokens.authenticate(issued.plaintext).id == issued.token.id


@pytest.mark.parametrize("reason", ["malformed", "unknown", "wrong_secret", "expired", "revoked", "user_inactive"])
def test_authenticate_refuses_and_audits_the_reason(reason):
    user = make_user()
    issued = make_api_token(user, now=utcnow() - timedelta(days=31) if reason == "expired" else None)
    raw = issued.plaintext
    if reason == "malformed":
        raw = "not-a-token"
    elif reason == "unknown":
        raw = f"cbt_{'0' * 16}_{raw.split('_', 2)[2]}"
    elif reason == "wrong_secret":
        raw = raw[:-4] + ("AAAA" if not raw.endswith("AAAA") else "BBBB")
    elif reason == "revoked":
        tokens.revoke(issued.token, by=user)
    elif reason == "user_inactive":
        user.active = False
    with pytest.raises(tokens.InvalidToken) as caught:
        tokens.authenticate(raw)
    assert caught.value.reason == reason
    event = last_event("api.token.use", outcome=Outcome.DENIED)
    assert event.details == {"reason": reason}


def test_revoke_is_audited_once_and_idempotent():
    user = make_user()
    issued = make_api_token(user)
    assert tokens.revoke(issued.token, by=user) is True
    assert tokens.revoke(issued.token, by=user) is False
    assert len(audit_events("api.token.revoke", object_id=str(issued.token.id))) == 1


def test_load_own_hides_other_users_tokens_and_audits_the_denial():
    owner, other = make_user(), make_user()
    issued = make_api_token(owner)
    assert tokens.load_own(owner, issued.token.id).id == issued.token.id
    with pytest.raises(AccessDenied):
        tokens.load_own(other, issued.token.id)
    assert last_event("api.token.load", actor_user_id=other.id).outcome is Outcome.DENIED


# -- the CLI -------------------------------------------------------------------------------


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_cli_prints_the_token_on_its_last_line_and_it_works(runner, client):
    user = make_user(roles=[Role.COORDINATOR])
    result = runner.invoke(cli, ["token", "create", user.username, "--expires", "7d", "--read-only", "--name", "crm"])
    assert result.exit_code == 0, result.output
    token_text = result.output.strip().splitlines()[-1]
    assert token_text.startswith("cbt_")
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.read_only and row.name == "crm" and row.expires_at - row.created_at == timedelta(days=7)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token_text}"})
    assert response.status_code == 200 and response.json["username"] == user.username


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody"], "unknown user"), (["USER", "--expires", "2y"], "at most one year"), (["USER", "--expires", "x"], "")],
)
def test_cli_refuses_bad_input_with_exit_2_and_writes_nothing(runner, args, message):
    user = make_user()
    args = [user.username if a == "USER" else a for a in args]
    result = runner.invoke(cli, ["token", "create", *args])
    assert result.exit_code == 2 and message in result.output
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is None


def test_cli_revoke(runner, client):
    issued = make_api_token()
    result = runner.invoke(cli, ["token", "revoke", str(issued.token.id)])
    assert result.exit_code == 0, result.output
    assert client.get("/api/v1/me", headers=bearer(issued)).status_code == 401
    assert runner.invoke(cli, ["token", "revoke", "999999999"]).exit_code == 2


# -- the "Mijn API-tokens" page ------------------------------------------------------------


def test_page_creates_a_token_shown_once_then_lists_it_without_the_secret(client):
    user = make_user()
    login_as(client, user)
    response = client.post("/account/api-tokens", data={"name": "wijkteam-registratie", "expires": "90d"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    row = db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    assert row.name == "wijkteam-registratie" and not row.read_only
    assert row.expires_at - row.created_at == timedelta(days=90)
    shown = html.split('id="issued-token">', 1)[1].split("<", 1)[0]
    assert shown.startswith(f"cbt_{row.lookup_id}_")
    listing = client.get("/account/api-tokens").get_data(as_text=True)
    assert "wijkteam-registratie" in listing and shown not in listing
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {shown}"}).status_code == 200


def test_page_keeps_input_and_answers_422_when_invalid(client):
    login_as(client, make_user())
    response = client.post("/account/api-tokens", data={"name": "", "expires": "10y", "read_only": "y"})
    assert response.status_code == 422
    assert "utrecht-form-field--invalid" in response.get_data(as_text=True)


def test_page_revokes_own_tokens_only(client):
    owner, other = make_user(), make_user()
    mine, theirs = make_api_token(owner), make_api_token(other)
    login_as(client, owner)
    assert client.post(f"/account/api-tokens/{theirs.token.id}/revoke").status_code == 404
    assert db.session.get(ApiToken, theirs.token.id).revoked_at is None
    response = client.post(f"/account/api-tokens/{mine.token.id}/revoke")
    assert response.status_code == 302
    assert db.session.get(ApiToken, mine.token.id).revoked_at is not None
    assert last_event("api.token.revoke").actor_user_id == owner.id
    assert client.get("/api/v1/me", headers=bearer(mine)).status_code == 401


def test_nav_links_to_the_token_page(client):
    login_as(client, make_user())
    assert 'href="/account/api-tokens"' in client.get("/cases").get_data(as_text=True)
