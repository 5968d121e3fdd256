"""Second factor: TOTP (RFC 6238: 30-second steps, six digits, one step of clock drift either way)
and ten single-use recovery codes.

- A code is accepted once: the step it belongs to is remembered (``User.totp_last_step``) and that
  step and every earlier one are refused afterwards, so an observed code cannot be replayed.
- The TOTP seed is sealed with AES-256-GCM under a key derived (HKDF) from ``SECRET_KEY`` and bound
  to the user's id, so a copy of the database alone does not yield working authenticators.
  Rotating ``SECRET_KEY`` therefore means every user enrols again (admins: "MFA resetten").
- Recovery codes carry 80 random bits each and are stored as argon2id hashes.
"""

from __future__ import annotations

import base64
import hmac
import secrets

import pyotp
import segno
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from markupsafe import Markup
from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from casebook.auth import clock
from casebook.auth.models import RecoveryCode, User
from casebook.auth.passwords import hash_password, verify_password
from casebook.db import db
from casebook.settings import is_production

STEP_SECONDS = 30
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
_SEAL_VERSION = "v1"
_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _seal_key() -> bytes:
    secret_key = str(current_app.config["SECRET_KEY"]).encode()
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"casebook totp seed v1").derive(secret_key)


def _aad(user: User) -> bytes:
    return f"user_account.totp_secret:{user.id}".encode()


def seal(user: User, secret: str) -> str:
    nonce = secrets.token_bytes(12)
    blob = nonce + AESGCM(_seal_key()).encrypt(nonce, secret.encode(), _aad(user))
    return f"{_SEAL_VERSION}:{base64.urlsafe_b64encode(blob).decode()}"


def unseal(user: User) -> str | None:
    if not user.totp_secret_sealed:
        return None
    version, _, payload = user.totp_secret_sealed.partition(":")
    if version != _SEAL_VERSION:
        return None
    blob = base64.urlsafe_b64decode(payload)
    return AESGCM(_seal_key()).decrypt(blob[:12], blob[12:], _aad(user)).decode()


def is_enrolled(user: User) -> bool:
    return user.mfa_enrolled_at is not None and user.totp_secret_sealed is not None


def is_required(user: User) -> bool:
    """MFA is required for every role; the demo exemption counts only outside production."""
    config = current_app.config
    if not config["REQUIRE_MFA"]:
        return False
    return not (user.mfa_exempt_demo and not is_production(config))


def begin_enrolment(user: User) -> str:
    """Give ``user`` a new, not yet confirmed TOTP seed (replacing any unconfirmed one); returns it."""
    secret = pyotp.random_base32(length=32)  # 160 bits, as RFC 4226 recommends
    user.totp_secret_sealed = seal(user, secret)
    user.mfa_enrolled_at = None
    user.totp_last_step = None
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=current_app.config["MFA_ISSUER"])


def qr_svg(uri: str) -> Markup:
    """The enrolment QR code as inline SVG, drawn on the server (no script, no external service)."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff", omitsize=False)
    return Markup(svg)  # noqa: S704 - segno's own markup; the URI is encoded as modules, not text


def secret_groups(secret: str) -> str:
    """The seed in groups of four for typing it into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def verify_totp(user: User, code: str) -> bool:
    """Accept a current code once. Marks its step as used; every earlier step is refused from then on.

    Acceptance is one conditional UPDATE (``… WHERE totp_last_step IS NULL OR totp_last_step < step``):
    of two requests submitting the same code at once, the database lets exactly one change the row;
    on PostgreSQL the other waits for the row lock, then finds the step taken and is refused.
    """
    code = "".join(ch for ch in code if not ch.isspace())
    secret = unseal(user)
    if secret is None or len(code) != 6 or not code.isdigit():
        return False
    totp = pyotp.TOTP(secret, interval=STEP_SECONDS)
    current_step = int(clock.now().timestamp()) // STEP_SECONDS
    last = user.totp_last_step if user.totp_last_step is not None else -1
    for step in range(current_step - DRIFT_STEPS, current_step + DRIFT_STEPS + 1):
        if step <= last:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            return _claim_step(user, step)
    return False


def _claim_step(user: User, step: int) -> bool:
    """Record ``step`` as used unless the database already holds it or a later one; True when recorded."""
    db.session.flush()  # a pending change of this user (e.g. a new seed) is written before the claim
    result = db.session.execute(
        update(User)
        .where(User.id == user.id, or_(User.totp_last_step.is_(None), User.totp_last_step < step))
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        db.session.refresh(user, ["totp_last_step"])
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def confirm_enrolment(user: User, code: str) -> bool:
    """Finish enrolment when ``code`` matches the unconfirmed seed."""
    if user.totp_secret_sealed is None or not verify_totp(user, code):
        return False
    user.mfa_enrolled_at = clock.now()
    return True


def _normalise_recovery_code(code: str) -> str:
    return "".join(ch for ch in code.upper() if ch.isalnum())


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones; the plain codes are returned once, here only."""
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(_BASE32) for _ in range(16))  # 80 bits
        codes.append("-".join(raw[i : i + 4] for i in range(0, 16, 4)))
        db.session.add(RecoveryCode(user_id=user.id, code_hash=hash_password(raw), created_at=clock.now()))
    db.session.flush()
    return codes


def use_recovery_code(user: User, code: str) -> bool:
    """Accept an unused recovery code once, then mark it used.

    Marking is one conditional UPDATE (``… WHERE id = :id AND used_at IS NULL``): of two requests
    submitting the same code at once exactly one marks it, the other is refused.
    """
    normalised = _normalise_recovery_code(code)
    if len(normalised) != 16:
        return False
    unused = db.session.scalars(
        select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    for row in unused:
        if verify_password(row.code_hash, normalised):
            moment = clock.now()
            result = db.session.execute(
                update(RecoveryCode)
                .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
                .values(used_at=moment)
                .execution_options(synchronize_session=False)
            )
            if result.rowcount != 1:
                db.session.refresh(row, ["used_at"])
                return False
            set_committed_value(row, "used_at", moment)
            return True
    return False


def remaining_recovery_codes(user: User) -> int:
    return len(
        db.session.scalars(
            select(RecoveryCode.id).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
        ).all()
    )


def reset(user: User) -> None:
    """Forget the seed and the recovery codes: the user enrols again at the next login."""
    user.totp_secret_sealed = None
    user.mfa_enrolled_at = None
    user.totp_last_step = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
