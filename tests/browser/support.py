"""What browser tests share: logging in, keyboard steps, the axe-core check, screenshots.

Playwright is imported lazily (inside the functions), so this module imports on a machine
without it and the tests can skip with a reason instead of erroring at collection.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

DEMO_PASSWORD = "browser-demo-password"  # a throwaway password for the temporary database
SCREENSHOT_DIR = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

# axe-core impacts that fail a test (WCAG 2.1 AA as enforced by this suite); lower ones are reported.
FAILING_IMPACTS = ("serious", "critical")
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]},
}


def log_in(page: Any, username: str, password: str = DEMO_PASSWORD, *, next_path: str = "/cases") -> None:
    """Log in through the login form, as a person would, and wait for the page behind it.

    The one place that knows the login steps: when MFA arrives, add the code step here.
    """
    page.goto(f"/login?next={next_path}")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"**{next_path}*")


DUTCH_MONTHS = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
]


def iso_date(dutch: str) -> str:
    """``"3 maart 1990"`` (a date as the UI shows it) as ``"1990-03-03"`` (what a date field takes)."""
    day, month, year = dutch.split(",")[0].split()
    return f"{int(year):04d}-{DUTCH_MONTHS.index(month) + 1:02d}-{int(day):02d}"


def choose_language(page: Any, language: str) -> None:
    """Switch the UI language with the selector in the header (``"nl"`` or ``"en"``)."""
    page.locator("#cb-locale").select_option(language)
    page.locator("form.cb-lang button[type=submit]").click()
    page.wait_for_load_state()


def focused(page: Any) -> dict[str, str]:
    """Tag, id, name, text and focus styles of the element that has the keyboard focus."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            return {
                tag: el.tagName.toLowerCase(), id: el.id || "", name: el.getAttribute("name") || "",
                text: (el.innerText || el.value || "").trim().slice(0, 60),
                outlineStyle: style.outlineStyle, outlineWidth: style.outlineWidth,
                boxShadow: style.boxShadow,
            };
        }"""
    )


def assert_focus_visible(page: Any) -> None:
    """The focused element shows a focus indicator: an outline of 2px or more, or a box-shadow."""
    state = focused(page)
    width = float(state["outlineWidth"].removesuffix("px") or 0)
    has_outline = state["outlineStyle"] not in ("none", "") and width >= 2
    assert has_outline or state["boxShadow"] not in ("none", ""), f"no visible focus indicator on {state}"


def tab_to(page: Any, selector: str, *, max_presses: int = 40, backwards: bool = False) -> list[dict[str, str]]:
    """Press Tab until the element matching ``selector`` has the focus; return the elements passed.

    Each element on the way must show a visible focus. Tab past the last element moves the focus
    out of the page to the browser's own controls (``document.activeElement`` is then ``<body>``)
    and the next Tab wraps to the top, as it does for a person: that step is no element of the page
    and needs no indicator. Fails when the element is not reached within ``max_presses``
    (unreachable by keyboard, or a keyboard trap).
    """
    page.wait_for_load_state()  # a Tab pressed while the page still loads starts from wherever it lands
    target = page.locator(selector)
    passed = []
    for _ in range(max_presses):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        state = focused(page)
        passed.append(state)
        if state["tag"] == "body":
            continue  # out of the page, in the browser's controls; the next Tab wraps around
        assert_focus_visible(page)
        if target.evaluate("el => el === document.activeElement"):
            return passed
    raise AssertionError(f"{selector} not reached with {max_presses} Tab presses; focus went through {passed}")


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (bundled with axe-playwright-python, no network) on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    return Axe().run(page, options=AXE_OPTIONS).response["violations"]


def format_violations(violations: list[dict[str, Any]], page_name: str) -> str:
    lines = [f"axe-core found {len(violations)} violation(s) on {page_name}:"]
    for violation in violations:
        lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"][:5]:
            summary = " ".join(node.get("failureSummary", "").split())
            lines.append(f"    at {', '.join(map(str, node['target']))}: {summary}")
            lines.append(f"       {node['html'][:160]}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    … and {len(violation['nodes']) - 5} more elements")
    return "\n".join(lines)


def assert_accessible(page: Any, page_name: str) -> list[dict[str, Any]]:
    """Fail on any axe-core violation of impact serious or critical; return the minor ones."""
    violations = axe_violations(page)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, format_violations(failing, page_name)
    return [v for v in violations if v["impact"] not in FAILING_IMPACTS]


def save_screenshot(page: Any, name: str) -> Path:
    """Write ``docs/screenshots/<name>.png`` (the whole page), for the README."""
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    return path
