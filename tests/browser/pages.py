"""The main pages: each is checked by axe-core, has its title checked and (optionally) its screenshot taken.

Add a page with one ``MainPage(...)`` line. ``path`` may contain ``{case}``: the first case in
the user's case list. ``prepare`` runs after the page is open (e.g. submit an empty form to
check the error state). ``user`` is a demo username, or None for a page seen before login.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.browser.support import choose_language, log_in


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str
    heading: str
    user: str | None = "zvh.coordinator"
    status: int = 200
    language: str | None = None
    prepare: Callable[[Any], None] | None = None
    screenshot: str | None = None

    def __str__(self) -> str:
        return self.name

    def open(self, page: Any) -> None:
        """Log in (if needed), go to the page, switch language (if asked) and run ``prepare``."""
        path = self.path
        if self.user:
            log_in(page, self.user)
        if "{case}" in path:
            page.goto("/cases")
            path = path.replace("{case}", page.locator("table a").first.get_attribute("href").rsplit("/", 1)[-1])
        response = page.goto(path)
        assert response is not None and response.status == self.status, f"{self}: HTTP {response and response.status}"
        if self.language:
            choose_language(page, self.language)
        if self.prepare:
            self.prepare(page)


def _submit_empty_login(page: Any) -> None:
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector(".utrecht-alert--error")


def _filter_first_type(page: Any) -> None:
    page.get_by_label("Type").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**type=*")


# The user "wijkteam-west.coordinator" is the one whose language is switched to English.
MAIN_PAGES = [
    MainPage("login", "/login", "Inloggen bij Casebook", user=None, screenshot="login"),
    MainPage(
        "login with errors",
        "/login",
        "Inloggen bij Casebook",
        user=None,
        prepare=_submit_empty_login,
        screenshot="login-errors",
    ),
    MainPage("case list", "/cases", "Casussen", screenshot="cases"),
    MainPage("case list filtered", "/cases", "Casussen", prepare=_filter_first_type),
    MainPage("case detail", "/cases/{case}", "Casus PGA-", screenshot="case-detail"),
    MainPage("not found", "/cases/999999", "Niet gevonden", status=404, screenshot="not-found"),
    MainPage(
        "case list in English",
        "/cases",
        "Cases",
        user="wijkteam-west.coordinator",
        language="en",
        screenshot="cases-en",
    ),
    MainPage("case detail in English", "/cases/{case}", "Case PGA-", user="wijkteam-west.coordinator", language="en"),
]
