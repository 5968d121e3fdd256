"""The send command and the digest: one mail per user per run, idempotent, no personal data."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from pathlib import Path

import pytest
from flask import Flask

from casebook.auth.models import Role
from casebook.notifications import mail
from casebook.notifications import services as notices
from casebook.notifications.models import Channel
from casebook.settings import ConfigurationError
from tests.factories import make_action, make_user
from tests.helpers import last_event

ACTION_TEXT = "Huisbezoek bij familie De Vries afleggen"


def _wants_mail(user, address="j.jansen@gemeente.example", kinds=("action", "evaluation")) -> None:
    notices.save_preferences(user, email=address, channels={k: Channel.EMAIL for k in kinds})


def _send(app: Flask):
    return app.test_cli_runner().invoke(args=["notifications", "send"])


def test_send_twice_delivers_one_digest_over_smtp_without_personal_data(
    app, case, zvh_coord, zvh_worker, today, smtp_config
):
    zvh_worker.display_name = "Jan Jansen"
    _wants_mail(zvh_worker)
    make_action(case, zvh_coord, due_on=today - timedelta(days=1), owner_user=zvh_worker, description=ACTION_TEXT)
    make_action(case, zvh_coord, due_on=today - timedelta(days=2), owner_user=zvh_worker, description=ACTION_TEXT)
    case.next_evaluation_on = today + timedelta(days=2)

    first = _send(app)
    assert first.exit_code == 0, first.output
    assert "sent 1 e-mails" in first.output
    second = _send(app)
    assert second.exit_code == 0 and "sent 0 e-mails" in second.output
    assert len(smtp_config.messages) == 1

    sender, recipients, raw = smtp_config.messages[0]
    assert (sender, recipients) == ("casebook@gemeente.example", ["j.jansen@gemeente.example"])
    message = email.message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == "Casebook: nieuwe notificaties voor u"
    body = message.get_content()
    assert "2 acties over de datum" in body and "1 evaluatie binnenkort" in body
    assert "https://casebook.example/notifications" in body
    for personal in (case.reference, "Jan Jansen", "Jansen", "De Vries", ACTION_TEXT, case.lead_organisation.name):
        assert personal not in body and personal not in message["Subject"]
    event = last_event("notification.send")
    assert event.actor_user_id is None and event.details["mails"] == 0  # the second run's counts
    assert event.details["created"] == 0


def test_only_users_who_chose_mail_and_have_an_address_get_one(app, case, zvh_coord, zvh_worker, today, smtp_config):
    notices.save_preferences(zvh_coord, email="coord@zvh.example", channels={"evaluation": Channel.APP})
    _wants_mail(zvh_worker, kinds=("evaluation",))
    case.next_evaluation_on = today
    result = _send(app)
    assert result.exit_code == 0, result.output
    assert [m[1] for m in smtp_config.messages] == [["j.jansen@gemeente.example"]]


def test_a_notification_read_in_casebook_is_not_mailed(app, case, zvh_coord, zvh_worker, today, smtp_config):
    _wants_mail(zvh_worker, kinds=("evaluation",))
    case.next_evaluation_on = today
    from casebook.notifications import reminders

    reminders.create_due(today)
    notices.mark_all_read(zvh_worker)
    _send(app)
    assert smtp_config.messages == []


def test_without_an_smtp_host_mails_are_written_as_eml_files(
    app, case, zvh_coord, zvh_worker, today, tmp_path, monkeypatch
):
    monkeypatch.setitem(app.config, "SMTP_HOST", "")
    monkeypatch.setitem(app.config, "MAIL_FILE_DIR", str(tmp_path / "mail"))
    _wants_mail(zvh_worker)
    make_action(case, zvh_coord, due_on=today, owner_user=zvh_worker)
    result = _send(app)
    assert result.exit_code == 0, result.output
    files = list(Path(tmp_path / "mail").glob("*.eml"))
    assert len(files) == 1
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert message["To"] == "j.jansen@gemeente.example"
    assert "1 actie die binnenkort op de datum staat" in message.get_content()
    _send(app)
    assert len(list(Path(tmp_path / "mail").glob("*.eml"))) == 1


def test_the_default_file_directory_is_under_the_instance(app):
    settings = mail.MailSettings.from_config({**app.config, "SMTP_HOST": "", "MAIL_FILE_DIR": ""})
    assert settings.file_dir == Path(app.config["INSTANCE_PATH"]) / "mail"


def test_a_refused_delivery_is_retried_on_the_next_run(
    app, case, zvh_coord, zvh_worker, today, monkeypatch, smtp_config
):
    _wants_mail(zvh_worker, kinds=("evaluation",))
    case.next_evaluation_on = today

    def refuse(self, message):
        raise OSError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(mail.Outbox, "deliver", refuse)
        result = _send(app)
    assert "1 failed" in result.output
    _send(app)
    assert len(smtp_config.messages) == 1


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"ENV": "production", "SMTP_HOST": "", "BASE_URL": "https://x.example"}, "CASEBOOK_SMTP_HOST"),
        ({"ENV": "production", "SMTP_HOST": "smtp.example", "BASE_URL": ""}, "CASEBOOK_BASE_URL"),
        ({"SMTP_PORT": "vijf"}, "CASEBOOK_SMTP_PORT"),
        ({"SMTP_FROM": "geen-adres"}, "CASEBOOK_SMTP_FROM"),
    ],
)
def test_bad_mail_settings_are_refused_with_a_clear_message(app, overrides, message):
    with pytest.raises(ConfigurationError, match=message):
        mail.MailSettings.from_config({**app.config, **overrides})


def test_the_digest_is_in_the_users_language(app, zvh, today):
    user = make_user(org=zvh, roles=[Role.CASEWORKER])
    user.email, user.locale = "u@example.nl", "en"
    settings = mail.MailSettings.from_config(app.config)
    from casebook.notifications.models import Notification

    message = mail.digest(user, [Notification(kind="action", event="overdue")], settings)
    assert message["To"] == "u@example.nl" and "notifications" in message.get_content()


def test_the_digest_counts_per_kind_and_keeps_due_and_overdue_apart(app, zvh):
    user = make_user(org=zvh, roles=[Role.COORDINATOR])
    user.email = "c@example.nl"
    from casebook.notifications.models import Notification

    rows = [
        Notification(kind="handoff", event="to_decide"),
        Notification(kind="handoff", event="request_to_decide"),
        Notification(kind="action", event="due"),
        Notification(kind="action", event="overdue"),
    ]
    body = mail.digest(user, rows, mail.MailSettings.from_config(app.config)).get_content()
    assert "2 overdrachten of verzoeken te beslissen" in body
    assert "1 actie over de datum" in body and "1 actie die binnenkort op de datum staat" in body
