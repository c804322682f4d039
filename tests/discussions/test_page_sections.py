"""Discussions where people need them: the community page lists its threads (and how to start one),
a write-up shows questions for its team (and how to ask one) — without JavaScript, private stays private."""

from __future__ import annotations

import pytest
from django.urls import reverse

from discussions.models import Thread
from tests.factories.communities import make_community
from tests.factories.discussions import join, make_thread
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


def test_community_page_lists_threads_and_members_can_start_one(client, member, other_member):
    community = make_community("Discharge network")
    join(member, community)
    make_thread(member, community, title="Who runs your board round?")
    client.force_login(member)
    html = client.get(community.url).content.decode()
    assert 'id="community-discussions"' in html and "Who runs your board round?" in html
    new_thread_url = reverse("discussions:new_thread", args=[community.pk])
    assert f'href="{new_thread_url}"' in html
    # The link leads to a plain form that starts the thread with one post.
    assert client.get(new_thread_url).status_code == 200
    response = client.post(
        new_thread_url, {"title": "Ward huddles", "body": "How long are yours?", "client_id": "page-start-1"}
    )
    assert response.status_code == 302
    assert Thread.objects.filter(community=community, title="Ward huddles").exists()
    assert "Ward huddles" in client.get(community.url).content.decode()

    # Someone who has not joined reads the list but is not offered the button.
    client.force_login(other_member)
    html = client.get(community.url).content.decode()
    assert "Who runs your board round?" in html and f'href="{new_thread_url}"' not in html


def test_private_community_threads_stay_hidden_from_outsiders(client, member, other_member, curator):
    hidden = make_community("Secret huddle", is_private=True)
    teaser = make_community("Teaser huddle", is_private=True, discoverable=True)
    for community in (hidden, teaser):
        join(member, community)
        make_thread(member, community, title=f"Private plans for {community.title}")
    for viewer in (None, other_member):
        client.logout()
        if viewer:
            client.force_login(viewer)
        assert client.get(hidden.url).status_code == 404
        response = client.get(teaser.url)
        assert response.status_code == 200
        html = response.content.decode()
        assert "Private plans" not in html and "community-discussions" not in html
    for viewer in (member, curator):
        client.force_login(viewer)
        assert "Private plans for Secret huddle" in client.get(hidden.url).content.decode()


def test_write_up_shows_questions_and_a_form_to_ask(client, member, other_member):
    project = make_project(member, title="Zero-day tracking list")
    make_thread(other_member, page=project, title="Which PTL fields mattered?")
    html = client.get(project.url).content.decode()
    assert "Questions for the team" in html and "Which PTL fields mattered?" in html
    assert "to ask the team a question" in html  # signed out: a log-in link, no form

    client.force_login(other_member)
    ask_url = reverse("discussions:ask", args=[project.pk])
    assert f'action="{ask_url}"' in client.get(project.url).content.decode()
    response = client.post(
        ask_url, {"title": "How many clinicians?", "body": "On the tracking list?", "client_id": "ask-1"}
    )
    assert response.status_code == 302
    assert Thread.objects.filter(page=project, title="How many clinicians?").exists()
    assert "How many clinicians?" in client.get(project.url).content.decode()
