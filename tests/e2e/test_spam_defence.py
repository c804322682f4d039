"""The honeypot and the 429 page in Chromium: no axe violations, and the keyboard never meets the box."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.mark.parametrize("url", ["/accounts/signup/", "/accounts/password/reset/"])
def test_the_honeypot_is_accessible_and_out_of_the_tab_order(page, url):
    page.goto(url)
    assert_accessible(page)
    # Drawn inside a 1×1 pixel clipped container (the design system's visually-hidden), so nobody sees it.
    container = page.locator('div[aria-hidden="true"]:has(input[name="website"])')
    assert container.count() == 1
    size = container.bounding_box()
    assert size["width"] <= 1 and size["height"] <= 1
    assert container.evaluate("element => getComputedStyle(element).overflow") == "hidden"
    focused = []
    for _ in range(25):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement && document.activeElement.name"))
    assert "website" not in focused
    assert "email" in focused  # the tabbing did reach the form


def test_the_429_page_is_accessible_and_says_when_to_try_again(page, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "anonymous_search": "1/m"}
    assert page.goto("/search/?q=discharge").status == 200
    refused = page.goto("/search/?q=discharge")
    assert refused.status == 429 and refused.headers["retry-after"]
    assert page.get_by_role("heading", level=1).inner_text() == "You have done that too many times"
    assert "Try again in" in page.content()
    assert_accessible(page)
