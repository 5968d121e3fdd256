"""A second factor is accepted once, even when another request spends it between our read and our write.

The same property as the PostgreSQL race test (``test_mfa_race.py``), on any database: the other
request is simulated by a direct UPDATE after the code was read and matched; the conditional UPDATE
of acceptance must then find the step (or the recovery code) taken and refuse.
"""

from __future__ import annotations

from sqlalchemy import update

from casebook.auth import clock, mfa
from casebook.auth.models import RecoveryCode, User
from casebook.db import db
from tests.factories import enrol_mfa, make_user, totp_code


def test_a_totp_step_claimed_meanwhile_by_another_request_is_refused():
    user = make_user()
    secret = enrol_mfa(user)
    step = int(clock.now().timestamp()) // mfa.STEP_SECONDS
    assert user.totp_last_step is None  # what this request read
    db.session.execute(  # another request accepted the same code and committed
        update(User).where(User.id == user.id).values(totp_last_step=step).execution_options(synchronize_session=False)
    )
    assert user.totp_last_step is None  # our copy is stale
    assert mfa.verify_totp(user, totp_code(secret)) is False
    assert user.totp_last_step == step


def test_a_recovery_code_used_meanwhile_by_another_request_is_refused(monkeypatch):
    user = make_user()
    enrol_mfa(user)
    code = mfa.new_recovery_codes(user)[0]
    real_verify = mfa.verify_password

    def verify_then_spend(code_hash, candidate):
        matched = real_verify(code_hash, candidate)
        if matched:  # between our read and our write, another request marks this very code used
            db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.code_hash == code_hash)
                .values(used_at=clock.now())
                .execution_options(synchronize_session=False)
            )
        return matched

    monkeypatch.setattr(mfa, "verify_password", verify_then_spend)
    assert mfa.use_recovery_code(user, code) is False
    assert mfa.remaining_recovery_codes(user) == mfa.RECOVERY_CODE_COUNT - 1


def test_an_unclaimed_code_is_still_accepted_once():
    user = make_user()
    secret = enrol_mfa(user)
    code = totp_code(secret)
    assert mfa.verify_totp(user, code) is True
    assert mfa.verify_totp(user, code) is False
    recovery = mfa.new_recovery_codes(user)[3]
    assert mfa.use_recovery_code(user, recovery) is True
    assert mfa.use_recovery_code(user, recovery) is False
