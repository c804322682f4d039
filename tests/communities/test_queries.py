"""The directory, a community page and the member directory run a constant number of queries,
at small data and at 100x (communities, members, events, discussion threads and messages)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Profile, User
from communities.models import Event, Membership
from discussions.models import Message, ReadMarker, Thread
from tests.factories.communities import add_member, make_community, make_event

pytestmark = pytest.mark.django_db


def _bulk_people(n: int, prefix: str) -> list[User]:
    users = User.objects.bulk_create([User(email=f"{prefix}{i}@example.nhs.uk", first_name=f"P{i}") for i in range(n)])
    Profile.objects.bulk_create([Profile(user=user, display_name=f"Person {i}") for i, user in enumerate(users)])
    return users


def _populate(scale: int, viewer) -> str:
    """2·scale communities, the first with 3·scale members and 2·scale events; returns its slug."""
    communities = [make_community(f"Community {scale}-{i}") for i in range(2 * scale)]
    first = communities[0]
    people = _bulk_people(3 * scale, f"s{scale}-")
    Membership.objects.bulk_create([Membership(user=person, community=first) for person in people])
    Membership.objects.bulk_create([Membership(user=people[0], community=c) for c in communities[1:]])
    template = make_event(first)
    Event.objects.bulk_create(
        [
            Event(
                community=community,
                title=f"Event {day}",
                starts_at=template.starts_at + timedelta(days=day),
                ends_at=template.ends_at + timedelta(days=day),
                online_url=template.online_url,
            )
            for community in communities[:2]
            for day in range(2 * scale)
        ]
    )
    _bulk_threads(first, people, scale, viewer)
    add_member(viewer, first)
    return first.slug


def _bulk_threads(community, people: list[User], scale: int, viewer) -> None:
    """2·scale threads in ``community`` (the page lists ten); the ten listed ones each get ``scale`` messages
    by different people; the viewer has read half of one, so unread counts have something to count."""
    threads = Thread.objects.bulk_create(
        [Thread(community=community, title=f"Thread {n}", author=people[n % len(people)]) for n in range(2 * scale)]
    )
    listed = threads[-10:]  # the newest: the page lists them first
    messages = Message.objects.bulk_create(
        [
            Message(
                thread=thread,
                author=people[(n + k) % len(people)],
                client_id=f"{thread.pk}-{k}",
                body=f"Message {k}",
                body_html=f"<p>Message {k}</p>",
            )
            for n, thread in enumerate(listed)
            for k in range(scale)
        ]
    )
    Thread.objects.filter(pk__in=[thread.pk for thread in listed]).update(message_count=scale)
    ReadMarker.objects.create(user=viewer, thread=listed[0], last_read_id=messages[scale // 2].pk)


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    ("path", "expected"),
    # The directory and a community page ask who may see them (boost.wagtail_hooks.page_rights: the
    # page's restrictions, and for the directory its community); a community page's write-up and
    # priority sections leave out what restrictions and private communities hide (once per request);
    # the follow button reads whether the viewer follows the community (one). The signed-in person's
    # permissions and bell come with them (accounts.backends).
    [("/communities/", 12), ("/communities/{slug}/", 22), ("/communities/{slug}/members/", 9)],
)
def test_query_counts_do_not_grow_with_data(client, member, django_assert_num_queries, path, expected):
    client.force_login(member)
    slug = _populate(2, member)
    _count(client, path.format(slug=slug))  # warm per-process caches (content types, site root paths)
    with django_assert_num_queries(expected):
        client.get(path.format(slug=slug))
    big = _populate(100, member)
    _count(client, path.format(slug=big))  # new pages were published: the cached site links were rebuilt once
    with django_assert_num_queries(expected):
        response = client.get(path.format(slug=big))
    assert response.status_code == 200
