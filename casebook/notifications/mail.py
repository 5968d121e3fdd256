"""The digest e-mail: one message per user per run, counts and a link only — no personal data.

Backends: SMTP (``SMTP_HOST`` set; ``smtplib`` with STARTTLS and login when configured) or, in
development when no host is set, ``.eml`` files under ``instance/mail/`` (``MAIL_FILE_DIR`` to move
it). Production refuses to send without an SMTP host and a ``BASE_URL``.

What was announced is recorded per notification (``mailed_at``: per user, kind, object and the day
of the run), so a second run sends nothing new. A message that fails to send leaves its
notifications unmarked for the next run.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import ssl
from collections import Counter, defaultdict
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Any

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import and_, select

from casebook import audit
from casebook.auth.models import User
from casebook.db import db, utcnow
from casebook.notifications import kinds
from casebook.notifications.models import Channel, Notification, NotificationPreference
from casebook.settings import ConfigurationError, is_production

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MailSettings:
    host: str | None
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str
    base_url: str
    file_dir: Path

    @classmethod
    def from_config(cls, config: Any) -> MailSettings:
        """:raises ConfigurationError: a setting is malformed, or production lacks host or base URL."""
        host = config.get("SMTP_HOST") or None
        try:
            port = int(config["SMTP_PORT"])
        except (TypeError, ValueError):
            raise ConfigurationError("CASEBOOK_SMTP_PORT must be a number") from None
        if not 0 < port < 65536:
            raise ConfigurationError("CASEBOOK_SMTP_PORT must be between 1 and 65535")
        base_url = str(config["BASE_URL"]).rstrip("/")
        if is_production(config) and not (host and base_url):
            raise ConfigurationError("production needs CASEBOOK_SMTP_HOST and CASEBOOK_BASE_URL to send reminders")
        sender = str(config["SMTP_FROM"])
        if "@" not in sender:
            raise ConfigurationError("CASEBOOK_SMTP_FROM must be an e-mail address")
        directory = config.get("MAIL_FILE_DIR") or Path(config["INSTANCE_PATH"]) / "mail"
        return cls(
            host=host,
            port=port,
            username=config.get("SMTP_USERNAME") or None,
            password=config.get("SMTP_PASSWORD") or None,
            starttls=_flag(config["SMTP_STARTTLS"]),
            sender=sender,
            base_url=base_url or "http://127.0.0.1:5000",
            file_dir=Path(directory),
        )


def _flag(value: Any) -> bool:
    return value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "yes", "on")


class Outbox:
    """Delivers messages over one SMTP connection per run, or writes them as files."""

    def __init__(self, settings: MailSettings) -> None:
        self.settings = settings
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Outbox:
        return self

    def __exit__(self, *_exc: object) -> None:
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException):
                self._smtp.quit()

    def deliver(self, message: EmailMessage) -> None:
        """:raises OSError | smtplib.SMTPException: the message was not accepted."""
        if not self.settings.host:
            self.settings.file_dir.mkdir(parents=True, exist_ok=True)
            name = message["Message-ID"].strip("<>").replace("@", "_").replace("/", "_")
            (self.settings.file_dir / f"{name}.eml").write_bytes(message.as_bytes())
            return
        if self._smtp is None:
            smtp = smtplib.SMTP(self.settings.host, self.settings.port, timeout=30)
            if self.settings.starttls:
                smtp.starttls(context=ssl.create_default_context())
            if self.settings.username:
                smtp.login(self.settings.username, self.settings.password or "")
            self._smtp = smtp
        self._smtp.send_message(message)


def digest(user: User, rows: list[Notification], settings: MailSettings) -> EmailMessage:
    """The message for ``user``: counts per kind and event, a link, in the user's language."""
    # actions and evaluations: due and overdue apart; other kinds one line each
    counts = Counter((row.kind, row.event if row.kind in ("action", "evaluation") else "") for row in rows)
    locale = user.locale or current_app.config["DEFAULT_LOCALE"]
    with force_locale(locale):
        lines = [kinds.mail_line(kind, event, num) for (kind, event), num in sorted(counts.items())]
        subject = _("Casebook: nieuwe notificaties voor u")
        body = "\n".join(
            [
                _("In Casebook staat nieuws voor u:"),
                "",
                *[f"- {line}" for line in lines],
                "",
                _("Bekijk uw notificaties: %(url)s", url=f"{settings.base_url}/notifications"),
                "",
                _("Deze e-mail bevat bewust geen gegevens over casussen of personen."),
                _("Uw keuzes wijzigen: %(url)s", url=f"{settings.base_url}/account/notifications"),
            ]
        )
    message = EmailMessage()
    message["From"] = settings.sender
    message["To"] = user.email
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=settings.sender.rsplit("@", 1)[1])
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(body + "\n")
    return message


def pending_by_user() -> dict[User, list[Notification]]:
    """Unread notifications not yet announced whose recipient wants that kind by e-mail and has an address."""
    query = (
        select(Notification, User)
        .join(User, User.id == Notification.recipient_id)
        .join(
            NotificationPreference,
            and_(NotificationPreference.user_id == User.id, NotificationPreference.kind == Notification.kind),
        )
        .where(
            Notification.mailed_at.is_(None),
            Notification.read_at.is_(None),
            NotificationPreference.channel == Channel.EMAIL,
            User.email.is_not(None),
            User.active.is_(True),
        )
        .order_by(User.id, Notification.id)
    )
    grouped: dict[User, list[Notification]] = defaultdict(list)
    for row, user in db.session.execute(query):
        grouped[user].append(row)
    return grouped


def send_pending(settings: MailSettings | None = None) -> dict[str, int]:
    """Send one digest to every user with something new to announce; mark what was announced.

    Returns counts (``mails``, ``notifications``, ``failed``), also recorded as a non-personal audit
    event. Flushes; the command commits.
    """
    settings = settings or MailSettings.from_config(current_app.config)
    sent = announced = failed = 0
    with Outbox(settings) as outbox:
        for user, rows in pending_by_user().items():
            try:
                outbox.deliver(digest(user, rows, settings))
            except (OSError, smtplib.SMTPException) as exc:
                failed += 1
                log.warning("reminder digest not sent (user id %s): %s", user.id, type(exc).__name__)
                continue
            now = utcnow()
            for row in rows:
                row.mailed_at = now
            sent += 1
            announced += len(rows)
            db.session.flush()
    counts = {"mails": sent, "notifications": announced, "failed": failed}
    return counts


def record_run(created: int, counts: dict[str, int]) -> None:
    audit.record(None, "notification.send", details={"created": created, **counts})
