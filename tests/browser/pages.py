"""The main pages: each is checked by axe-core, has its title checked and (optionally) its screenshot taken.

Add a page with one ``MainPage(...)`` line. ``path`` may contain a placeholder from ``LINKS``
(``{case}``: the first case in the user's case list, ``{open_case}`` the first that is not closed;
``{signal}``, ``{meeting}``, ``{handoff}``, ``{person}``, ``{household}`` likewise): it is replaced
by the first matching link the user sees, so the pages are found as a user finds them. ``prepare``
runs after the page is open (e.g. submit an empty form to check the error state). ``user`` is a
demo username, or None for a page seen before login.

The pages run before the journeys (tests/browser/conftest.py orders them), on the demo data as
seeded, so "the first case" is the same case and the screenshots the same picture in every run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.browser.support import choose_language, iso_date, log_in


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
        if self.user:
            log_in(page, self.user)
        path = resolve(page, self.path)
        response = page.goto(path)
        assert response is not None and response.status == self.status, f"{self}: HTTP {response and response.status}"
        if self.language:
            choose_language(page, self.language)
        if self.prepare:
            self.prepare(page)


# placeholder -> (page that lists it, selector of the link); the placeholder becomes the link's target.
# A placeholder that stands for a whole path ({signal} …) is replaced by the link's path.
LINKS = {
    "{case}": ("/cases", "main table tbody a[href^='/cases/']"),
    # the first case that is not closed: one that takes changes, so its forms can be opened
    "{open_case}": ("/cases", "main table tbody tr:not(:has-text('Afgesloten')) a[href^='/cases/']"),
    "{signal}": ("/signals", "main table a[href^='/signals/']"),
    "{meeting}": ("/meetings", "main a[href^='/meetings/']:not([href$='/new'])"),
    "{handoff}": ("/handoffs", "main a[href^='/handoffs/']:not([href*='/requests'])"),
    "{person}": ("/cases/{case}", "main a[href^='/persons/']"),
    "{household}": ("/cases/{case}", "main a[href^='/households/']"),
    "{document}": ("/cases/{open_case}/documents", "main table tbody a[href^='/documents/']:not([href$='/download'])"),
}


def resolve(page: Any, path: str) -> str:
    """Replace each placeholder of ``LINKS`` in ``path`` by following the link a user would follow."""
    for placeholder, (list_path, selector) in LINKS.items():
        if placeholder not in path:
            continue
        page.goto(resolve(page, list_path))
        href = page.locator(selector).first.get_attribute("href")
        assert href, f"no link {selector!r} on {list_path} for {placeholder}"
        if placeholder in ("{case}", "{open_case}"):
            path = path.replace(placeholder, href.rsplit("/", 1)[-1])
        else:
            path = path.replace(placeholder, href)
    return path


def _submit_empty_login(page: Any) -> None:
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector(".utrecht-alert--error")


def _filter_first_type(page: Any) -> None:
    page.get_by_label("Type").select_option(index=1)
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**type=*")


def _submit_empty(button: str) -> Callable[[Any], None]:
    """Submit a form without filling it in, to check the error summary and the linked field errors."""

    def submit(page: Any) -> None:
        page.get_by_role("button", name=button, exact=True).click()
        page.wait_for_selector(".cb-error-summary")

    return submit


def _search_person_by_name(page: Any) -> None:
    """Search for the first subject of the first case by family name and birth date: a result table."""
    page.goto(resolve(page, "{person}"))
    facts = page.locator("dl.cb-meta")
    family_name = facts.locator("dt:text-is('Achternaam') + dd").inner_text()
    birth_date = iso_date(facts.locator("dt:text-is('Geboortedatum') + dd").inner_text())
    page.goto("/persons")
    page.get_by_label("Achternaam").fill(family_name)
    page.get_by_label("Geboortedatum").fill(birth_date)
    page.get_by_role("button", name="Zoeken").click()
    page.get_by_role("heading", name="Resultaten").wait_for()


def _search_person_on_signal(page: Any) -> None:
    """The persons step with its two forms on one page: the search and "Nieuwe persoon vastleggen"."""
    search = page.get_by_role("search", name="Persoon zoeken")
    search.get_by_label("Achternaam").fill("Onbekend")
    search.get_by_label("Geboortedatum").fill("1990-01-01")
    search.get_by_role("button", name="Zoeken").click()
    page.get_by_role("heading", name="Nieuwe persoon vastleggen").wait_for()


def _submit_bad_address(page: Any) -> None:
    """A malformed address and e-mail asked for: the error summary, the field error, the input kept."""
    page.get_by_label("E-mailadres (werk)").fill("geen-adres")
    page.get_by_label("Acties").select_option(value="email")
    page.get_by_role("button", name="Opslaan").click()
    page.wait_for_selector(".cb-error-summary")


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
    MainPage("case detail", "/cases/{open_case}", "Casus PGA-", screenshot="case-dossier"),
    MainPage("case status form", "/cases/{open_case}?form=status", "Casus PGA-"),
    MainPage("closed case", "/cases/{case}", "Casus PGA-"),
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
    MainPage("my work", "/", "Mijn werk", screenshot="my-work"),
    MainPage("my actions", "/work/actions", "Mijn openstaande acties"),
    MainPage("my organisation's actions", "/work/actions?group=organisation", "Mijn openstaande acties"),
    MainPage("evaluations due", "/work/evaluations", "Evaluaties binnen"),
    MainPage("closures to approve", "/work/closures", "Af te sluiten casussen", user="zvh.supervisor"),
    MainPage("my signals", "/signals/mine", "Mijn meldingen", user="politie.caseworker", screenshot="my-signals"),
    MainPage("signals queue", "/signals", "Weegtafel", screenshot="signals-queue"),
    MainPage("signal detail", "{signal}", "Melding MLD-", screenshot="signal-detail"),
    MainPage("signal persons step", "{signal}", "Melding MLD-", prepare=_search_person_on_signal),
    MainPage(
        "information requests",
        "/information-requests",
        "Informatievragen aan uw organisatie",
        user="politie.caseworker",
    ),
    MainPage("new signal", "/signals/new", "Melding registreren", user="zvh.caseworker", screenshot="signal-new"),
    MainPage(
        "new signal with errors",
        "/signals/new",
        "Melding registreren",
        user="zvh.caseworker",
        prepare=_submit_empty("Registreren"),
    ),
    MainPage("journal page", "/cases/{open_case}/journal", "Casus PGA-", screenshot="case-journal"),
    MainPage("journal note form", "/cases/{open_case}/journal?form=note", "Casus PGA-"),
    MainPage(
        "journal note form with errors",
        "/cases/{open_case}/journal?form=note",
        "Casus PGA-",
        prepare=_submit_empty("Notitie toevoegen"),
    ),
    MainPage("plan page", "/cases/{open_case}/plan", "Casus PGA-", screenshot="case-plan"),
    MainPage("documents page", "/cases/{open_case}/documents", "Casus PGA-", screenshot="case-documents"),
    MainPage("document upload form", "/cases/{open_case}/documents?form=document", "Casus PGA-"),
    MainPage(
        "document upload refused",
        "/cases/{open_case}/documents?form=document",
        "Casus PGA-",
        prepare=_submit_empty("Document toevoegen"),
    ),
    MainPage("document page", "{document}", "", screenshot="document-detail"),
    MainPage("document version form", "{document}?form=version", ""),
    MainPage("plan goal form", "/cases/{open_case}/plan?form=goal", "Casus PGA-"),
    MainPage("plan evaluation form", "/cases/{open_case}/plan/evaluations/new", "Evaluatie vastleggen"),
    MainPage(
        "plan evaluation form with errors",
        "/cases/{open_case}/plan/evaluations/new",
        "Evaluatie vastleggen",
        prepare=_submit_empty("Evaluatie vastleggen"),
    ),
    MainPage("people participant form", "/cases/{open_case}/people?form=participant", "Casus PGA-"),
    MainPage("interventions page", "/cases/{open_case}/interventions", "Casus PGA-", screenshot="interventions"),
    MainPage("people page", "/cases/{case}/people", "Casus PGA-"),
    MainPage("case handoffs page", "/cases/{case}/handoffs", "Casus PGA-"),
    MainPage("timeline page", "/cases/{case}/timeline", "Casus PGA-"),
    MainPage("meetings list", "/meetings", "Casusoverleg", screenshot="meetings"),
    MainPage("meeting detail", "{meeting}", "Casusoverleg", screenshot="meeting-detail"),
    MainPage("meeting edit", "{meeting}/edit", "Overleg wijzigen"),
    MainPage("handoff inbox", "/handoffs", "Overdrachten", screenshot="handoffs"),
    MainPage("handoff detail", "{handoff}", "PGA-", screenshot="handoff-detail"),
    MainPage("new handoff", "/cases/{case}/handoffs/new", "Nieuwe overdracht"),
    MainPage("case summary edit", "/cases/{case}/summary/edit", "Probleemanalyse en hulpvraag wijzigen"),
    MainPage("case flags edit", "/cases/{case}/flags/edit", "Signaleringen wijzigen"),
    MainPage("persons search", "/persons", "Personen zoeken"),
    MainPage("persons search results", "/persons", "Personen zoeken", prepare=_search_person_by_name),
    MainPage("person page", "{person}", "Persoon: "),
    MainPage("household page", "{household}", "Huishouden"),
    MainPage("audit log", "/audit/", "Auditlog", user="zvh.supervisor"),
    MainPage("unusual access", "/audit/unusual", "Ongebruikelijke toegang", user="zvh.supervisor"),
    MainPage("break-glass reviews", "/access/break-glass/reviews", "Noodtoegang beoordelen", user="zvh.supervisor"),
    MainPage("break-the-glass search", "/access/break-glass", "Noodtoegang", user="politie.caseworker"),
    MainPage("authorisations", "/access/authorisations", "Autorisaties", user="gemeente.supervisor"),
    MainPage("admin users", "/admin/users", "Gebruikers", user="admin", screenshot="admin-users"),
    MainPage("admin new user", "/admin/users/new", "Nieuwe gebruiker", user="admin"),
    MainPage("access review", "/admin/access-review", "Toegangsreview", user="zvh.supervisor"),
    MainPage("my sessions", "/account/sessions", "Mijn sessies"),
    MainPage("API tokens", "/account/api-tokens", "Mijn API-tokens"),
    MainPage("second factor", "/account/mfa", "Tweede factor"),
    MainPage("notifications", "/notifications", "Notificaties"),
    MainPage("notification preferences", "/account/notifications", "Notificaties instellen"),
    # reports: the teamleider (own organisation and team), the ZVH's coordinator, the gemeente
    MainPage("reports", "/reports/", "Rapportages", user="zvh.supervisor"),
    MainPage("caseload report", "/reports/caseload", "Caseload", user="zvh.supervisor"),
    MainPage("throughput report", "/reports/throughput", "Doorlooptijden"),
    MainPage("signals report", "/reports/signals", "Meldingen", user="gemeente.supervisor"),
    MainPage("report with a refused period", "/reports/caseload?start=1976-01-01", "Caseload", status=422),
    MainPage("interventions report", "/reports/interventions", "Interventies", user="zvh.supervisor"),
    MainPage("results report", "/reports/results", "Resultaten", user="gemeente.supervisor"),
    MainPage("yearly overview", "/reports/yearly", "Jaaroverzicht", user="gemeente.supervisor"),
    MainPage("destruction lists", "/retention", "Vernietigingslijsten", user="gemeente.privacy"),
    MainPage("destruction list", "/retention/1", "Vernietigingslijst 1", user="gemeente.privacy"),
    MainPage(
        "notification preferences with errors",
        "/account/notifications",
        "Notificaties instellen",
        prepare=_submit_bad_address,
    ),
    MainPage("subject requests", "/subject-requests/", "Verzoeken van betrokkenen", user="gemeente.privacy"),
    MainPage("subject request form", "/subject-requests/new", "Verzoek registreren", user="gemeente.privacy"),
    MainPage(
        "subject request form with errors",
        "/subject-requests/new",
        "Verzoek registreren",
        user="gemeente.privacy",
        prepare=_submit_empty("Registreren"),
    ),
    MainPage("subject request", "/subject-requests/1", "Verzoek AVG-", user="gemeente.privacy"),
]
