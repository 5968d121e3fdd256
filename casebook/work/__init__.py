"""My work: the start page (rendered at ``/`` by ``casebook.site``) and its widget registry."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from casebook.work import services

    services.register(app)
