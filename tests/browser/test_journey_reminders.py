"""Journey: a wijkteam caseworker sets a work e-mail address and asks for action reminders by e-mail;
an action of theirs is overdue; the scheduled `casebook notifications send` runs; the digest arrives
at a real SMTP server (aiosmtpd) without personal data, and the bell and the notifications page show it.

This test owns the demo account ``wijkteam-west.caseworker``'s address and reminder choices: no
other browser test logs in with it.
"""

from __future__ import annotations

import email
import re
import socket
import subprocess
import sys
from email import policy

import pytest

from tests.browser.conftest import PROJECT_ROOT
from tests.browser.flows import expect
from tests.browser.support import log_in

pytestmark = pytest.mark.browser

USER = "wijkteam-west.caseworker"
ADDRESS = "m.devries@wijkteam-west.example"

# Run in the live server's environment: an action owned by USER on a case the wijkteam works on,
# agreed weeks ago and due two days ago (through the plan service, as a coordinator of the lead).
OVERDUE_ACTION = """
from datetime import timedelta
from sqlalchemy import select
from casebook import create_app
from casebook.access import Action, can
from casebook.auth.models import Role, User
from casebook.casework import local_today
from casebook.cases.models import Case, CaseParticipant
from casebook.db import db
from casebook.plans import services as plans

app = create_app()
with app.app_context():
    owner = db.session.scalar(select(User).where(User.username == "{user}"))
    today = local_today()
    cases = db.session.scalars(
        select(Case).join(CaseParticipant).where(
            CaseParticipant.organisation_id == owner.organisation_id, CaseParticipant.ended_at.is_(None),
            Case.closed_at.is_(None), Case.closure_proposed_at.is_(None),
        ).order_by(Case.id)
    )
    for case in cases:
        leads = db.session.scalars(select(User).where(User.organisation_id == case.lead_organisation_id))
        by = next((u for u in leads if u.has_role(Role.COORDINATOR) and can(u, Action.EDIT_PLAN, case)), None)
        if by is None or owner.id not in {{u.id for u in plans.owner_users(case)}}:
            continue
        plans.add_action(
            case, by=by, description="Gesprek met de familie plannen", owner_organisation=owner.organisation,
            owner_user=owner, due_on=today - timedelta(days=2), today=today - timedelta(days=20),
        )
        db.session.commit()
        print(case.reference)
        break
    else:
        raise SystemExit("no case to give an overdue action")
"""


class Received:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler protocol names it so
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server():
    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    received = Received()
    controller = Controller(received, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


def _run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own interpreter and CLI, fixed arguments
        [sys.executable, *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{args}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_an_overdue_action_reaches_the_bell_the_page_and_the_mailbox(page, live_server, smtp_server):
    port, received = smtp_server
    log_in(page, USER, next_path="/")
    page.locator("summary.cb-account__summary").click()  # the account menu under the user's name
    page.get_by_role("navigation", name="Accountmenu").get_by_role("link", name="Notificaties instellen").click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Notificaties instellen")

    page.get_by_label("E-mailadres (werk)").fill("m.devries@")
    page.get_by_label("Acties").select_option(label="In Casebook en per e-mail")
    page.get_by_role("button", name="Opslaan").click()
    expect()(page.locator(".cb-error-summary")).to_contain_text("Vul een geldig e-mailadres in")
    expect()(page.get_by_label("E-mailadres (werk)")).to_have_value("m.devries@")  # the input is kept
    page.get_by_label("E-mailadres (werk)").fill(ADDRESS)
    page.get_by_role("button", name="Opslaan").click()
    expect()(page.get_by_role("status")).to_contain_text("Uw keuzes voor notificaties zijn opgeslagen.")
    expect()(page.get_by_label("Acties")).to_have_value("email")

    reference = _run(live_server.env, "-c", OVERDUE_ACTION.format(user=USER)).strip()
    mail_env = {
        **live_server.env,
        "CASEBOOK_SMTP_HOST": "127.0.0.1",
        "CASEBOOK_SMTP_PORT": str(port),
        "CASEBOOK_SMTP_STARTTLS": "false",
        "CASEBOOK_SMTP_FROM": "casebook@dordrecht.example",
        "CASEBOOK_BASE_URL": live_server.url,
    }
    output = _run(mail_env, "-m", "casebook", "notifications", "send")
    assert "sent 1 e-mails" in output, output
    assert "sent 0 e-mails" in _run(mail_env, "-m", "casebook", "notifications", "send")  # idempotent

    [(recipients, raw)] = received.messages
    assert recipients == [ADDRESS]
    message = email.message_from_bytes(raw, policy=policy.default)
    body = message.get_content()
    assert message["Subject"] == "Casebook: nieuwe notificaties voor u"
    assert "1 actie over de datum" in body and f"{live_server.url}/notifications" in body
    for personal in (reference, "Gesprek met de familie", "Wijkteam", "De Vries"):
        assert personal not in body

    page.goto("/")
    bell = page.get_by_role("link", name=re.compile(r"^Notificaties \d+ ongelezen$"))
    expect()(bell).to_be_visible()
    bell.click()
    expect()(page.get_by_role("heading", level=1)).to_have_text("Notificaties")
    item = page.locator("li.cb-notification", has_text="Een actie is over de datum")
    expect()(item.get_by_role("link", name=reference)).to_be_visible()
    page.get_by_role("button", name="Alles gelezen").click()
    expect()(page.get_by_role("link", name="Notificaties", exact=True)).to_be_visible()  # no count any more
    expect()(page.get_by_text("U hebt geen notificaties.")).to_have_count(0)  # read, still listed
