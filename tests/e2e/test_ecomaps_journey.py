"""Browser checks for eco-maps: axe on the map page in both views and on its changes, review and
import pages; a keyboard walk along a journey with screen-reader announcements; the text comes
first at phone width."""

from __future__ import annotations

import pytest

from communities.models import Membership
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories.accounts import PASSWORD
from tests.factories.communities import add_member, make_community
from tests.factories.ecomaps import make_map

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_keyboard_walks_along_a_journey_and_every_view_passes_axe(page, facilitator):
    community = make_community("Care at home", is_private=True)
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    ecomap = make_map(facilitator, community)
    log_in(page, facilitator.email, PASSWORD)
    page.goto(f"/maps/{ecomap.pk}/")
    assert_accessible(page)
    steps = page.locator("#steps-mrs-a > li")
    assert steps.nth(0).get_attribute("tabindex") == "0" and steps.nth(1).get_attribute("tabindex") == "-1"
    steps.nth(0).focus()
    announcer = page.locator("#ecomap-announcer")
    assert announcer.text_content() == (
        "Mrs A, waiting after discharge: step 1 of 6, Hospital ward. Next: Discharge hub."
    )
    assert page.locator('#ecomap-station-ward[aria-current="true"]').count() == 1
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.dataset.station") == "scheduling"
    assert announcer.text_content().startswith("Mrs A, waiting after discharge: step 3 of 6, Care scheduling system.")
    assert page.locator('#ecomap-station-scheduling[aria-current="true"]').count() == 1
    page.keyboard.press("End")
    assert announcer.text_content().endswith("End of the journey.")
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.dataset.station") == "ward"
    assert not page.js_errors
    for path in ["?view=list", "changes/", "review/", "suggestions/", "import/", "journeys/mrs-a/edit/"]:
        page.goto(f"/maps/{ecomap.pk}/{path}")
        assert_accessible(page)
    # At phone width the text comes before the drawing on screen, not only in the source.
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"/maps/{ecomap.pk}/")
    text_top = page.locator("#text-heading").bounding_box()["y"]
    drawing_top = page.locator("#drawing-heading").bounding_box()["y"]
    assert text_top < drawing_top
    assert_accessible(page)
