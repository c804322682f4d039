"""Rate limits: under the limit each action works; over it the answer is 429 and nothing changes."""

from __future__ import annotations

import asyncio

import pytest
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.core import checks
from django.urls import reverse

from boost.apps import check_rate_limits
from boost.ratelimit import Rate, count_in_window, parse_rate
from communities.models import Access, CommunityProposal, Invitation, Membership
from discussions.models import Flag
from discussions.routing import websocket_urlpatterns
from tests.factories.communities import add_member, make_community
from tests.factories.discussions import join, make_thread, post
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def limit(settings):
    """Set one action's limit for this test."""

    def set_limit(action: str, rate: str) -> None:
        settings.RATE_LIMITS = {**settings.RATE_LIMITS, action: rate}

    return set_limit


def assert_429(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 86400
    page = response.content.decode()
    assert "You have done that too many times" in page
    assert "Nothing was saved or sent" in page and "Try again in" in page


def test_rates_parse_and_a_bad_one_stops_start_up(settings):
    assert parse_rate("20/h") == Rate(20, 3600)
    assert parse_rate("5/10m") == Rate(5, 600)
    assert parse_rate("0") is None and parse_rate("") is None
    assert Rate(5, 600).period == "10 minutes" and Rate(20, 3600).period == "an hour"
    for bad in ("many/h", "5/w", "5", "0/h"):
        with pytest.raises(ValueError):
            parse_rate(bad)
    settings.RATE_LIMITS = {"flags": "twenty an hour"}
    [error] = check_rate_limits()
    assert isinstance(error, checks.Error) and "flags" in error.msg


def test_the_counter_is_a_fixed_window_with_the_time_left():
    assert count_in_window("probe", 60, now=1200.0) == (1, 60)
    assert count_in_window("probe", 60, now=1230.5) == (2, 30)
    # The next window starts again from one.
    assert count_in_window("probe", 60, now=1260.0) == (1, 60)


def test_invitations(client, facilitator, limit, mailoutbox):
    limit("invitations", "2/h")
    community = make_community("Frailty network")
    add_member(facilitator, community, role=Membership.Role.FACILITATOR)
    client.force_login(facilitator)
    url = reverse("communities:invite", args=[community.slug])
    for n in range(2):
        assert client.post(url, {"email": f"person{n}@nhs.net"}).status_code == 302
    assert Invitation.objects.count() == 2
    sent = len(mailoutbox)
    response = client.post(url, {"email": "one.more@nhs.net"})
    assert_429(response)
    assert "send invitations up to 2 times an hour" in response.content.decode()
    assert Invitation.objects.count() == 2 and len(mailoutbox) == sent
    assert not Invitation.objects.filter(email="one.more@nhs.net").exists()


def test_community_proposals(client, member, limit):
    limit("community_proposals", "1/d")
    client.force_login(member)
    url = reverse("communities:propose")
    assert client.post(url, {"name": "Falls", "purpose": "Stopping falls.", "access": "open"}).status_code == 302
    response = client.post(url, {"name": "Frailty", "purpose": "Frailty at home.", "access": "open"})
    assert_429(response)
    assert list(CommunityProposal.objects.values_list("name", flat=True)) == ["Falls"]


def test_join_requests(client, member, limit):
    limit("join_requests", "2/h")
    communities = [make_community(f"Network {n}", access=Access.REQUEST, discoverable=True) for n in range(3)]
    client.force_login(member)
    for community in communities[:2]:
        assert client.post(reverse("communities:request", args=[community.slug]), {"message": "Hi"}).status_code == 302
    response = client.post(reverse("communities:request", args=[communities[2].slug]), {"message": "Hi"})
    assert_429(response)
    assert Membership.objects.filter(user=member, state=Membership.State.PENDING).count() == 2
    assert not Membership.objects.filter(user=member, community=communities[2]).exists()


@pytest.fixture
def messages(db, member, other_member):
    community = make_community("Discharge")
    join(member, community)
    join(other_member, community)
    thread = make_thread(other_member, community, title="Criteria-led discharge")
    return thread, [post(other_member, thread, body=f"Message {n}") for n in range(3)]


def test_flags(client, member, messages, limit):
    limit("flags", "2/h")
    _, theirs = messages
    client.force_login(member)
    for message in theirs[:2]:
        assert client.post(reverse("discussions:flag", args=[message.pk]), {"reason": "Check"}).status_code == 302
    response = client.post(reverse("discussions:flag", args=[theirs[2].pk]), {"reason": "Check"})
    assert_429(response)
    assert Flag.objects.filter(user=member).count() == 2 and not theirs[2].flags.exists()


@pytest.mark.django_db(transaction=True)
async def test_flags_over_the_socket_get_an_error_event_and_the_socket_stays_open(member, messages, limit):
    from channels.db import database_sync_to_async

    limit("flags", "1/h")
    thread, theirs = messages
    socket = WebsocketCommunicator(URLRouter(websocket_urlpatterns), f"/ws/discussions/thread/{thread.pk}/")
    socket.scope["user"] = member
    assert (await socket.connect())[0]

    async def answer(ref: str) -> dict:
        while True:
            frame = await socket.receive_json_from(timeout=5)
            if frame.get("ref") == ref:
                return frame

    await socket.send_json_to({"action": "flag", "id": theirs[0].pk, "reason": "Check", "ref": "a"})
    assert (await answer("a"))["type"] != "error"
    await socket.send_json_to({"action": "flag", "id": theirs[1].pk, "reason": "Check", "ref": "b"})
    refused = await answer("b")
    assert refused["type"] == "error" and refused["code"] == "rate_limited"
    assert refused["retry_after"] >= 1 and "flag messages up to 1 times an hour" in refused["message"]
    await socket.send_json_to({"action": "ping", "ref": "c"})
    assert (await asyncio.wait_for(answer("c"), 5))["type"] == "pong"
    assert await database_sync_to_async(Flag.objects.filter(user=member).count)() == 1
    await socket.disconnect()


def test_contacting_a_team(client, member, other_member, limit, mailoutbox):
    limit("contact_team", "1/h")
    project = make_project(member)
    client.force_login(other_member)
    url = reverse("projects:contact", args=[project.pk])
    assert client.post(url, {"message": "How did you staff it?"}).status_code == 302
    assert len(mailoutbox) == 1
    assert_429(client.post(url, {"message": "And one more thing"}))
    assert len(mailoutbox) == 1


def test_anonymous_search_is_limited_per_address_and_signed_in_search_is_not(client, member, limit):
    limit("anonymous_search", "2/m")
    for _ in range(2):
        assert client.get("/search/", {"q": "discharge"}).status_code == 200
    assert_429(client.get("/search/", {"q": "discharge"}))
    api = client.get("/search/api/", {"q": "discharge"})
    assert api.status_code == 429 and "Try again in" in api.json()["error"] and api["Retry-After"]
    # Another address has its own budget.
    assert client.get("/search/", {"q": "discharge"}, REMOTE_ADDR="10.1.2.3").status_code == 200
    client.force_login(member)
    for _ in range(3):
        assert client.get("/search/", {"q": "discharge"}).status_code == 200


def test_anonymous_suggestions_have_their_own_budget(client, limit):
    limit("anonymous_suggest", "1/m")
    assert client.get("/search/suggest/", {"q": "dis"}).status_code == 200
    refused = client.get("/search/suggest/", {"q": "disc"})
    assert refused.status_code == 429 and refused["Retry-After"]
    assert client.get("/search/", {"q": "discharge"}).status_code == 200


def test_a_limit_of_zero_switches_it_off(client, limit):
    limit("anonymous_search", "0")
    for _ in range(5):
        assert client.get("/search/", {"q": "discharge"}).status_code == 200
