"""Private communities stay private on every path: a matrix of who asks and what they ask for.

Outsiders get 404 (never 403, no hint the community exists); a discoverable private community
shows outsiders its title and purpose and nothing else.
"""

from __future__ import annotations

import pytest

from communities.models import Access, Membership
from tests.factories.accounts import UserFactory
from tests.factories.communities import add_member, make_community, make_event

pytestmark = pytest.mark.django_db

VIEWERS = ["anonymous", "non_member", "pending", "member", "facilitator", "curator", "admin"]
INSIDERS = {"member", "facilitator", "curator", "admin"}
MODERATORS = {"facilitator", "curator", "admin"}

# (name, path template, who gets 200 besides moderators)
READ_PATHS = [
    ("page", "/communities/{slug}/"),
    ("members", "/communities/{slug}/members/"),
    ("events", "/communities/{slug}/events/"),
    ("event", "/communities/{slug}/events/{event}/"),
    ("event_ics", "/communities/{slug}/events/{event}/event.ics"),
    ("feed", "/communities/{slug}/calendar.ics"),
]
MODERATOR_PATHS = [
    ("requests", "/communities/{slug}/requests/"),
    ("invite", "/communities/{slug}/invite/"),
    ("event_new", "/communities/{slug}/events/new/"),
    ("event_edit", "/communities/{slug}/events/{event}/edit/"),
    ("event_cancel", "/communities/{slug}/events/{event}/cancel/"),
]


@pytest.fixture
def world(curator, admin_user):
    community = make_community(
        "Hidden stroke group", access=Access.REQUEST, is_private=True, purpose="Top secret allocation work."
    )
    event = make_event(community, title="Secret scoring session")
    people = {"anonymous": None, "curator": curator, "admin": admin_user}
    for key, state, role in [
        ("non_member", None, None),
        ("pending", Membership.State.PENDING, Membership.Role.MEMBER),
        ("member", Membership.State.ACTIVE, Membership.Role.MEMBER),
        ("facilitator", Membership.State.ACTIVE, Membership.Role.FACILITATOR),
    ]:
        person = UserFactory()
        if state:
            add_member(person, community, role=role, state=state)
        people[key] = person
    return community, event, people


def _client_for(client, people, viewer):
    if people[viewer] is not None:
        client.force_login(people[viewer])
    return client


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("name", "path"), READ_PATHS)
def test_private_content_is_404_to_outsiders(client, world, viewer, name, path):
    community, event, people = world
    response = _client_for(client, people, viewer).get(path.format(slug=community.slug, event=event.pk))
    if viewer in INSIDERS:
        assert response.status_code == 200, (viewer, name)
    else:
        assert response.status_code == 404, (viewer, name)
        assert b"Secret scoring" not in response.content


@pytest.mark.parametrize("viewer", VIEWERS)
@pytest.mark.parametrize(("name", "path"), MODERATOR_PATHS)
def test_management_pages_only_for_facilitators_curators_admins(client, world, viewer, name, path):
    community, event, people = world
    response = _client_for(client, people, viewer).get(path.format(slug=community.slug, event=event.pk))
    assert response.status_code == (200 if viewer in MODERATORS else 404), (viewer, name)


@pytest.mark.parametrize("viewer", VIEWERS)
def test_hidden_private_community_is_absent_from_directory_home_and_profiles(client, world, viewer):
    community, _event, people = world
    client = _client_for(client, people, viewer)
    directory = client.get("/communities/").content.decode()
    home = client.get("/").content.decode()
    facilitator_profile = client.get(f"/people/{people['facilitator'].pk}/").content.decode()
    visible = viewer in INSIDERS
    assert (community.title in directory) is visible
    assert ("Secret scoring session" in home) is visible
    assert (community.title in facilitator_profile) is visible


@pytest.mark.parametrize("viewer", VIEWERS)
def test_hidden_private_community_join_paths_are_404(client, world, viewer):
    community, event, people = world
    client = _client_for(client, people, viewer)
    if viewer in INSIDERS:
        return  # members and overseers are covered by the membership tests
    assert client.post(f"/communities/{community.slug}/join/").status_code == 404
    assert client.get(f"/communities/{community.slug}/request/").status_code == 404
    assert client.post(f"/communities/{community.slug}/events/{event.pk}/", {"answer": "going"}).status_code == 404


@pytest.mark.parametrize("viewer", ["anonymous", "non_member", "pending"])
def test_discoverable_private_community_shows_only_title_and_purpose(client, world, viewer):
    community, event, people = world
    community.discoverable = True
    community.save()
    client = _client_for(client, people, viewer)
    directory = client.get("/communities/").content.decode()
    assert community.title in directory and "Top secret allocation work." in directory
    page = client.get(f"/communities/{community.slug}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Top secret allocation work." in html
    assert "Secret scoring session" not in html
    assert people["facilitator"].display_name not in html
    for _, path in READ_PATHS[1:]:
        assert client.get(path.format(slug=community.slug, event=event.pk)).status_code == 404
    if viewer == "non_member":
        assert client.get(f"/communities/{community.slug}/request/").status_code == 200


def test_draft_community_is_404_even_for_members(client, member):
    draft = make_community("Not yet", live=False)
    add_member(member, draft)
    client.force_login(member)
    assert client.get(f"/communities/{draft.slug}/events/").status_code == 404
