"""Notification fixtures: a ZVH-led case with a procesregisseur and a casusregisseur, a wijkteam that
may receive it, and a real SMTP server (aiosmtpd) on a free port for the e-mail tests."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import date

import pytest
from flask import Flask

from casebook.auth.models import Role
from casebook.casework import local_today
from casebook.db import db
from casebook.organisations.models import OrganisationKind
from casebook.plans.models import CasePlan
from tests.factories import make_case, make_org, make_user
from tests.handoffs.conftest import basis, make_input  # noqa: F401  (fixtures)


@pytest.fixture
def today(app: Flask) -> date:
    return local_today()


@pytest.fixture
def zvh():
    return make_org("zvh-note", kind=OrganisationKind.ZVH, name="ZVH Test")


@pytest.fixture
def west():
    return make_org("west-note", kind=OrganisationKind.WIJKTEAM, name="Wijkteam West Test")


@pytest.fixture
def zvh_coord(zvh):
    return make_user(org=zvh, roles=[Role.COORDINATOR])


@pytest.fixture
def zvh_worker(zvh):
    return make_user(org=zvh, roles=[Role.CASEWORKER])


@pytest.fixture
def zvh_super(zvh):
    return make_user(org=zvh, roles=[Role.SUPERVISOR])


@pytest.fixture
def west_coord(west):
    return make_user(org=west, roles=[Role.COORDINATOR])


@pytest.fixture
def case(zvh, zvh_coord, zvh_worker):
    """Procesregisseur: the ZVH coordinator; casusregisseur: the ZVH caseworker."""
    case = make_case(lead=zvh)
    case.process_coordinator = zvh_coord
    db.session.add(CasePlan(case=case, case_manager=zvh_worker))
    db.session.flush()
    return case


class Inbox:
    """What a real SMTP server received."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # aiosmtpd's handler protocol names it so
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()


@pytest.fixture
def smtp_config(app: Flask, smtp_server, monkeypatch: pytest.MonkeyPatch):
    port, inbox = smtp_server
    for name, value in {
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": port,
        "SMTP_STARTTLS": False,
        "SMTP_FROM": "casebook@gemeente.example",
        "BASE_URL": "https://casebook.example",
    }.items():
        monkeypatch.setitem(app.config, name, value)
    return inbox
