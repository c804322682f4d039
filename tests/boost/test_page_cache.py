"""The anonymous page cache (boost/page_cache.py): what it keeps, what it never keeps, and that
every change a reader could see reaches them on the next request."""

from __future__ import annotations

import asyncio

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import PageViewRestriction

from boost import page_cache
from communities.models import Membership
from tests.factories.communities import add_member, make_community
from tests.factories.projects import make_measure, make_priority, make_project

pytestmark = pytest.mark.django_db
LOG_OUT = 'action="/accounts/logout/"'  # the header's sign-out form, on every signed-in page


@pytest.fixture
def cached(settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_STAMP = tmp_path / "generation"


def reader() -> Client:
    """An anonymous reader who sends no cookie (a fresh client per request keeps it that way)."""
    return Client()


def served_from_cache(url: str, django_assert_num_queries) -> str:
    """The page, asserting it came from the cache (no query at all)."""
    with django_assert_num_queries(0):
        response = reader().get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_anonymous_page_is_kept_and_holds_nothing_personal(cached, member, django_assert_num_queries):
    project = make_project(member, title="A discharge huddle")
    first = reader().get(project.url)
    assert first.status_code == 200 and not first.cookies
    text = served_from_cache(project.url, django_assert_num_queries)
    assert text == first.content.decode()
    assert "A discharge huddle" in text
    for personal in ("csrfmiddlewaretoken", LOG_OUT, "Notifications", "nonce="):
        assert personal not in text


def test_signed_in_people_are_never_served_from_the_cache(cached, member, other_member):
    project = make_project(member)
    reader().get(project.url)
    person = Client()
    person.force_login(other_member)
    text = person.get(project.url).content.decode()
    assert LOG_OUT in text and other_member.display_name in text
    # …and their page was not stored for anyone else.
    anonymous = reader().get(project.url).content.decode()
    assert LOG_OUT not in anonymous and other_member.display_name not in anonymous


def test_a_reader_with_any_cookie_gets_a_fresh_page(cached, member):
    project = make_project(member)
    reader().get(project.url)
    with_cookie = Client()
    with_cookie.cookies["csrftoken"] = "x" * 32
    with CaptureQueriesContext(connection) as captured:
        with_cookie.get(project.url)
    assert len(captured) > 0


def test_publishing_reaches_readers_at_once_on_the_page_and_every_list(cached, member, django_assert_num_queries):
    priority = make_priority("Discharge")
    old = make_project(member, title="The old story", priorities=[priority])
    lists = ["/", "/projects/", priority.url]
    for url in [*lists, old.url]:
        reader().get(url)
        served_from_cache(url, django_assert_num_queries)

    new = make_project(member, title="A brand new story", priorities=[priority])
    for url in lists:
        assert "A brand new story" in reader().get(url).content.decode()

    old.title = "The old story, retold"
    old.save_revision().publish()
    for url in [*lists, old.url]:
        assert "The old story, retold" in reader().get(url).content.decode()
    assert new.live


def test_unpublishing_takes_a_page_away_from_readers_and_lists(cached, member):
    project = make_project(member, title="Soon withdrawn")
    for url in ("/", "/projects/", project.url):
        reader().get(url)
    project.unpublish()
    assert reader().get(project.url).status_code == 404
    assert "Soon withdrawn" not in reader().get("/projects/").content.decode()
    assert "Soon withdrawn" not in reader().get("/").content.decode()


def test_moving_a_page_serves_it_at_its_new_place(cached, member):
    community = make_community("Frailty network")
    parent = make_community("Older people")
    old_url = community.url
    assert reader().get(old_url).status_code == 200
    community.move(parent, pos="last-child")
    community.refresh_from_db()
    moved = reader().get(old_url)
    assert moved.status_code == 301 and moved["Location"] == community.url
    assert reader().get(community.url).status_code == 200


def test_a_view_restriction_is_honoured_at_once_and_restricted_pages_are_never_kept(cached, member):
    project = make_project(member, title="Now restricted")
    assert reader().get(project.url).status_code == 200
    PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.LOGIN)
    response = reader().get(project.url)
    assert response.status_code == 404  # outsiders get 404 (boost.permissions.can_view_page)
    assert not page_cache_holds(project.url)


def test_private_content_never_enters_the_cache(cached, member):
    private = make_community("Private circle", is_private=True)
    add_member(member, private)
    draft = make_project(member, title="Still a draft", publish=False)
    for url in (private.url, draft.url, f"/improvement/{draft.pk}/preview/"):
        reader().get(url)
        assert not page_cache_holds(url)
    insider = Client()
    insider.force_login(member)
    insider.get(private.url)
    assert not page_cache_holds(private.url)


def test_a_membership_change_reaches_the_community_page(cached, member, other_member):
    community = make_community("Frailty network")
    add_member(member, community)
    assert '<dd class="nhsuk-summary-list__value">1' in reader().get(community.url).content.decode()
    membership = add_member(other_member, community)
    assert '<dd class="nhsuk-summary-list__value">2' in reader().get(community.url).content.decode()
    Membership.objects.filter(pk=membership.pk).get().delete()
    assert '<dd class="nhsuk-summary-list__value">1' in reader().get(community.url).content.decode()


def test_a_measure_change_reaches_the_write_up(cached, member):
    project = make_project(member)
    measure = make_measure(project, [10, 12, 11, 13, 12], name="Falls a month")
    assert "Falls a month" in reader().get(project.url).content.decode()
    measure.name = "Falls with harm a month"
    measure.save()
    assert "Falls with harm a month" in reader().get(project.url).content.decode()


def test_the_generation_moves_again_when_the_change_commits(cached, member, django_capture_on_commit_callbacks):
    before = page_cache.current_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_project(member)
    assert page_cache.current_generation() != before
    on_commit = [callback for callback in callbacks if isinstance(callback, page_cache._BumpOnCommit)]
    assert on_commit
    after_save = page_cache.current_generation()
    on_commit[0]()
    assert page_cache.current_generation() > after_save


def test_pages_and_the_data_csv_answer_conditional_requests_with_304(cached, member):
    project = make_project(member)
    measure = make_measure(project, [10, 12, 11])
    for url in (project.url, f"/improvement/{project.pk}/measures/{measure.pk}/data.csv"):
        first = reader().get(url)
        etag = first["ETag"]
        assert etag
        again = reader().get(url, HTTP_IF_NONE_MATCH=etag)
        assert again.status_code == 304
        assert again["ETag"] == etag
        assert reader().get(url, HTTP_IF_NONE_MATCH='"something-else"').status_code == 200


def test_the_asgi_front_answers_hits_without_django(cached, member):
    project = make_project(member, title="Served up front")
    reader().get(project.url)  # stored by the middleware, under the test client's host

    async def not_django(scope, receive, send):
        raise AssertionError("a hit must not reach Django")

    sent = []

    async def send(message):
        sent.append(message)

    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": project.url,
        "query_string": b"",
        "headers": [(b"host", b"testserver")],
    }
    asyncio.run(page_cache.PageCacheASGI(not_django)(scope, None, send))
    assert sent[0]["status"] == 200
    assert b"Served up front" in sent[1]["body"]

    passed = []

    async def django(scope, receive, send):
        passed.append(scope["path"])

    cookie_scope = {**scope, "headers": [(b"host", b"testserver"), (b"cookie", b"sessionid=abc")]}
    asyncio.run(page_cache.PageCacheASGI(django)(cookie_scope, None, send))
    assert passed == [project.url]


def test_the_cache_is_off_when_page_cache_seconds_is_0(settings, member):
    settings.PAGE_CACHE_SECONDS = 0
    project = make_project(member)
    reader().get(project.url)
    with CaptureQueriesContext(connection) as captured:
        reader().get(project.url)
    assert len(captured) > 0


def page_cache_holds(url: str) -> bool:
    return page_cache.lookup("http", "testserver", url, "") is not None


def home_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_home_sections_render_once_per_generation_and_viewer_whatever_the_content_size(member, other_member):
    from communities.models import Membership as CommunityMembership
    from tests.factories.communities import make_event

    def grow(start: int, n: int) -> None:
        for i in range(start, start + n):
            priority = make_priority(f"Priority {i}")
            make_project(member, title=f"Story {i}", priorities=[priority])
            make_event(make_community(f"Network {i}"), title=f"Meeting {i}")

    signed_in = Client()
    signed_in.force_login(other_member)
    reader().get("/")  # the first request of all fills per-process caches (site root paths, menu links)
    signed_in.get("/")
    counts = {}
    for size, start, n in (("1x", 0, 1), ("10x", 1, 9)):
        grow(start, n)
        cold = {"anonymous": home_queries(reader()), "member": home_queries(signed_in)}
        warm = {"anonymous": home_queries(reader()), "member": home_queries(signed_in)}
        assert warm["anonymous"] < cold["anonymous"] and warm["member"] < cold["member"]
        counts[size] = (cold, warm)
    assert counts["1x"] == counts["10x"], counts  # constant: no query per item, cold or warm
    assert counts["1x"][1] == {"anonymous": 4, "member": 6}

    # A change moves the generation on: the next request renders the sections again.
    make_project(member, title="Fresh from the ward")
    assert "Fresh from the ward" in reader().get("/").content.decode()
    # Sections are per viewer: a private community's event shows to its member alone.
    private = make_community("Closed circle", is_private=True)
    make_event(private, title="Members-only huddle", days=1)  # the soonest, so listed first
    CommunityMembership.objects.create(user=other_member, community=private, role="member", state="active")
    assert "Members-only huddle" in signed_in.get("/").content.decode()
    assert "Members-only huddle" not in reader().get("/").content.decode()


def test_cached_pages_go_out_gzipped_to_clients_that_accept_it(cached, member):
    import gzip

    project = make_project(member, title="Small on the wire")
    plain = reader().get(project.url)
    squeezed = reader().get(project.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert squeezed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in squeezed["Vary"]
    assert gzip.decompress(squeezed.content) == plain.content
    assert int(squeezed["Content-Length"]) == len(squeezed.content) < len(plain.content) / 3
    assert squeezed["ETag"] != reader().get(project.url)["ETag"]
    again = reader().get(project.url, HTTP_ACCEPT_ENCODING="gzip", HTTP_IF_NONE_MATCH=squeezed["ETag"])
    assert again.status_code == 304
