"""A member finds a community, joins an open one, asks to join a private one, is approved by a
facilitator, answers an event and downloads its calendar file; every new page type is scanned
with axe-core for WCAG 2.2 AA violations."""

from __future__ import annotations

import pytest
from icalendar import Calendar

from communities.models import Access, CommunityProposal, Membership
from tests.e2e.conftest import assert_accessible, log_in
from tests.factories.accounts import PASSWORD, UserFactory
from tests.factories.communities import add_member, make_community, make_event

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def communities():
    lead = UserFactory(display_name="Nia Evans")
    frailty = make_community("Living well with frailty", purpose="Finding frailty early and planning care together.")
    discharge = make_community(
        "Discharge stewardship group",
        access=Access.REQUEST,
        is_private=True,
        discoverable=True,
        purpose="Safer, earlier discharge home.",
    )
    add_member(lead, frailty, role=Membership.Role.FACILITATOR)
    add_member(lead, discharge, role=Membership.Role.FACILITATOR)
    event = make_event(discharge, title="Walk: testing a discharge checklist", capacity=10)
    make_event(frailty, title="Frailty webinar")
    return lead, frailty, discharge, event


def _log_in_directly(page, user) -> None:
    """Sign a browser in with a server-made session (curators' MFA login is covered by the accounts tests)."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    base = page.url if page.url.startswith("http") else None
    page.context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base or _BASE_URL[0]}]
    )


_BASE_URL: list[str] = []


@pytest.fixture(autouse=True)
def _remember_base_url(live_server):
    _BASE_URL[:] = [live_server.url]


def test_find_join_request_approved_rsvp_and_download_ics(page, member, communities):
    lead, _frailty, discharge, event = communities
    log_in(page, member.email, PASSWORD)
    page.goto("/")
    page.get_by_role("link", name="Communities", exact=True).first.click()
    assert_accessible(page)
    page.get_by_label("Name or topic").fill("frailty")
    page.get_by_role("button", name="Apply filters").click()
    page.get_by_role("link", name="Living well with frailty").click()
    assert_accessible(page)
    page.get_by_role("button", name="Join this community").click()
    assert page.get_by_text("You have joined Living well with frailty").is_visible()

    page.goto("/communities/")
    page.get_by_role("link", name="Discharge stewardship group").click()
    assert_accessible(page)  # the teaser a private, discoverable community shows outsiders
    page.get_by_role("link", name="Ask to join").click()
    assert_accessible(page)
    page.get_by_label("Message to the facilitators (optional)").fill("Ward sister on 7B, keen to help.")
    page.get_by_role("button", name="Send request").click()
    assert page.get_by_text("Your request has been sent").is_visible()

    # The facilitator approves, in their own browser context.
    facilitator_page = page.context.browser.new_context(base_url=page.url.split("/communities")[0]).new_page()
    log_in(facilitator_page, lead.email, PASSWORD)
    facilitator_page.goto(f"/communities/{discharge.slug}/requests/")
    assert_accessible(facilitator_page)
    facilitator_page.get_by_role("button", name=f"Approve {member.display_name}").click()
    assert facilitator_page.get_by_text(f"{member.display_name} is now a member").is_visible()
    facilitator_page.context.close()

    page.goto(discharge.url)
    assert page.get_by_text("You are a member").is_visible()
    page.get_by_role("link", name="Walk: testing a discharge checklist").click()
    assert_accessible(page)
    page.get_by_role("button", name="I am going").click()
    assert page.get_by_text("You are going").first.is_visible()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to your calendar (.ics file)").click()
    path = download_info.value.path()
    calendar = Calendar.from_ical(path.read_bytes())
    (vevent,) = calendar.walk("VEVENT")
    assert str(vevent["UID"]) == f"{event.uid}@boost"
    assert not page.js_errors


@pytest.mark.parametrize(
    "path",
    [
        "/communities/{slug}/members/",
        "/communities/{slug}/events/",
        "/communities/{slug}/events/new/",
        "/communities/{slug}/events/{event}/edit/",
        "/communities/{slug}/events/{event}/cancel/",
        "/communities/{slug}/invite/",
        "/communities/{slug}/leave/",
        "/communities/propose/",
        "/me/",
    ],
)
def test_facilitator_page_types_are_accessible(page, communities, path):
    lead, _frailty, discharge, event = communities
    log_in(page, lead.email, PASSWORD)
    page.goto(path.format(slug=discharge.slug, event=event.pk))
    assert_accessible(page)


def test_event_form_errors_are_accessible(page, communities):
    lead, frailty, _discharge, _event = communities
    log_in(page, lead.email, PASSWORD)
    page.goto(f"/communities/{frailty.slug}/events/new/")
    page.get_by_role("button", name="Save event").click()
    assert page.locator(".nhsuk-error-summary").is_visible()
    assert_accessible(page)


def test_curator_review_pages_and_invitation_are_accessible(page, curator, member, communities):
    from communities import services

    lead, _frailty, discharge, _event = communities
    proposal = services.propose_community(user=member, name="Falls prevention", purpose="Stopping falls at home.")
    _, token = services.invite(actor=lead, community=discharge, email="new@nhs.net")
    page.goto(f"/communities/invitations/{token}/")
    assert_accessible(page)
    _log_in_directly(page, curator)
    page.goto("/communities/proposals/")
    assert_accessible(page)
    page.goto(f"/communities/proposals/{proposal.pk}/")
    assert_accessible(page)
    assert CommunityProposal.objects.count() == 1


def test_join_works_without_javascript(nojs_page, member, communities):
    _, frailty, _, _ = communities
    log_in(nojs_page, member.email, PASSWORD)
    nojs_page.goto(frailty.url)
    nojs_page.get_by_role("button", name="Join this community").click()
    nojs_page.wait_for_load_state()
    assert "You have joined" in nojs_page.content()
