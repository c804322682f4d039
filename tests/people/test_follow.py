"""Follow and unfollow communities, write-ups, priorities and people; watch and mute discussions."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from accounts.models import Profile, ProfileVisibility
from people.models import Follow, ThreadWatch
from privacy.export import build_archive
from tests.factories.discussions import join, make_community, make_thread
from tests.factories.projects import make_priority, make_project

pytestmark = pytest.mark.django_db


def _follow(client, page, **extra):
    return client.post(reverse("people:follow_page", args=[page.pk]), extra)


def test_follow_each_kind_of_page_and_unfollow(client, member):
    community = make_community()
    project = make_project(member, title="Zero-day list")
    priority = make_priority()
    client.force_login(member)
    for page, kind in ((community, "community"), (project, "project"), (priority, "priority")):
        response = _follow(client, page, next=page.url)
        assert response.status_code == 302 and response["Location"] == page.url
        assert Follow.objects.get(user=member, page=page).kind == kind
    _follow(client, project)  # twice: still one
    assert Follow.objects.filter(user=member).count() == 3
    page = client.get(reverse("people:following"))
    assert "Zero-day list" in page.content.decode()
    client.post(reverse("people:unfollow_page", args=[project.pk]))
    assert not Follow.objects.filter(user=member, page=project).exists()


def test_follow_button_shows_state_without_javascript(client, member):
    project = make_project(member, title="Huddles")
    client.force_login(member)
    html = client.get(project.url).content.decode()
    assert reverse("people:follow_page", args=[project.pk]) in html and "Follow this write-up" in html
    _follow(client, project)
    html = client.get(project.url).content.decode()
    assert reverse("people:unfollow_page", args=[project.pk]) in html and "Following" in html


def test_following_a_private_community_you_cannot_see_is_404_and_stores_nothing(client, member, other_member):
    private = make_community(private=True)
    join(other_member, private)
    client.force_login(member)
    assert _follow(client, private).status_code == 404
    assert client.post(reverse("people:unfollow_page", args=[private.pk])).status_code == 404
    assert not Follow.objects.exists()
    client.force_login(other_member)
    assert _follow(client, private).status_code == 302


def test_following_a_draft_or_a_plain_page_is_404(client, member, other_member, home_page):
    draft = make_project(other_member, title="Not yet", publish=False)
    client.force_login(member)
    assert _follow(client, draft).status_code == 404
    assert _follow(client, home_page).status_code == 404
    assert client.post(reverse("people:follow_page", args=[999999])).status_code == 404
    assert not Follow.objects.exists()


def test_signed_out_cannot_follow(client):
    community = make_community()
    response = _follow(client, community)
    assert response.status_code == 302 and "login" in response["Location"]
    assert not Follow.objects.exists()


def test_follow_a_person_respects_profile_visibility(client, member, other_member):
    Profile.objects.update_or_create(user=other_member, defaults={"visibility": ProfileVisibility.PRIVATE})
    client.force_login(member)
    assert client.post(reverse("people:follow_person", args=[other_member.pk])).status_code == 404
    Profile.objects.filter(user=other_member).update(visibility=ProfileVisibility.MEMBERS)
    assert client.post(reverse("people:follow_person", args=[other_member.pk])).status_code == 302
    assert Follow.objects.get(user=member, person=other_member).kind == "person"
    # Following yourself is refused with a message, and stores nothing.
    response = client.post(reverse("people:follow_person", args=[member.pk]), follow=True)
    assert "You cannot follow yourself." in response.content.decode()
    assert Follow.objects.filter(user=member).count() == 1
    client.post(reverse("people:unfollow_person", args=[other_member.pk]))
    assert not Follow.objects.exists()


def test_watch_and_mute_a_thread(client, member, other_member):
    community = make_community()
    join(other_member, community)
    thread = make_thread(other_member, community)
    client.force_login(member)
    url = reverse("people:watch_thread", args=[thread.pk])
    client.post(url, {"level": "watch"})
    assert ThreadWatch.objects.get(user=member, thread=thread).level == "watch"
    html = client.get(thread.get_absolute_url()).content.decode()
    assert "Stop watching" in html
    client.post(url, {"level": "mute"})
    assert ThreadWatch.objects.get(user=member, thread=thread).level == "mute"
    client.post(url, {"level": "loud"})  # refused, unchanged
    assert ThreadWatch.objects.get(user=member, thread=thread).level == "mute"
    client.post(url, {"level": "none"})
    assert not ThreadWatch.objects.exists()


def test_watching_a_private_thread_you_cannot_see_is_404(client, member, other_member):
    private = make_community(private=True)
    join(other_member, private)
    thread = make_thread(other_member, private)
    client.force_login(member)
    assert client.post(reverse("people:watch_thread", args=[thread.pk]), {"level": "watch"}).status_code == 404
    assert not ThreadWatch.objects.exists()


def test_follows_are_in_the_data_export_and_erased(member, other_member):
    from people.data_export import _erase_follows
    from privacy.registry import ErasureOptions

    project = make_project(other_member, title="Discharge to assess")
    Follow.objects.create(user=member, page=project, kind="project")
    Follow.objects.create(user=other_member, person=member, kind="person")
    archive = zipfile.ZipFile(io.BytesIO(build_archive(member)))
    rows = json.loads(archive.read("follows.json"))
    assert [row["what"] for row in rows] == ["Discharge to assess"]
    assert {"expertise.json", "visit_requests.json", "discussion_watches.json"} <= set(archive.namelist())
    assert _erase_follows(member, ErasureOptions()) == {"deleted": 2}
    assert not Follow.objects.exists()
