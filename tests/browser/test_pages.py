"""Every main page (tests/browser/pages.py): no serious or critical axe-core violation, a title that
says where the user is, one h1, and its screenshot for the README (one visit per page)."""

from __future__ import annotations

import pytest

from tests.browser.pages import MAIN_PAGES, MainPage
from tests.browser.support import assert_accessible, save_screenshot

pytestmark = pytest.mark.browser

ERROR_PREFIXES = ("Fout: ", "Error: ")


def assert_title_names_the_page(page, main_page: MainPage) -> None:
    headings = page.get_by_role("heading", level=1)
    assert headings.count() == 1, f"{main_page}: expected one h1, found {headings.all_inner_texts()}"
    heading = headings.inner_text()
    assert main_page.heading in heading, f"{main_page}: h1 {heading!r} should contain {main_page.heading!r}"
    title = page.title()
    where, _, site = title.rpartition(" · ")
    assert site == "Casebook", f"{main_page}: title {title!r} should end in ' · Casebook'"
    has_errors = page.locator(".cb-error-summary").count() > 0
    assert where.startswith(ERROR_PREFIXES) == has_errors, (
        f"{main_page}: title {title!r} must start with 'Fout: ' exactly when the page shows form errors"
    )
    for prefix in ERROR_PREFIXES:
        where = where.removeprefix(prefix)
    assert where and where in heading, f"{main_page}: title {title!r} should name the page, as its h1 {heading!r} does"


def assert_ids_unique(page, main_page: MainPage) -> None:
    """No id appears twice: a label (or aria-describedby) pointing at a duplicated id names the wrong field.

    axe-core 4.9+ no longer reports duplicate ids, and two forms on one page (the case page's sections,
    the signal's person search and new-person form) have made exactly this mistake.
    """
    duplicates = page.evaluate(
        """() => {
            const seen = {};
            // Hidden inputs (each form's csrf_token) are never labelled or described: not counted.
            for (const el of document.querySelectorAll("[id]:not(input[type=hidden])")) {
                seen[el.id] = (seen[el.id] || 0) + 1;
            }
            return Object.keys(seen).filter((id) => seen[id] > 1);
        }"""
    )
    assert not duplicates, f"{main_page}: ids used more than once: {duplicates}"


@pytest.mark.parametrize("main_page", MAIN_PAGES, ids=str)
def test_main_page(page, main_page: MainPage):
    main_page.open(page)
    assert_title_names_the_page(page, main_page)
    assert_ids_unique(page, main_page)
    assert_accessible(page, str(main_page))
    if main_page.screenshot:
        path = save_screenshot(page, main_page.screenshot)
        assert path.stat().st_size > 5000


def test_axe_check_fails_with_a_readable_message(page):
    """The check can fail: an unlabelled field is a critical violation, reported with where and why."""
    page.set_content(
        '<html lang="nl"><head><title>t</title></head><body><main><input type="text"></main></body></html>'
    )
    with pytest.raises(AssertionError) as failure:
        assert_accessible(page, "a broken page")
    message = str(failure.value)
    assert "axe-core found 1 violation(s) on a broken page:" in message
    assert "[critical] label: Form elements must have labels" in message
    assert "at input: Fix any of the following" in message
