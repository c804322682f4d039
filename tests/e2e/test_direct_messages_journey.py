"""Direct messages in real browsers: Alice writes to Bob from his profile, they exchange messages
live over the discussion socket, then Bob blocks Alice and her next message is refused."""

from __future__ import annotations

import pytest

from tests.discussions.live import SETUP_THREAD, live_site, live_template  # noqa: F401 - fixtures
from tests.e2e.conftest import assert_accessible, log_in, open_page
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser]


def test_two_browsers_exchange_messages_then_one_blocks(browser, live_site):  # noqa: F811
    ids = live_site.run(SETUP_THREAD)
    base_url = live_site.start_server()
    alice = open_page(browser, base_url)
    bob = open_page(browser, base_url)
    try:
        log_in(alice, "alice@example.nhs.uk", PASSWORD)
        log_in(bob, "bob@example.nhs.uk", PASSWORD)
        alice.goto(f"/people/{ids['bob']}/")
        alice.get_by_role("link", name="Send a message to Bob Brown").click()
        alice.get_by_label("Your message").fill("Could I come and see your board round?")
        alice.get_by_role("button", name="Send message").click()
        alice.get_by_role("heading", name="Conversation with Bob Brown").wait_for()
        conversation_url = alice.url.split("#")[0]

        # Bob sees the unread count in the header, and opens the conversation from his inbox.
        bob.goto("/messages/")
        bob.get_by_role("link", name="Messages 1 unread").wait_for()
        assert_accessible(bob)
        bob.get_by_role("link", name="Alice Adams").click()
        bob.get_by_text("Could I come and see your board round?").wait_for()

        # Live both ways, over the discussion socket.
        bob.get_by_label("Your message").fill("Yes: Tuesday at 9, ask for me at reception.")
        bob.get_by_role("button", name="Send message").click()
        alice.locator(".boost-message__body", has_text="Tuesday at 9").wait_for()
        alice.get_by_label("Your message").fill("Thank you, see you then.")
        alice.get_by_role("button", name="Send message").click()
        bob.locator(".boost-message__body", has_text="see you then").wait_for()
        assert_accessible(bob)

        # Bob blocks Alice: her next message is refused, and nothing new reaches him.
        bob.goto(conversation_url)
        bob.get_by_role("button", name="Block Alice Adams").click()
        bob.locator("p", has_text="You have blocked Alice Adams").wait_for()
        alice.get_by_label("Your message").fill("Are you still there?")
        alice.get_by_role("button", name="Send message").click()
        alice.get_by_text("You cannot send messages in this conversation.").first.wait_for()
        bob.goto(conversation_url)
        bob.get_by_text("Thank you, see you then.").wait_for()
        assert bob.get_by_text("Are you still there?").count() == 0
        assert not alice.js_errors and not bob.js_errors
    finally:
        alice.context.close()
        bob.context.close()
