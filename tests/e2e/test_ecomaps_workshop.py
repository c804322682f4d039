"""Workshop mode in two real browsers against Boost served by uvicorn (pages and websockets): a
facilitator starts a workshop, a member adds a station and both see each other's changes without
reloading, patched in place (drawing and text alternative) rather than by fetching the whole map;
an outsider gets 404 for the private map in every format."""

from __future__ import annotations

import pytest

from tests.discussions.live import live_site, live_template  # noqa: F401 - fixtures
from tests.e2e.conftest import assert_accessible, log_in, open_page
from tests.factories.accounts import PASSWORD

pytestmark = [pytest.mark.browser]

SETUP_MAP = """
import json
from communities.models import Membership
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map
community = make_community("Care at home", is_private=True)
alice = UserFactory(email="alice@example.nhs.uk", display_name="Alice Adams")
bob = UserFactory(email="bob@example.nhs.uk", display_name="Bob Brown")
UserFactory(email="carol@example.nhs.uk", display_name="Carol Cole")
add_member(alice, community, role=Membership.Role.FACILITATOR)
add_member(bob, community)
print(json.dumps({"map": make_map(alice, community).pk}))
"""


def test_two_members_build_a_map_together_live(browser, live_site):  # noqa: F811 - the imported fixture
    ids = live_site.run(SETUP_MAP)
    base_url = live_site.start_server()
    url = f"/maps/{ids['map']}/"
    alice = open_page(browser, base_url)
    bob = open_page(browser, base_url)
    carol = open_page(browser, base_url)
    try:
        log_in(alice, "alice@example.nhs.uk", PASSWORD)
        log_in(bob, "bob@example.nhs.uk", PASSWORD)
        alice.goto(url)
        bob.goto(url)
        # Bob is a member: no station form until the facilitator starts a workshop.
        assert bob.locator("#edit-stations").count() == 0
        alice.get_by_role("button", name="Start a workshop").click()
        bob.get_by_text("A workshop is running").wait_for()
        bob.reload()  # the forms to change the map come with the page
        # From here each page patches itself: it fetches only the changed entries, never the map.
        fetched = {"alice": [], "bob": []}
        alice.on("request", lambda request: fetched["alice"].append(request.url))
        bob.on("request", lambda request: fetched["bob"].append(request.url))
        bob.locator("#id_station-name").fill("Carers' centre")
        bob.locator("#id_station-key").fill("carers")
        bob.locator("#id_station-kind").select_option("organisation")
        bob.get_by_role("button", name="Add the station").click()
        # Alice never reloads: Bob's station arrives, and the change is announced.
        alice.locator("#station-carers").wait_for()
        assert "Added the station “Carers' centre” (Bob Brown)" in alice.locator(".ecomap-live__status").text_content()
        assert alice.locator("#ecomap-counts").text_content().startswith("7 stations")
        assert alice.locator(".ecomap-drawing #ecomap-station-carers").count() == 1
        assert alice.locator(".ecomap-drawing #ecomap-label-carers").text_content() == "Carers' centre"
        assert any("/entries/?station=carers" in u for u in fetched["alice"]), fetched["alice"]
        assert not [u for u in fetched["alice"] if u.endswith(url)], "Alice's page fetched the whole map"
        # The new station can be annotated at once: the "Pinned to" list was patched too.
        assert alice.locator('#id_note-target option[value="station:carers"]').count() == 1

        alice.locator("#id_journey-name").fill("Mrs C, supported by her carer")
        alice.locator("#id_journey-key").fill("mrs-c")
        alice.locator("#id_journey-stops").fill("gp, carers, home")
        fetched["bob"].clear()  # Bob's own change above reloaded his page; this one must not
        alice.get_by_role("button", name="Save the journey").click()
        bob.locator("#journey-mrs-c").wait_for()
        assert bob.locator("#steps-mrs-c > li").count() == 3
        assert bob.locator(".ecomap-drawing #ecomap-journey-mrs-c").count() == 1
        # The stations it stops at list it among the journeys through them.
        assert "Mrs C, supported by her carer" in bob.locator("#station-carers").text_content()
        assert any("/entries/?journey=mrs-c" in u for u in fetched["bob"]), fetched["bob"]
        assert not [u for u in fetched["bob"] if u.endswith(url)], "Bob's page fetched the whole map"
        assert_accessible(bob)
        assert not alice.js_errors and not bob.js_errors

        # An outsider: 404 for the map and every export of it.
        log_in(carol, "carol@example.nhs.uk", PASSWORD)
        for suffix in ("", "map.svg", "map.png", "map.json", "map.csv", "work/", "changes/"):
            response = carol.request.get(f"{base_url}{url}{suffix}")
            assert response.status == 404, suffix
    finally:
        for page in (alice, bob, carol):
            page.context.close()
