"""Layout checks in Chromium on every page type, at 375 and 1280 px (``layout_checks.js``).

Nothing sticks out past the main column or the viewport; no text below 14 px (chart text at
least 12 px); every target at least 24 × 24 px (WCAG 2.2, with its inline and spacing
exceptions); every image has alt text and every link a name.

The pages are the gallery's (``boost/gallery.py``): one demo site for the whole run (its own
SQLite database and a uvicorn server, built once), one browser, one signed-in context per kind
of visitor. Each page type is checked as the visitor who sees the most of it, and the home page
also signed out (the header differs). Wagtail's own admin is left to Wagtail.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from boost.gallery import PAGE_TYPES, WIDTHS, DemoSite, show, signed_in_context

pytestmark = pytest.mark.browser

CHECKS = (Path(__file__).with_name("layout_checks.js")).read_text()


def _visitor(page_type) -> str:
    for audience in ("member", "facilitator", "signed-out"):
        if audience in page_type.audiences:
            return audience
    return page_type.audiences[0]


CASES = [(p.key, _visitor(p)) for p in PAGE_TYPES if not p.admin] + [("home", "signed-out")]


@pytest.fixture(scope="session")
def demo_site() -> Iterator[DemoSite]:
    site = DemoSite()
    site.start()
    yield site
    site.stop()


@pytest.fixture(scope="session")
def visitor_contexts(browser, demo_site) -> Iterator[dict]:
    contexts: dict = {}

    def context_for(audience: str):
        if audience not in contexts:
            contexts[audience] = signed_in_context(browser, demo_site, audience)
        return contexts[audience]

    yield context_for
    for context in contexts.values():
        context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("key", "audience"), CASES, ids=[f"{key}-{audience}" for key, audience in CASES])
def test_layout(visitor_contexts, demo_site, key, audience, width):
    page = visitor_contexts(audience).new_page()
    try:
        status = show(page, demo_site.urls[key], width)
        assert status == 200, f"{demo_site.urls[key]} answered {status}"
        problems = page.evaluate(CHECKS)
    finally:
        page.close()
    assert not problems, f"{demo_site.urls[key]} at {width}px as {audience}:\n" + "\n".join(problems[:40])


def test_header_menu_folds_on_a_phone(visitor_contexts, demo_site):
    """nhsuk-frontend's header script runs: on a phone the menu folds behind "More"."""
    page = visitor_contexts("signed-out").new_page()
    try:
        show(page, "/", 375)
        assert page.locator(".nhsuk-header__menu-toggle").is_visible()
        assert page.evaluate("document.body.classList.contains('nhsuk-frontend-supported')")
    finally:
        page.close()


def test_signed_in_header_bell_and_cells(visitor_contexts, demo_site):
    """The bell is drawn in the header's text colour (not link blue on dark blue), its count is
    centred on the line, and the account cells share the row evenly."""
    page = visitor_contexts("member").new_page()
    try:
        show(page, "/", 1280)
        header = page.evaluate(
            """() => {
              const link = document.querySelector('.boost-bell .nhsuk-header__account-link');
              const icon = link.querySelector('svg');
              const count = link.querySelector('.boost-bell__count');
              const middle = (box) => box.top + box.height / 2;
              return {
                fill: getComputedStyle(icon).fill,
                colour: getComputedStyle(link).color,
                offset: Math.abs(middle(count.getBoundingClientRect()) - middle(link.getBoundingClientRect())),
                widths: [...document.querySelectorAll('.nhsuk-header__account-item')].map(
                  (item) => item.getBoundingClientRect().width),
              };
            }"""
        )
    finally:
        page.close()
    assert header["fill"] == header["colour"] == "rgb(255, 255, 255)"
    assert header["offset"] <= 1.5
    assert max(header["widths"]) - min(header["widths"]) <= 2


def test_search_button_is_as_tall_as_the_box(visitor_contexts, demo_site):
    page = visitor_contexts("member").new_page()
    try:
        for width in WIDTHS:
            show(page, demo_site.urls["search"], width)
            box = page.locator("#search-page-field").bounding_box()
            button = page.locator(".boost-search-form__row .nhsuk-button").bounding_box()
            assert abs(box["height"] - button["height"]) <= 1, (width, box, button)
            assert abs(box["y"] - button["y"]) <= 1
    finally:
        page.close()
