"""A busy convening day in a real browser: two pages keep up with a thread receiving 20 messages a
second (issue 19), each ending with exactly the messages the database holds."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from tests.discussions.live import (  # noqa: F401 - fixtures
    SESSIONS,
    SETUP_THREAD,
    LiveClient,
    live_site,
    live_template,
    run_in_own_loop,
    until,
)
from tests.e2e.conftest import log_in, open_page
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser]

RATE = 20  # messages a second
SECONDS = 5


async def _feed(base_url: str, thread_id: int, session: str) -> int:
    """Carol's socket posts RATE messages a second for SECONDS seconds; returns once all are acknowledged."""
    carol = LiveClient("carol", base_url, thread_id, session, 0)
    carol.start()
    try:
        assert await until(lambda: carol.socket is not None, 20)
        loop = asyncio.get_running_loop()
        start = loop.time()
        for n in itertools.count():
            if n >= RATE * SECONDS:
                break
            await asyncio.sleep(max(0.0, start + n / RATE - loop.time()))
            await carol.post(f"busy-{n}", f"Busy message {n}")
        assert await until(lambda: not carol.outbox, 60), f"{len(carol.outbox)} never acknowledged"
        return RATE * SECONDS
    finally:
        await carol.stop()


def test_two_pages_keep_up_with_twenty_messages_a_second(browser, live_site):  # noqa: F811
    ids = live_site.run(SETUP_THREAD)
    base_url = live_site.start_server({"LIVE_NO_RATE_LIMIT": "1"})
    sessions = live_site.run(SESSIONS % [ids["carol"]])
    thread_url = f"/discussions/{ids['thread']}/"
    alice = open_page(browser, base_url)
    bob = open_page(browser, base_url)
    try:
        log_in(alice, "alice@example.nhs.uk", PASSWORD)
        log_in(bob, "bob@example.nhs.uk", PASSWORD)
        alice.goto(thread_url)
        bob.goto(thread_url)
        alice.get_by_text("Here now: Bob Brown").wait_for()
        bob.get_by_text("Here now: Alice Adams").wait_for()

        sent = run_in_own_loop(_feed(base_url, ids["thread"], sessions[str(ids["carol"])]), timeout=120)
        stored = live_site.message_ids(ids["thread"])
        assert len(stored) == 1 + RATE * SECONDS == 1 + sent
        for page in (alice, bob):
            # Live, without a reload: every stored message shown once, in order.
            page.wait_for_function(
                "count => document.querySelectorAll('[data-message-id]').length >= count",
                arg=len(stored),
                timeout=30_000,
            )
            shown = page.locator("[data-message-id]").evaluate_all("els => els.map(e => Number(e.dataset.messageId))")
            assert shown == stored
        assert not alice.js_errors and not bob.js_errors
    finally:
        alice.context.close()
        bob.context.close()
