"""Browser tests: the real app in a subprocess, driven through Debian's Chromium by Playwright.

The ``live_server`` fixture (one per test session) creates a fresh SQLite database in a temp
dir, runs ``casebook db upgrade`` and ``casebook seed-demo`` (the demo Dordrecht of the README,
deterministic), starts ``casebook serve`` on a free port and stops it afterwards. Every test gets
its own browser context (``page``): no cookies shared between tests. A test fails when the
page logged a JavaScript error or a failed request, or when the server logged a traceback.

When ``/usr/bin/chromium`` (or ``CASEBOOK_CHROMIUM``) or Playwright is missing, these tests are
skipped with the reason; with ``CASEBOOK_REQUIRE_BROWSER=1`` (set by ``.ci/run``) they fail.
Playwright's own browser download is never used.

How to add a journey
--------------------
1. Write ``test_<what the user does>`` in a module under ``tests/browser/`` that starts with
   ``pytestmark = pytest.mark.browser``; take the ``page`` fixture.
2. Log in with ``log_in(page, "zvh.coordinator")`` (any demo user of the README; the password
   is the suite's demo password) and click through as a person would: ``page.get_by_role(...)``,
   ``page.get_by_label("Gebruikersnaam")``, ``page.get_by_text(...)`` — by role and visible
   text, not by CSS class, so the test also proves the page is usable with a screen reader.
3. Assert what the user sees: ``expect(page.get_by_role("heading", level=1)).to_have_text(...)``,
   the flash message, the row in the table — not only the URL or a status code.
4. A journey that changes a demo user's settings (language, password, MFA) uses a user that no
   other test uses, because all tests share one server and database.
5. For MFA: once login asks for a code, extend ``support.log_in`` in one place; journeys keep
   calling ``log_in(page, user)``.

How to add a page to the accessibility, title and screenshot checks
-------------------------------------------------------------------
Add one ``MainPage(...)`` line to ``MAIN_PAGES`` in ``tests/browser/pages.py`` (path, demo user,
the h1 the user must see, optionally a ``screenshot`` file name and a ``prepare`` step such as
submitting an empty form to check the error state). axe-core then runs on it, its title is
checked, and its screenshot is written to ``docs/screenshots/``. A page with a form that must
work by keyboard gets a test like ``test_login_by_keyboard_only`` using ``support.tab_to``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.browser.support import DEMO_PASSWORD
from tests.conftest import TEST_KEYRING_JSON

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CASEBOOK_CHROMIUM", "/usr/bin/chromium")
REQUIRE_BROWSER = os.environ.get("CASEBOOK_REQUIRE_BROWSER", "") == "1"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
SERVER_START_TIMEOUT = 30.0


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (CASEBOOK_REQUIRE_BROWSER=1: a missing browser is a failure)", pytrace=False)
    pytest.skip(f"{reason}; install it with `apt-get install chromium` (Debian), never `playwright install`")


@dataclass
class LiveServer:
    url: str
    process: subprocess.Popen
    log_path: Path
    env: dict[str, str] = field(repr=False)

    def log_tail(self, start: int = 0, limit: int = 4000) -> str:
        text = self.log_path.read_text(errors="replace")[start:]
        return text[-limit:]

    def log_size(self) -> int:
        return len(self.log_path.read_text(errors="replace"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(tmp: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if not name.startswith("CASEBOOK_")}
    env.update(
        CASEBOOK_ENV="development",
        CASEBOOK_DATABASE_URL=f"sqlite:///{tmp / 'casebook.sqlite3'}",
        CASEBOOK_INSTANCE_PATH=str(tmp / "instance"),
        CASEBOOK_SECRET_KEY="browser-tests-secret-key",
        CASEBOOK_MASTER_KEYS=TEST_KEYRING_JSON,
        CASEBOOK_DEMO_PASSWORD=DEMO_PASSWORD,
        CASEBOOK_PASSWORD_HASH_PARAMS='{"time_cost": 1, "memory_cost": 1024, "parallelism": 1}',
        PYTHONUNBUFFERED="1",
    )
    return env


def _casebook(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [sys.executable, "-m", "casebook", *args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        pytest.fail(f"`casebook {' '.join(args)}` failed:\n{result.stdout}\n{result.stderr}", pytrace=False)


def _wait_until_up(server: LiveServer) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"casebook serve exited with {server.process.returncode}:\n{server.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=1) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.05)  # polling the start-up of another process; no test waits on this
    pytest.fail(f"casebook serve did not answer within {SERVER_START_TIMEOUT}s:\n{server.log_tail()}", pytrace=False)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Run the page checks (test_pages.py) before the other browser tests.

    The journeys add cases, notes and handoffs to the shared demo database; checked first, the
    pages (and so the screenshots in docs/screenshots/) show the demo data as seeded, the same in
    every run. Only the order among the browser tests changes.
    """
    browser_dir = Path(__file__).resolve().parent
    positions = [i for i, item in enumerate(items) if Path(str(item.path)).parent == browser_dir]
    ordered = sorted((items[i] for i in positions), key=lambda item: Path(str(item.path)).name != "test_pages.py")
    for position, item in zip(positions, ordered, strict=True):
        items[position] = item


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if not Path(CHROMIUM).exists():
        _unavailable(f"Chromium not found at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _unavailable("Playwright for Python is not installed (make install-dev)")
    return CHROMIUM


@pytest.fixture(scope="session")
def live_server(chromium_path: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The real app (``casebook serve``) on a free port, with the demo data, for the whole session."""
    tmp = tmp_path_factory.mktemp("live")
    env = _server_env(tmp)
    _casebook(env, "db", "upgrade")
    _casebook(env, "seed-demo")
    log_path = tmp / "server.log"
    port = _free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
            [sys.executable, "-m", "casebook", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    server = LiveServer(url=f"http://127.0.0.1:{port}", process=process, log_path=log_path, env=env)
    try:
        _wait_until_up(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture
def page(browser, live_server: LiveServer) -> Iterator:
    """A fresh browser context (no cookies) on the live server; fails on page errors and server tracebacks."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport=VIEWPORT,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        # A fixed request id keeps the error page (which shows it) identical between runs.
        extra_http_headers={"X-Request-Id": "browser-test"},
    )
    context.set_default_timeout(5000)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"JavaScript error: {error}"))

    def on_console(message) -> None:
        # Failed loads are reported by on_response, where an expected 404 page can be told apart.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error: {message.text}")

    downloads: set[str] = set()  # attachments: the browser saves them and drops the navigation

    def on_response(response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            problems.append(f"{response.status} for {response.request.resource_type} {response.url}")
        if response.headers.get("content-disposition", "").startswith("attachment"):
            downloads.add(response.url)

    tab.on("console", on_console)
    tab.on("response", on_response)

    def on_request_failed(request) -> None:
        # the browser fetches the favicon in the background and drops it when the test moves on
        if "favicon" not in request.url and request.url not in downloads:
            problems.append(f"request failed: {request.url} {request.failure}")

    tab.on("requestfailed", on_request_failed)
    log_start = live_server.log_size()
    try:
        yield tab
    finally:
        # A test may end right after a navigation; closing the context then aborts the last page's
        # stylesheets (ERR_ABORTED) on a busy machine. Let that page finish loading first.
        from playwright.sync_api import Error as PlaywrightError

        with contextlib.suppress(PlaywrightError):  # a crash or timeout: its problems are reported below
            tab.wait_for_load_state("load")
        context.close()
    new_log = live_server.log_tail(log_start, limit=100_000)
    if "Traceback" in new_log:
        pytest.fail(f"the server logged an error during this test:\n{new_log[-4000:]}", pytrace=False)
    assert not problems, "the browser reported problems:\n" + "\n".join(problems)
