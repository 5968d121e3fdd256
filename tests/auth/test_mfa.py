"""TOTP second factor: required for every role, enrolment, no reuse, recovery codes, demo exemption."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from casebook.auth import mfa
from casebook.auth.models import RecoveryCode, Role, User
from casebook.db import db
from tests.factories import TEST_PASSWORD, enrol_mfa, login_with_mfa, make_user, totp_code
from tests.helpers import last_event

pytestmark = pytest.mark.usefixtures("mfa_on")


def _password_step(client, user):
    return client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})


@pytest.mark.parametrize("role", list(Role))
def test_every_role_needs_a_second_factor(client, role):
    user = make_user(roles=[role])
    enrol_mfa(user)
    response = _password_step(client, user)
    assert response.headers["Location"] == "/login/mfa"
    assert client.get("/cases").status_code == 302  # the password alone is not a login
    assert client.get("/account/sessions").status_code == 302


@pytest.mark.parametrize("role", list(Role))
def test_every_role_without_a_second_factor_must_enrol_first(client, role):
    user = make_user(roles=[role])
    assert _password_step(client, user).headers["Location"] == "/mfa/setup"
    assert client.get("/cases").status_code == 302


def test_enrolment_shows_a_server_side_svg_qr_and_the_secret_then_ten_recovery_codes(client, frozen_clock):
    user = make_user()
    _password_step(client, user)
    page = client.get("/mfa/setup").get_data(as_text=True)
    assert "<svg" not in page  # GET changes nothing: the seed is made by the POST below
    assert client.post("/mfa/setup/start").status_code == 302
    page = client.get("/mfa/setup").get_data(as_text=True)
    assert "<svg" in page and "<script" not in page
    secret = re.search(r'cb-secret">([A-Z2-7 ]+)<', page).group(1).replace(" ", "")
    assert len(secret) == 32
    stored = db.session.get(User, user.id)
    assert secret not in stored.totp_secret_sealed  # sealed, not stored in the clear
    response = client.post("/mfa/setup/confirm", data={"code": totp_code(secret)})
    assert response.status_code == 200
    codes = re.findall(r"[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}", response.get_data(as_text=True))
    assert len(set(codes)) == 10
    assert response.headers["Cache-Control"] == "no-store"
    assert client.get("/cases").status_code == 200
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)).all()
    assert len(hashes) == 10 and all(h.startswith("$argon2id$") for h in hashes)
    assert last_event("auth.mfa.enrol", actor_user_id=user.id).outcome.value == "allowed"


def test_a_wrong_enrolment_code_is_refused(client):
    user = make_user()
    _password_step(client, user)
    client.post("/mfa/setup/start")
    response = client.post("/mfa/setup/confirm", data={"code": "000000"})
    assert "De code klopt niet" in response.get_data(as_text=True)
    assert not mfa.is_enrolled(db.session.get(User, user.id))


def test_an_accepted_code_is_refused_on_reuse(client, app, frozen_clock):
    user = make_user()
    secret = enrol_mfa(user)
    login_with_mfa(client, user, secret)
    code = totp_code(secret)
    other = app.test_client()
    _password_step(other, user)
    response = other.post("/login/mfa", data={"code": code})
    assert response.status_code == 200
    assert "al gebruikt" in response.get_data(as_text=True)
    assert last_event("auth.mfa", actor_user_id=user.id).outcome.value == "denied"
    frozen_clock.advance(seconds=30)
    assert other.post("/login/mfa", data={"code": totp_code(secret)}).status_code == 302  # the next code works


@pytest.mark.parametrize(("offset", "accepted"), [(-60, False), (-30, True), (0, True), (30, True), (60, False)])
def test_one_step_of_clock_drift_either_way(client, frozen_clock, offset, accepted):
    user = make_user()
    secret = enrol_mfa(user)
    _password_step(client, user)
    code = totp_code(secret, frozen_clock.now() + timedelta(seconds=offset))
    response = client.post("/login/mfa", data={"code": code})
    assert (response.status_code == 302) is accepted


def test_a_recovery_code_works_once(client, app):
    user = make_user()
    enrol_mfa(user)
    code = mfa.new_recovery_codes(user)[0]
    db.session.commit()
    _password_step(client, user)
    response = client.post("/login/mfa", data={"code": code.lower()})
    assert response.status_code == 302
    assert last_event("auth.mfa", actor_user_id=user.id).details == {"method": "recovery_code"}
    other = app.test_client()
    _password_step(other, user)
    assert other.post("/login/mfa", data={"code": code}).status_code == 200


def test_the_second_step_expires(client, frozen_clock):
    user = make_user()
    secret = enrol_mfa(user)
    _password_step(client, user)
    frozen_clock.advance(minutes=5, seconds=1)
    response = client.post("/login/mfa", data={"code": totp_code(secret)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_second_step_without_a_password_step_goes_back_to_login(client):
    assert client.get("/login/mfa").headers["Location"] == "/login"
    assert client.post("/mfa/setup/start").headers["Location"] == "/login"
    assert client.post("/mfa/setup/confirm", data={"code": "123456"}).headers["Location"] == "/login"


def test_five_wrong_codes_lock_the_account(client):
    user = make_user()
    secret = enrol_mfa(user)
    _password_step(client, user)
    statuses = [client.post("/login/mfa", data={"code": "000000"}).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    response = client.post("/login/mfa", data={"code": totp_code(secret)})
    assert response.status_code == 429
    assert "Te veel mislukte pogingen" in response.get_data(as_text=True)


def test_demo_accounts_may_skip_mfa_outside_production_and_the_login_page_says_so(client):
    user = make_user()
    user.mfa_exempt_demo = True
    db.session.commit()
    assert "loggen in zonder tweede factor" in client.get("/login").get_data(as_text=True)
    assert _password_step(client, user).headers["Location"] == "/"


def test_production_ignores_the_demo_exemption(app, monkeypatch):
    user = make_user()
    user.mfa_exempt_demo = True
    assert not mfa.is_required(user)
    monkeypatch.setitem(app.config, "ENV", "production")
    assert mfa.is_required(user)


def test_admin_password_reset_never_bypasses_mfa(client, app):
    admin = make_user(roles=["admin"])
    admin_secret = enrol_mfa(admin)
    user = make_user()
    enrol_mfa(user)
    login_with_mfa(client, admin, admin_secret)
    new_password = "bromfiets lantaarn ijsvogel"
    response = client.post(
        f"/admin/users/{user.id}/reset-password", data={"method": "password", "initial_password": new_password}
    )
    assert response.status_code == 302
    other = app.test_client()
    response = other.post("/login", data={"username": user.username, "password": new_password})
    assert response.headers["Location"] == "/login/mfa"
    assert other.get("/cases").status_code == 302


def test_a_user_without_mfa_is_sent_to_enrol_when_mfa_becomes_required(client, app, monkeypatch):
    monkeypatch.setitem(app.config, "REQUIRE_MFA", False)
    user = make_user()
    client.post("/login", data={"username": user.username, "password": TEST_PASSWORD})
    assert client.get("/cases").status_code == 200
    monkeypatch.setitem(app.config, "REQUIRE_MFA", True)
    assert client.get("/cases").headers["Location"] == "/mfa/setup"
