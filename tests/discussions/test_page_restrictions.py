"""Questions on a write-up follow Wagtail's view restrictions on the write-up and its ancestors.

Who cannot view the page cannot see its questions, find them in search, post to them, look up people
to mention in them or open a socket to them. Login and group restrictions let the right people in;
a shared-password restriction (remembered per browser session, not per person) closes them to all.
"""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async
from channels.routing import URLRouter
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import Group
from django.urls import reverse
from wagtail.models import PageViewRestriction

from discussions import services
from discussions.models import Thread
from discussions.permissions import can_post, can_view_thread, people_who_can_see
from discussions.routing import websocket_urlpatterns
from discussions.services import DiscussionError
from search.documents import ThreadDocument
from search.models import SearchEntry
from tests.factories.discussions import cid, make_thread, post
from tests.factories.projects import make_project

pytestmark = pytest.mark.django_db


def restrict(page, kind: str, *, groups=(), password: str = "") -> PageViewRestriction:
    restriction = PageViewRestriction.objects.create(page=page, restriction_type=kind, password=password)
    restriction.groups.set(groups)
    return restriction


def fresh(thread: Thread) -> Thread:
    """The thread as a new request would load it (restrictions are cached per page object)."""
    return Thread.objects.select_related("community", "page").get(pk=thread.pk)


@pytest.fixture
def question(member, other_member):
    project = make_project(member, title="Zero-day tracking list")
    thread = make_thread(other_member, page=project, title="Which PTL fields mattered?")
    return project, thread


def test_login_restriction_keeps_visitors_out_and_lets_people_in(client, question, other_member):
    project, thread = question
    restrict(project, PageViewRestriction.LOGIN)
    from django.contrib.auth.models import AnonymousUser

    assert not can_view_thread(AnonymousUser(), fresh(thread))
    assert can_view_thread(other_member, fresh(thread)) and can_post(other_member, fresh(thread))
    assert client.get(reverse("discussions:thread", args=[thread.pk])).status_code == 404
    client.force_login(other_member)
    assert client.get(reverse("discussions:thread", args=[thread.pk])).status_code == 200
    post(other_member, thread, "Signed-in people may still talk here.")


def test_group_restriction_on_an_ancestor_closes_questions_to_everyone_outside_the_groups(
    client, question, member, other_member, curator, user_factory
):
    project, thread = question
    team = Group.objects.create(name="Tracking list team")
    member.groups.add(team)
    # On the write-up's parent: restrictions on ancestors count too.
    restrict(project.get_parent(), PageViewRestriction.GROUPS, groups=[team])
    superuser = user_factory(is_superuser=True, is_staff=True)

    for outsider in (other_member, curator):
        assert not can_view_thread(outsider, fresh(thread))
        client.force_login(outsider)
        assert client.get(reverse("discussions:thread", args=[thread.pk])).status_code == 404
        assert client.get(reverse("discussions:ask", args=[project.pk])).status_code == 404
        assert client.get(reverse("discussions:page_mentions", args=[project.pk]), {"q": "a"}).status_code == 404
        with pytest.raises(DiscussionError) as refused:
            services.post_message(author=outsider, thread_id=thread.pk, body="Let me in", client_id=cid())
        assert refused.value.code == "not_found"
        with pytest.raises(DiscussionError):
            services.start_thread(author=outsider, page=project, title="Another?", body="?", client_id=cid())
    # The asker left the team's circle too: their own question is closed to them now.
    assert not can_view_thread(other_member, fresh(thread))

    for insider in (member, superuser):
        assert can_view_thread(insider, fresh(thread))
    client.force_login(member)
    assert client.get(reverse("discussions:thread", args=[thread.pk])).status_code == 200
    post(member, thread, "Team members carry on.")

    # Only people who can see the page can be mentioned (the same rule the autocomplete uses).
    candidates = set(people_who_can_see(fresh(thread)).values_list("pk", flat=True))
    assert member.pk in candidates and superuser.pk in candidates
    assert other_member.pk not in candidates and curator.pk not in candidates
    with pytest.raises(DiscussionError) as refused:
        post(member, thread, f"@[{other_member.display_name}] what do you think?")
    assert refused.value.code == "mention"


def test_password_restriction_closes_questions_to_all(client, question, member, admin_user):
    project, thread = question
    restrict(project, PageViewRestriction.PASSWORD, password="tracking")
    for person in (member, admin_user):
        assert not can_view_thread(person, fresh(thread))
    assert not people_who_can_see(fresh(thread)).exists()
    client.force_login(member)
    assert client.get(reverse("discussions:thread", args=[thread.pk])).status_code == 404
    with pytest.raises(DiscussionError):
        services.post_message(author=member, thread_id=thread.pk, body="Hello", client_id=cid())


def test_write_up_page_hides_its_questions_section_when_questions_are_closed(client, question, member):
    project, _thread = question
    restriction = restrict(project, PageViewRestriction.PASSWORD, password="tracking")
    # Someone who knows the password sees the write-up, but not the (closed) questions.
    session = client.session
    session[restriction.passed_view_restrictions_session_key] = [restriction.pk]
    session.save()
    html = client.get(project.url).content.decode()
    assert "Zero-day tracking list" in html
    assert "Questions for the team" not in html and "Which PTL fields mattered?" not in html


def test_search_never_holds_a_restricted_write_ups_questions(question, django_capture_on_commit_callbacks):
    project, thread = question
    document = ThreadDocument()
    assert document.build(document.get_object(thread.pk)) is not None
    with django_capture_on_commit_callbacks(execute=True):
        restriction = restrict(project.get_parent(), PageViewRestriction.LOGIN)
    assert document.build(document.get_object(thread.pk)) is None
    # The restriction itself re-indexed the question: it left the index at once.
    assert not SearchEntry.objects.filter(doc_type="thread", object_id=str(thread.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert SearchEntry.objects.filter(doc_type="thread", object_id=str(thread.pk)).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
async def test_socket_refused_and_closed_when_the_page_is_restricted(settings, member, user_factory):
    settings.DISCUSSIONS_WATCH_SECONDS = 0.2
    settings.DISCUSSIONS_RECHECK_SECONDS = 0.5
    app = URLRouter(websocket_urlpatterns)
    project = await database_sync_to_async(make_project)(member, title="Community assessment day")
    asker = await database_sync_to_async(user_factory)()
    thread = await database_sync_to_async(make_thread)(asker, page=project)

    communicator = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread.pk}/")
    communicator.scope["user"] = asker
    connected, _ = await communicator.connect()
    assert connected
    team = await database_sync_to_async(Group.objects.create)(name="Assessment day team")
    await database_sync_to_async(restrict)(project, PageViewRestriction.GROUPS, groups=[team])
    # The next action is refused and the socket closed: the person can no longer see the page.
    await communicator.send_json_to({"action": "post", "client_id": cid(), "body": "Still here?"})
    frame = await communicator.receive_json_from(timeout=3)
    while frame["type"] != "error":
        frame = await communicator.receive_json_from(timeout=3)
    assert frame["code"] == "forbidden"
    assert (await communicator.receive_output(timeout=3))["type"] == "websocket.close"

    again = WebsocketCommunicator(app, f"/ws/discussions/thread/{thread.pk}/")
    again.scope["user"] = asker
    connected, code = await again.connect()
    assert not connected and code == 4404
    assert await database_sync_to_async(lambda: thread.messages.count())() == 1
