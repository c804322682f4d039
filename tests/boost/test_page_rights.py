"""One rule for a page and everything derived from it: the outsider test over every derived path.

A write-up is made private in each way there is (a draft; a Wagtail group restriction on the page or
on an ancestor; a login restriction; a shared password) and every path that shows it or something
derived from it is fetched as anonymous, as a signed-in outsider and as a removed member (someone
who was in the restriction's group and was taken out). Each gets what a missing page gets: 404
(a JSON endpoint answers visitors 401 before any look-up), and the listings, counts and search
results leave it out. A password-protected page shows Wagtail's password form; its derived paths
answer 404 until the session has given the password, then open like the page.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

from boost.permissions import can_view_page, visible_pages
from projects.models import ProjectPage
from tests.factories.discussions import make_thread
from tests.factories.projects import make_measure, make_priority, make_project

pytestmark = pytest.mark.django_db

TITLE = "Zebrafish clinic waits"


def client_for(user=None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def derived_urls(project, measure, thread) -> dict[str, str]:
    return {
        "handover pack": reverse("projects:handover", args=[project.pk]),
        "data CSV": reverse("projects:measure_csv", args=[project.pk, measure.pk]),
        "chart SVG": reverse("projects:measure_chart", args=[project.pk, measure.pk]),
        "question": reverse("discussions:thread", args=[thread.pk]),
    }


def listings(priority) -> dict[str, str]:
    return {
        "search": reverse("search:results") + "?q=zebrafish",
        "search JSON": reverse("search:api") + "?q=zebrafish",
        "project index": "/projects/",
        "priority page": priority.url,
        "home": "/",
    }


@pytest.fixture
def story(member, other_member, django_capture_on_commit_callbacks):
    """A published write-up under a priority, with a measure and a question; indexed for search."""
    with django_capture_on_commit_callbacks(execute=True):
        priority = make_priority("Zebrafish care")
        project = make_project(member, title=TITLE)
        project.priorities.add(priority)
        project.save_revision().publish()
        project.refresh_from_db()
        measure = make_measure(project, [9, 7, 5], name="Days to first clinic")
        thread = make_thread(other_member, page=project, title="How did you book the clinics?")
    return project, measure, thread, priority


def assert_hidden(client: Client, project, measure, thread, priority, *, who: str) -> None:
    page = client.get(project.url)
    assert page.status_code == 404, f"the page answered {page.status_code} to {who}"
    for name, url in derived_urls(project, measure, thread).items():
        code = client.get(url).status_code
        assert code == 404, f"{name} ({url}) answered {code} to {who}"
    # Signed-in-only paths: a visitor is sent to sign in (JSON: 401) before any look-up, as for a page
    # that does not exist; a signed-in outsider gets 404.
    signed_in = client.session.get("_auth_user_id") is not None
    ask = client.get(reverse("discussions:ask", args=[project.pk]))
    assert ask.status_code == 404 if signed_in else ask.url.startswith("/accounts/login/"), f"ask: {who}"
    mentions = client.get(reverse("discussions:page_mentions", args=[project.pk]), {"q": "a"}).status_code
    assert mentions == (404 if signed_in else 401), f"mentions answered {mentions} to {who}"
    for name, url in listings(priority).items():
        response = client.get(url)
        # A listing page under the same restriction (the project index, when it is the restricted
        # ancestor) is itself hidden.
        assert response.status_code in (200, 404), f"{name}: {response.status_code}"
        assert TITLE not in response.content.decode(), f"{name} shows the write-up to {who}"


def assert_shown(client: Client, project, measure, thread, priority) -> None:
    for name, url in {"page": project.url, **derived_urls(project, measure, thread)}.items():
        assert client.get(url).status_code == 200, name
    if client.session.get("_auth_user_id") is not None:
        assert client.get(reverse("discussions:ask", args=[project.pk])).status_code == 200
    for name in ("project index", "priority page"):
        assert TITLE in client.get(listings(priority)[name]).content.decode(), name


def test_public_write_up_is_seen_everywhere(story, other_member):
    project, measure, thread, priority = story
    assert_shown(client_for(), project, measure, thread, priority)
    assert TITLE in client_for().get(listings(priority)["search"]).content.decode()
    assert TITLE in client_for(other_member).get(listings(priority)["home"]).content.decode()


@pytest.mark.parametrize("where", ["page", "ancestor"])
def test_a_group_restriction_hides_the_page_and_everything_derived_from_it(
    story, where, member, other_member, user_factory, django_capture_on_commit_callbacks
):
    project, measure, thread, priority = story
    readers = Group.objects.create(name="Zebrafish readers")
    removed = user_factory()
    removed.groups.add(readers)
    with django_capture_on_commit_callbacks(execute=True):
        target = project if where == "page" else project.get_parent()
        restriction = PageViewRestriction.objects.create(page=target, restriction_type=PageViewRestriction.GROUPS)
        restriction.groups.add(readers)
    assert_shown(client_for(removed), project, measure, thread, priority)
    assert client_for(other_member).get("/projects/").status_code == (200 if where == "page" else 404)
    removed.groups.remove(readers)

    for who, user in (("anonymous", None), ("a signed-in outsider", other_member), ("a removed reader", removed)):
        assert_hidden(client_for(user), project, measure, thread, priority, who=who)
    # Its own author is held by the restriction too, as the page holds them.
    assert_hidden(client_for(member), project, measure, thread, priority, who="its author outside the group")
    # The set form of the rule agrees with the rule.
    for user in (other_member, removed):
        assert not can_view_page(user, project)
        assert not visible_pages(ProjectPage.objects.all(), user).filter(pk=project.pk).exists()


def test_a_login_restriction_hides_it_from_visitors_alone(story, other_member, django_capture_on_commit_callbacks):
    project, measure, thread, priority = story
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.LOGIN)
    assert_hidden(client_for(), project, measure, thread, priority, who="anonymous")
    assert_shown(client_for(other_member), project, measure, thread, priority)


def test_a_draft_is_hidden_from_all_but_its_team_and_reviewers(
    story, member, other_member, curator, django_capture_on_commit_callbacks
):
    project, measure, thread, priority = story
    with django_capture_on_commit_callbacks(execute=True):
        project.unpublish()
    for who, user in (("anonymous", None), ("a signed-in outsider", other_member)):
        assert_hidden(client_for(user), project, measure, thread, priority, who=who)
    for user in (member, curator):  # the draft's readers see what is derived from it
        for name in ("handover pack", "data CSV", "chart SVG"):
            assert client_for(user).get(derived_urls(project, measure, thread)[name]).status_code == 200, name


def test_a_password_shows_the_form_on_the_page_and_404_on_derived_paths_until_given(story, other_member):
    project, measure, thread, priority = story
    restriction = PageViewRestriction.objects.create(
        page=project, restriction_type=PageViewRestriction.PASSWORD, password="kingfisher"
    )
    for user in (None, other_member):
        client = client_for(user)
        page = client.get(project.url)
        assert page.status_code == 200 and 'name="password"' in page.content.decode()
        assert "How did you book" not in page.content.decode()
        for name in ("handover pack", "data CSV", "chart SVG"):
            assert client.get(derived_urls(project, measure, thread)[name]).status_code == 404, name
        assert TITLE not in client.get(listings(priority)["project index"]).content.decode()

    client = client_for(other_member)
    wrong = client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, project.pk]),
        {"password": "heron", "return_url": project.url},
    )
    assert wrong.status_code == 200
    assert client.get(derived_urls(project, measure, thread)["data CSV"]).status_code == 404
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, project.pk]),
        {"password": "kingfisher", "return_url": project.url},
    )
    assert client.get(project.url).status_code == 200
    for name in ("handover pack", "data CSV", "chart SVG"):
        assert client.get(derived_urls(project, measure, thread)[name]).status_code == 200, name


def test_counts_leave_out_what_the_viewer_may_not_see(story, other_member, member):
    project, _measure, _thread, priority = story
    index = priority.get_parent().specific
    readers = Group.objects.create(name="Zebrafish readers")
    restriction = PageViewRestriction.objects.create(page=project, restriction_type=PageViewRestriction.GROUPS)
    restriction.groups.add(readers)
    from django.test import RequestFactory

    from projects.rollup import priority_cards

    request = RequestFactory().get("/")
    request.user = other_member
    assert {card.pk: card.project_count for card in priority_cards(request, index)}[priority.pk] == 0
    member.groups.add(readers)
    request = RequestFactory().get("/")
    request.user = member
    assert {card.pk: card.project_count for card in priority_cards(request, index)}[priority.pk] == 1
