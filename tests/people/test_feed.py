"""The activity feed: what reaches it, what never does, keyset pages with a signed cursor."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from communities.models import CommunityPage
from people import feed
from people.models import FeedEvent, Follow, ThreadWatch
from projects import services
from tests.factories.communities import make_event
from tests.factories.discussions import join, make_community, make_thread, post
from tests.factories.projects import FALLING, make_measure, make_project, month

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_discussion_rate_limit(settings):
    settings.DISCUSSIONS_RATE_LIMIT = (0, 60)


def _texts(user) -> list[str]:
    return [feed.describe(event) for event in feed.feed_page(user).items]


def _csv(values, start=0) -> bytes:
    rows = [f"{month(start + i).isoformat()},{v}" for i, v in enumerate(values)]
    return ("date,value\n" + "\n".join(rows) + "\n").encode()


def test_a_followed_write_up_brings_its_new_signal_and_stage_changes(client, member, user_factory):
    author = user_factory()
    project = make_project(author, title="Home first")
    measure = make_measure(project, FALLING[:12], name="Delayed discharges")
    Follow.objects.create(user=member, page=project, kind="project")
    services.import_csv(user=author, measure=measure, raw=_csv(FALLING[12:], start=12))
    project.stage = "testing"
    project.save_revision().publish()
    texts = _texts(member)
    assert texts[0] == "Home first moved on: Idea → Testing"
    assert any(text.startswith("New signal on “Delayed discharges” in Home first") for text in texts)
    client.force_login(member)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Your activity feed" in page and "Delayed discharges" in page
    assert f"#measure-{measure.pk}-heading" in page


def test_following_a_person_brings_their_new_write_ups(member, user_factory):
    author = user_factory()
    Follow.objects.create(user=member, person=author, kind="person")
    make_project(author, title="Zero-day list")
    assert _texts(member) == [f"New write-up by {author.display_name}: Zero-day list"]


def test_threads_in_followed_communities_and_replies_in_watched_threads(member, other_member, user_factory):
    community = make_community(title="Frailty")
    join(other_member, community)
    Follow.objects.create(user=member, page=community, kind="community")
    watched = make_thread(other_member, community, title="Huddles")
    unwatched = make_thread(other_member, community, title="Rotas")
    muted = make_thread(other_member, community, title="Noise")
    ThreadWatch.objects.create(user=member, thread=watched, level="watch")
    ThreadWatch.objects.create(user=member, thread=muted, level="mute")
    post(other_member, watched, "In the watched one")
    post(other_member, unwatched, "Not watched")
    post(other_member, muted, "Muted")
    name = other_member.display_name
    assert _texts(member) == [
        f"{name} replied in Huddles",
        f"{name} started a discussion: Rotas",
        f"{name} started a discussion: Huddles",
    ]


def test_feed_shows_nothing_the_person_may_not_see(member, other_member, user_factory):
    author = user_factory()
    community = make_community(title="Secret")
    join(other_member, community)
    Follow.objects.create(user=member, page=community, kind="community")
    make_thread(other_member, community, title="Private plans")
    project = make_project(author, title="Restricted")
    Follow.objects.create(user=member, page=project, kind="project")
    project.stage = "testing"
    project.save_revision().publish()
    assert len(_texts(member)) == 3  # while both are open
    CommunityPage.objects.filter(pk=community.pk).update(is_private=True)
    PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.GROUPS)
    assert _texts(member) == []
    # An outsider who follows nothing sees nothing at all.
    assert _texts(user_factory()) == []
    # Hidden discussions leave the feed too.
    assert FeedEvent.objects.filter(thread__isnull=False).exists()


def test_a_hidden_discussion_leaves_the_feed(member, other_member):
    community = make_community()
    join(other_member, community)
    Follow.objects.create(user=member, page=community, kind="community")
    thread = make_thread(other_member, community)
    assert len(_texts(member)) == 1
    type(thread).objects.filter(pk=thread.pk).update(is_hidden=True)
    assert _texts(member) == []


def test_pages_go_back_by_signed_cursor_and_a_tampered_cursor_is_a_clear_400(client, member, other_member):
    community = make_community()
    join(other_member, community)
    Follow.objects.create(user=member, page=community, kind="community")
    for n in range(feed.PAGE_SIZE + 3):
        make_thread(other_member, community, title=f"Thread {n}")
    client.force_login(member)
    first = client.get(reverse("people:feed"))
    assert first.status_code == 200
    html = first.content.decode()
    assert "Thread 22" in html and "Thread 2<" not in html
    page = feed.feed_page(member)
    older = client.get(reverse("people:feed"), {"before": page.next_cursor})
    assert older.status_code == 200
    assert "Thread 2<" in older.content.decode() and "Thread 22" not in older.content.decode()
    for bad in (page.next_cursor[:-2] + "xx", "1", "not-a-cursor", feed.make_cursor(1).replace("1", "9", 1)):
        response = client.get(reverse("people:feed"), {"before": bad})
        assert response.status_code == 400
        assert "damaged or was changed" in response.content.decode()


def test_upcoming_events_of_followed_communities(client, member):
    community = make_community(title="Carers")
    make_event(community, title="Carers' café")
    Follow.objects.create(user=member, page=community, kind="community")
    client.force_login(member)
    assert "Carers’ café" in client.get(reverse("people:feed")).content.decode() or "Carers&#x27; café" in (
        client.get(reverse("people:feed")).content.decode()
    )


@pytest.mark.parametrize("follows", [10, 200])
def test_feed_first_page_queries_are_constant(client, member, other_member, follows, django_assert_num_queries):
    communities = [make_community() for _ in range(follows)]
    for community in communities:
        join(other_member, community)
        Follow.objects.create(user=member, page=community, kind="community")
    for n in range(25):
        make_thread(other_member, communities[n % follows], title=f"Thread {n}")
    client.force_login(member)
    client.get(reverse("people:feed"))
    # Session, user (with profile and groups), hidden paths (private communities), the
    # followed pages' ids, the event ids (one keyset query per source) and their rows, upcoming
    # events, site root paths, header permissions, the bell: the same at 10 and 200 follows.
    with django_assert_num_queries(10):
        response = client.get(reverse("people:feed"))
    assert response.status_code == 200
    assert response.content.decode().count("started a discussion") == feed.PAGE_SIZE


def test_pages_merge_every_source_once_in_order(member, other_member, user_factory, settings):
    """Followed pages, a followed person and a watched discussion interleave; paging by the cursor
    gives each event once, newest first, whichever sources it came through."""
    followed, elsewhere = make_community(title="Followed"), make_community(title="Elsewhere")
    author = user_factory()
    for person in (other_member, author):
        join(person, followed)
        join(person, elsewhere)
    Follow.objects.create(user=member, page=followed, kind="community")
    Follow.objects.create(user=member, person=author, kind="person")
    watched = make_thread(other_member, elsewhere, title="Watched")
    ThreadWatch.objects.create(user=member, thread=watched, level="watch")
    for n in range(4):
        make_thread(other_member, followed, title=f"Page {n}")
        make_thread(author, elsewhere, title=f"Person {n}")  # reaches through the person only
        make_thread(author, followed, title=f"Both {n}")  # through the page and the person
        post(other_member, watched, f"Reply {n}")
    make_thread(other_member, elsewhere, title="Not followed")
    expected = list(
        FeedEvent.objects.exclude(thread__title="Not followed").order_by("-id").values_list("pk", flat=True)
    )
    assert len(expected) == 17  # 12 threads, 4 replies and the watched discussion's start
    seen, cursor = [], None
    while True:
        page = feed.feed_page(member, cursor=cursor, size=3)
        seen += [event.pk for event in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == expected
