"""Browser fixtures: Playwright driving Debian's Chromium against pytest-django's live server.

Skipped, with the reason printed in the test summary, when /usr/bin/chromium is missing.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# WCAG 2.2 AA and everything below it.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(reason=f"browser tests skipped: Chromium not found at {CHROMIUM}")
    for item in items:
        if "e2e" in item.nodeid.split("/"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


def open_page(browser, base_url: str, *, javascript: bool = True):
    """A page in a fresh browser context; ``page.js_errors`` collects uncaught script errors."""
    context = browser.new_context(base_url=base_url, java_script_enabled=javascript)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda exc: page.js_errors.append(str(exc)))
    return page


@pytest.fixture
def page(browser, live_server) -> Iterator:
    page = open_page(browser, live_server.url)
    yield page
    page.context.close()


@pytest.fixture
def nojs_page(browser, live_server) -> Iterator:
    page = open_page(browser, live_server.url, javascript=False)
    yield page
    page.context.close()


def axe_violations(page) -> list[dict]:
    """Run axe-core (WCAG 2.2 AA tags) on the page and return its violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]})
    return results.response["violations"]


def assert_accessible(page) -> None:
    violations = axe_violations(page)
    summary = [f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}" for v in violations]
    assert not violations, f"axe violations on {page.url}:\n" + "\n".join(summary)


def sign_in_with_session(page, user, base_url: str) -> None:
    """Sign a browser in with a server-made session: for leads and curators, whose second factor
    the accounts journeys cover, so other journeys need not repeat it."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base_url}])


def log_in(page, email: str, password: str) -> None:
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.wait_for_load_state()
