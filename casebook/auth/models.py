"""Users, their roles, and the records of account security: sessions, recovery codes, activation links."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casebook.db import Base, StrEnumType, utcnow
from casebook.organisations.models import Organisation


def normalise_username(typed: str) -> str:
    """The one canonical form of a username: how it is stored, looked up and locked out.

    Surrounding space is dropped and the name is lowercased, so ``Alice``, ``alice`` and `` ALICE``
    are one account everywhere — in particular one lockout counter, so varying the case does not
    buy an attacker more guesses. ``str.lower`` (not ``casefold``) because lookups compare with the
    database's ``lower()``; new names are limited to ``[a-z0-9._-]`` anyway.
    """
    return typed.strip().lower()


class Role(enum.StrEnum):
    CASEWORKER = "caseworker"
    COORDINATOR = "coordinator"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    # privacyfunctionaris of the gemeente: the register, destruction lists, requests of persons
    # concerned and the processing log; never case content outside an inzage export it compiles.
    PRIVACY_OFFICER = "privacy_officer"


class User(Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # UI language chosen by the user ("nl", "en"); None: the session's choice or the default.
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    # Work address for reminder digests (casebook.notifications), set by the user. Stored plainly like
    # the display name: an employee's business contact, read by the scheduled send run without a case
    # key; the mails themselves carry no personal data of anyone in a case.
    email: Mapped[str | None] = mapped_column(String(254))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set by an admin's initial password: the user must choose their own before doing anything else.
    must_change_password: Mapped[bool] = mapped_column(default=False, server_default=false())
    password_changed_at: Mapped[datetime | None]
    # TOTP: the seed is sealed (AES-GCM, see casebook.auth.mfa); enrolled once a first code was accepted.
    totp_secret_sealed: Mapped[str | None] = mapped_column(String(255))
    mfa_enrolled_at: Mapped[datetime | None]
    totp_last_step: Mapped[int | None]  # the last accepted 30-second step: a code is never accepted twice
    # Demo accounts only (seed-demo sets it outside production); production ignores it.
    mfa_exempt_demo: Mapped[bool] = mapped_column(default=False, server_default=false())

    organisation: Mapped[Organisation] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    def __repr__(self) -> str:
        return f"<User {self.id} {self.username}>"

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(row.role for row in self.role_rows)

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    # Flask-Login protocol
    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)


class UserRole(Base):
    __tablename__ = "user_role"
    __table_args__ = (UniqueConstraint("user_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    role: Mapped[Role] = mapped_column(StrEnumType(Role))

    user: Mapped[User] = relationship(back_populates="role_rows")


class UserSession(Base):
    """A server-side login session. The cookie carries a random 128-bit id; only its SHA-256 is stored,
    so a copy of this table cannot be replayed as cookies.

    ``stage`` is ``mfa`` between a correct password and the second factor, ``full`` after it.
    ``ended_at`` set means the session is over, whatever the cookie says.
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    stage: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    authenticated_at: Mapped[datetime] = mapped_column(default=utcnow)  # last password (+ MFA) check
    client_ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(32))

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<UserSession {self.id} user={self.user_id} {self.stage}{' ended' if self.ended_at else ''}>"


class RecoveryCode(Base):
    """One single-use MFA recovery code, stored as an argon2id hash; shown to the user once."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id}{' used' if self.used_at else ''}>"


class ActivationToken(Base):
    """A one-time link with which a new user (or one reset by an admin) sets their own password."""

    __tablename__ = "activation_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

    def __repr__(self) -> str:
        return f"<ActivationToken {self.id} user={self.user_id}>"
