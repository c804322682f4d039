"""Discussions in a real browser against Boost served by uvicorn (ASGI: pages and websockets).

Two Chromium pages in one thread see each other's messages, edits, reactions and typing live; a page
without JavaScript takes part by form post; the thread page passes axe-core.
"""

from __future__ import annotations

import re

import pytest

from tests.discussions.live import SETUP_THREAD, live_site, live_template  # noqa: F401 - fixtures
from tests.e2e.conftest import assert_accessible, log_in, open_page
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser]


@pytest.fixture
def site(live_site):  # noqa: F811 - the imported fixture
    ids = live_site.run(SETUP_THREAD)
    base_url = live_site.start_server()
    return live_site, base_url, ids


def test_two_people_see_each_other_live(browser, site):
    live, base_url, ids = site
    thread_url = f"/discussions/{ids['thread']}/"
    alice = open_page(browser, base_url)
    bob = open_page(browser, base_url)
    try:
        log_in(alice, "alice@example.nhs.uk", PASSWORD)
        log_in(bob, "bob@example.nhs.uk", PASSWORD)
        alice.goto(thread_url)
        bob.goto(thread_url)
        # Presence: each sees the other is here.
        alice.get_by_text("Here now: Bob Brown").wait_for()
        bob.get_by_text("Here now: Alice Adams").wait_for()

        bob.get_by_label("Your message").fill("Board round at 9 with **discharge** criteria agreed.")
        alice.get_by_text("Bob Brown is typing…").wait_for()
        bob.get_by_role("button", name="Send message").click()
        alice.locator(".boost-message__body strong", has_text="discharge").wait_for()
        # Bob's own page shows it once (ack and broadcast are the same message).
        bob.locator(".boost-message__body", has_text="Board round at 9").wait_for()
        assert bob.locator(".boost-message__body", has_text="Board round at 9").count() == 1

        alice.get_by_label("Your message").fill("That matches what we found. [Our checklist](https://www.nhs.uk/)")
        alice.get_by_role("button", name="Send message").click()
        link = bob.get_by_role("link", name="Our checklist")
        link.wait_for()
        assert link.get_attribute("rel") == "nofollow noopener"

        # Reactions arrive live.
        message = alice.locator(".boost-messages__item", has_text="Board round at 9")
        message.get_by_role("button", name=re.compile(r"^Useful idea")).click()
        bob.locator(".boost-messages__item", has_text="Board round at 9").locator(
            "button[value='idea'] [data-count], button[data-kind='idea'] [data-count]"
        ).filter(has_text="1").wait_for()

        # Every client ends with exactly what the database holds.
        stored = live.message_ids(ids["thread"])
        for page in (alice, bob):
            shown = page.locator("[data-message-id]").evaluate_all("els => els.map(e => Number(e.dataset.messageId))")
            assert sorted(shown) == stored
        assert_accessible(alice)
        assert not alice.js_errors and not bob.js_errors
    finally:
        alice.context.close()
        bob.context.close()


def test_draft_survives_a_reload(browser, site):
    _, base_url, ids = site
    page = open_page(browser, base_url)
    try:
        log_in(page, "carol@example.nhs.uk", PASSWORD)
        page.goto(f"/discussions/{ids['thread']}/")
        page.get_by_label("Your message").fill("Half-written thought")
        page.reload()
        assert page.get_by_label("Your message").input_value() == "Half-written thought"
    finally:
        page.context.close()


def test_no_javascript_reply_by_form(browser, site):
    live, base_url, ids = site
    page = open_page(browser, base_url, javascript=False)
    try:
        log_in(page, "carol@example.nhs.uk", PASSWORD)
        page.goto(f"/discussions/{ids['thread']}/")
        page.get_by_label("Your message").fill("Posting the old-fashioned way, with a list:\n\n- one\n- two")
        page.get_by_role("button", name="Send message").click()
        page.wait_for_load_state()
        assert page.locator(".boost-message__body li", has_text="two").count() == 1
        # A bad message gets a clear error and the draft back.
        page.get_by_label("Your message").fill("<script>alert(1)</script>")
        page.get_by_role("button", name="Send message").click()
        page.wait_for_load_state()
        assert page.title().startswith("Error: ")
        assert "Messages cannot contain HTML" in page.locator(".nhsuk-error-summary").inner_text()
        assert page.get_by_label("Your message").input_value() == "<script>alert(1)</script>"
        assert len(live.message_ids(ids["thread"])) == 2
    finally:
        page.context.close()
