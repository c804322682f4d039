"""Writing in a thread with JavaScript: @mention suggestions by keyboard, and editing in place.

Against Boost served by uvicorn (pages and websockets), like test_discussions_live.py.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.discussions.live import live_site, live_template  # noqa: F401 - fixtures
from tests.e2e.conftest import assert_accessible, log_in, open_page
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser]

SETUP = """
import json
from accounts.models import ProfileVisibility
from tests.factories.accounts import UserFactory
from tests.factories.discussions import join, make_community, make_thread, post
community = make_community(private=True, title="Stewardship group")
alice = UserFactory(email="alice@example.nhs.uk", display_name="Alice Adams")
bob = UserFactory(email="bob@example.nhs.uk", display_name="Bob Brown")
nadia = UserFactory(email="nadia@example.nhs.uk", display_name="Nadia Ali")
nancy = UserFactory(email="nancy@example.nhs.uk", display_name="Nancy Nurse")
hidden = UserFactory(email="nathan@example.nhs.uk", display_name="Nathan Private")
hidden.profile.visibility = ProfileVisibility.PRIVATE
hidden.profile.save()
UserFactory(email="nadine@example.nhs.uk", display_name="Nadine Outside")  # not a member
for person in (alice, bob, nadia, nancy, hidden):
    join(person, community)
thread = make_thread(alice, community, title="Crawl, walk, run", body="What helps most?")
reply = post(bob, thread, "Small tests of change.")
opening = thread.messages.order_by("id").first()
print(json.dumps({"thread": thread.pk, "community": community.pk, "opening": opening.pk, "reply": reply.pk}))
"""

BODY = """
import json
from discussions.models import Message
print(json.dumps({"body": Message.objects.get(pk=%d).body}))
"""


@pytest.fixture
def site(live_site):  # noqa: F811 - the imported fixture
    ids = live_site.run(SETUP)
    base_url = live_site.start_server()
    return live_site, base_url, ids


def _active_id(page) -> str:
    return page.evaluate("document.activeElement.id")


def test_mention_suggestions_by_keyboard(browser, site):
    _, base_url, ids = site
    page = open_page(browser, base_url)
    try:
        log_in(page, "alice@example.nhs.uk", PASSWORD)
        page.goto(f"/discussions/{ids['thread']}/")
        box = page.get_by_label("Your message")
        box.click()
        box.press_sequentially("Thanks @na", delay=30)
        listbox = page.get_by_role("listbox", name="People to mention")
        listbox.wait_for()
        assert box.get_attribute("aria-controls") == listbox.get_attribute("id")
        assert box.get_attribute("aria-autocomplete") == "list"
        options = listbox.get_by_role("option")
        # Members who let themselves be found; not the private profile, not the outsider, not Alice.
        assert options.all_inner_texts() == ["Nadia Ali", "Nancy Nurse"]
        status = page.locator("[data-mention-status]")
        assert "2 people to mention" in status.inner_text()
        assert_accessible(page)

        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
        assert options.nth(0).get_attribute("aria-selected") == "true"
        box.press("ArrowDown")
        assert box.get_attribute("aria-activedescendant") == options.nth(1).get_attribute("id")
        assert status.inner_text() == "Nancy Nurse, 2 of 2"
        box.press("ArrowDown")  # wraps round
        assert box.get_attribute("aria-activedescendant") == options.nth(0).get_attribute("id")
        box.press("ArrowUp")
        assert options.nth(1).get_attribute("aria-selected") == "true"

        box.press("Escape")
        assert listbox.is_hidden() and box.get_attribute("aria-activedescendant") is None
        assert box.input_value() == "Thanks @na"
        assert _active_id(page) == box.get_attribute("id")

        box.press_sequentially("d", delay=30)  # "@nad": only Nadia now
        expect(options).to_have_count(1)
        expect(options.nth(0)).to_have_text("Nadia Ali")
        box.press("ArrowDown")
        box.press("Enter")
        assert box.input_value() == "Thanks @[Nadia Ali] "
        assert listbox.is_hidden()
        assert status.inner_text() == "Mentioned Nadia Ali."
        box.press_sequentially("could you share the programme?")
        page.get_by_role("button", name="Send message").click()
        mention = page.locator(".boost-message__body .boost-mention", has_text="@Nadia Ali")
        mention.wait_for()
        assert not page.js_errors
    finally:
        page.context.close()


def test_mention_suggestions_when_starting_a_discussion(browser, site):
    _, base_url, ids = site
    page = open_page(browser, base_url)
    try:
        log_in(page, "bob@example.nhs.uk", PASSWORD)
        page.goto(f"/discussions/community/{ids['community']}/new/")
        box = page.get_by_label("Your first message")
        box.click()
        box.press_sequentially("Over to @nan", delay=30)
        option = page.get_by_role("option", name="Nancy Nurse")
        option.wait_for()
        option.click()  # the mouse works too
        assert box.input_value() == "Over to @[Nancy Nurse] "
        assert_accessible(page)
        assert not page.js_errors
    finally:
        page.context.close()


def test_edit_in_place_by_keyboard_seen_live_by_others(browser, site):
    live, base_url, ids = site
    thread_url = f"/discussions/{ids['thread']}/"
    alice = open_page(browser, base_url)
    bob = open_page(browser, base_url)
    try:
        log_in(alice, "alice@example.nhs.uk", PASSWORD)
        log_in(bob, "bob@example.nhs.uk", PASSWORD)
        alice.goto(thread_url)
        bob.goto(thread_url)
        alice.get_by_text("Here now: Bob Brown").wait_for()  # both sockets are open

        opening = alice.locator(f"#message-{ids['opening']}")
        edit_link = opening.get_by_role("link", name="Edit your message")
        edit_link.focus()
        alice.keyboard.press("Enter")
        editor = opening.get_by_label("Edit your message")
        editor.wait_for()
        expect(editor).to_have_value("What helps most?")
        assert _active_id(alice) == f"edit-message-{ids['opening']}"
        assert opening.locator("[data-body]").is_hidden()

        # Escape leaves it as it was and puts focus back on "Edit".
        alice.keyboard.press("Escape")
        assert editor.count() == 0
        assert opening.locator("[data-body]").is_visible()
        assert alice.evaluate("document.activeElement.textContent") == "Edit your message"

        # Too long: a clear error in the editor; the text stays, nothing is stored.
        alice.keyboard.press("Enter")
        editor.wait_for()
        expect(editor).to_be_editable()
        editor.fill("x" * 5001)
        opening.get_by_role("button", name="Save").click()
        error = opening.locator(".nhsuk-error-message")
        error.wait_for()
        assert "Messages can be at most 5,000 characters (this one has 5,001)" in error.inner_text()
        assert "nhsuk-form-group--error" in opening.locator(".boost-inline-edit .nhsuk-form-group").get_attribute(
            "class"
        )
        assert f"edit-message-{ids['opening']}-error" in editor.get_attribute("aria-describedby")
        assert editor.input_value() == "x" * 5001
        assert_accessible(alice)

        # Someone else's message (the page is tampered with to ask): the server says no, clearly.
        opening.evaluate(f"el => el.dataset.messageId = '{ids['reply']}'")
        editor.fill("Hijack")
        opening.get_by_role("button", name="Save").click()
        opening.locator(".nhsuk-error-message", has_text="You can only edit your own messages.").wait_for()
        opening.evaluate(f"el => el.dataset.messageId = '{ids['opening']}'")
        assert live.run(BODY % ids["reply"])["body"] == "Small tests of change."

        # Save: over the socket; Bob sees the edit, marked, without reloading.
        editor.fill("What helps **most** on a Friday?")
        editor.press("Tab")
        alice.keyboard.press("Enter")  # on Save
        bob_opening = bob.locator(f"#message-{ids['opening']}")
        bob_opening.locator(".boost-message__body strong", has_text="most").wait_for()
        assert bob_opening.locator(".boost-message__edited").is_visible()
        assert "on a Friday?" in bob_opening.locator(".boost-message__body").inner_text()
        editor.wait_for(state="detached")
        assert "on a Friday?" in opening.locator(".boost-message__body").inner_text()
        assert opening.locator(".boost-message__edited").is_visible()
        assert alice.evaluate("document.activeElement.textContent") == "Edit your message"
        assert alice.locator("[data-announce]").inner_text() == "Your message has been updated."
        assert live.run(BODY % ids["opening"])["body"] == "What helps **most** on a Friday?"
        assert not alice.js_errors and not bob.js_errors
    finally:
        alice.context.close()
        bob.context.close()


def test_edit_without_javascript_uses_the_edit_page(browser, site):
    live, base_url, ids = site
    page = open_page(browser, base_url, javascript=False)
    try:
        log_in(page, "alice@example.nhs.uk", PASSWORD)
        page.goto(f"/discussions/{ids['thread']}/")
        page.locator(f"#message-{ids['opening']}").get_by_role("link", name="Edit your message").click()
        page.wait_for_url(re.compile(rf"/discussions/messages/{ids['opening']}/edit/$"))
        page.get_by_label("Your message").fill("Edited the old-fashioned way.")
        page.get_by_role("button", name=re.compile("Save")).click()
        page.wait_for_load_state()
        assert "Edited the old-fashioned way." in page.locator(f"#message-{ids['opening']}").inner_text()
        assert live.run(BODY % ids["opening"])["body"] == "Edited the old-fashioned way."
    finally:
        page.context.close()
