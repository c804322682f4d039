"""The no-JavaScript paths: every action works as a form post; private things are 404s."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from discussions.models import Message, Notification, NotificationPreference, Thread
from discussions.tasks import unsubscribe_token
from tests.factories.discussions import join, make_standard_page, make_thread, post

pytestmark = pytest.mark.django_db


def _bulk_messages(thread: Thread, author, count: int) -> None:
    Message.objects.bulk_create(
        [
            Message(
                thread=thread, author=author, client_id=f"bulk-{thread.pk}-{i}", body=f"m{i}", body_html=f"<p>m{i}</p>"
            )
            for i in range(count)
        ]
    )


def test_thread_page_renders_and_marks_read(client, thread, member):
    client.force_login(member)
    response = client.get(reverse("discussions:thread", args=[thread.pk]))
    assert response.status_code == 200
    assert thread.title in response.content.decode()
    assert 'id="reply-form"' in response.content.decode()


def test_post_reply_by_form(client, thread, member):
    client.force_login(member)
    url = reverse("discussions:reply", args=[thread.pk])
    response = client.post(url, {"body": "By form", "client_id": "form-1"})
    message = Message.objects.get(client_id="form-1")
    assert response.status_code == 302 and response.url.endswith(f"#message-{message.pk}")
    # Pressing submit twice (same client id in the form) stores one message.
    client.post(url, {"body": "By form", "client_id": "form-1"})
    assert Message.objects.filter(client_id="form-1").count() == 1


def test_bad_form_post_shows_error_and_stores_nothing(client, thread, member):
    client.force_login(member)
    before = Message.objects.count()
    response = client.post(
        reverse("discussions:reply", args=[thread.pk]), {"body": "<script>x</script>", "client_id": "bad-1"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "<title>Error: " in body and "cannot contain HTML" in body
    assert Message.objects.count() == before


def test_private_thread_is_404_for_outsiders_on_every_path(client, private_community, member, other_member):
    join(member, private_community)
    thread = make_thread(member, private_community)
    message = thread.messages.get()
    client.force_login(other_member)
    for url in [
        reverse("discussions:thread", args=[thread.pk]),
        reverse("discussions:edit", args=[message.pk]),
        reverse("discussions:flag", args=[message.pk]),
        reverse("discussions:community", args=[private_community.pk]),
        reverse("discussions:new_thread", args=[private_community.pk]),
    ]:
        assert client.get(url).status_code == 404, url
    assert (
        client.post(reverse("discussions:reply", args=[thread.pk]), {"body": "hi", "client_id": "x1"}).status_code
        == 404
    )
    assert client.post(reverse("discussions:react", args=[message.pk]), {"kind": "thanks"}).status_code == 404


def test_edit_delete_react_flag_hide_by_form(client, thread, member, other_member, community, curator):
    join(other_member, community)
    mine = post(member, thread, "Mine")
    theirs = post(other_member, thread, "Theirs")
    client.force_login(member)
    assert client.get(reverse("discussions:edit", args=[theirs.pk])).status_code == 404
    client.post(reverse("discussions:edit", args=[mine.pk]), {"body": "Mine, better"})
    mine.refresh_from_db()
    assert mine.body == "Mine, better" and mine.edited_at
    client.post(reverse("discussions:react", args=[theirs.pk]), {"kind": "idea"})
    assert theirs.reactions.filter(user=member, kind="idea").exists()
    client.post(reverse("discussions:flag", args=[theirs.pk]), {"reason": "Check this"})
    assert theirs.flags.filter(user=member).exists()
    client.post(reverse("discussions:delete", args=[mine.pk]))
    mine.refresh_from_db()
    assert mine.is_deleted
    page = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    assert "This message was deleted." in page and "Mine, better" not in page
    # A member cannot hide; a curator can.
    client.post(reverse("discussions:moderate", args=[theirs.pk, "hide"]), {"reason": "no"})
    assert not Message.objects.get(pk=theirs.pk).is_hidden
    client.force_login(curator)
    client.post(reverse("discussions:moderate", args=[theirs.pk, "hide"]), {"reason": "Unkind"})
    assert Message.objects.get(pk=theirs.pk).is_hidden
    client.post(reverse("discussions:thread_setting", args=[thread.pk, "lock"]), {"value": "1"})
    assert Thread.objects.get(pk=thread.pk).is_locked
    client.force_login(member)
    response = client.post(reverse("discussions:reply", args=[thread.pk]), {"body": "Locked?", "client_id": "lk-1"})
    assert response.status_code == 400 and "locked" in response.content.decode()


def test_keyset_pagination_load_older(client, thread, member):
    _bulk_messages(thread, member, 120)
    client.force_login(member)
    first = client.get(reverse("discussions:thread", args=[thread.pk]))
    older_url = first.context["older_url"]
    assert older_url.startswith("?before=")
    rows = first.context["messages_page"]
    assert len(rows) == 50 and rows[-1].body == "m119"
    second = client.get(reverse("discussions:thread", args=[thread.pk]) + older_url)
    older = second.context["messages_page"]
    assert older[-1].pk < rows[0].pk and len(older) == 50


@pytest.mark.parametrize("count", [10, 1000])
def test_thread_first_page_queries_do_not_grow(
    client, thread, member, other_member, community, count, django_assert_num_queries
):
    join(other_member, community)
    _bulk_messages(thread, other_member, count)
    client.force_login(member)
    url = reverse("discussions:thread", args=[thread.pk])
    client.get(url)  # settle the read marker (first view creates it)
    # Same count for 10 and 1,000 messages: one keyset page, reactions in one query, no N+1.
    # 19: the breadcrumb reads the community's ancestors in one query; 20: the watch/mute buttons
    # read the viewer's choice; 17 since accounts.backends reads the person in fewer; 16 since it
    # reads their groups with them; 15 since their permissions and the bell's counts come too.
    with django_assert_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200


def test_community_list_shows_unread_counts(client, thread, member, other_member, community, django_assert_num_queries):
    join(other_member, community)
    for _ in range(3):
        post(member, thread, "news")
    client.force_login(other_member)
    response = client.get(reverse("discussions:community", args=[community.pk]))
    assert response.status_code == 200
    assert "<span data-unread-count>4</span> unread" in response.content.decode()
    client.get(reverse("discussions:thread", args=[thread.pk]))
    response = client.get(reverse("discussions:community", args=[community.pk]))
    assert 'data-unread="0"' in response.content.decode()


def test_page_discussion_tag_on_a_standard_page(client, member):
    page = make_standard_page("Skin cancer pathway")
    thread = make_thread(member, page=page, title="How did you staff the tracking list?")
    from django.template import Context, Template
    from django.test import RequestFactory

    request = RequestFactory().get(page.url)
    request.user = member
    html = Template("{% load discussion_tags %}{% page_discussion page %}").render(
        Context({"request": request, "page": page})
    )
    assert "How did you staff the tracking list?" in html
    assert reverse("discussions:ask", args=[page.pk]) in html
    assert reverse("discussions:thread", args=[thread.pk]) in html
    client.force_login(member)
    response = client.post(
        reverse("discussions:ask", args=[page.pk]), {"title": "Second question", "body": "Details", "client_id": "q-2"}
    )
    assert response.status_code == 302
    assert Thread.objects.filter(page=page).count() == 2


def test_header_bell_costs_one_query_or_none_when_its_counts_came_with_the_person(
    client, member, thread, django_assert_num_queries
):
    from django.template import Context, Template
    from django.test import RequestFactory

    from accounts.backends import AuthenticationBackend
    from discussions.services import mark_notifications_read

    Notification.objects.create(recipient=member, kind="reply", actor=member, thread=thread)
    Notification.objects.create(recipient=member, kind="direct", actor=member, thread=thread)
    Notification.objects.create(recipient=member, kind="reply", actor=member, thread=thread, read_at=timezone.now())
    bell = Template("{% load discussion_tags %}{% notification_bell %}")
    request = RequestFactory().get("/")
    request.user = member  # loaded elsewhere: the bell asks
    with django_assert_num_queries(1):
        html = bell.render(Context({"request": request}))
    assert "<span data-bell-number>2</span>" in html
    request.user = AuthenticationBackend().get_user(member.pk)  # as every signed-in request loads them
    with django_assert_num_queries(0):
        assert bell.render(Context({"request": request})) == html
    # Read during the request: the page it renders counts afresh.
    mark_notifications_read(user=request.user)
    with django_assert_num_queries(1):
        assert "<span data-bell-number>0</span>" in bell.render(Context({"request": request}))


def test_notifications_page_and_settings(client, member, thread):
    Notification.objects.create(recipient=member, kind="reply", actor=member, thread=thread)
    client.force_login(member)
    assert "replied to your discussion" in client.get(reverse("discussions:notifications")).content.decode()
    client.post(reverse("discussions:notifications"))
    assert not Notification.objects.unread().filter(recipient=member).exists()
    client.post(
        reverse("discussions:notification_settings"), {"email_frequency": "weekly", "delivery_new_thread": "off"}
    )
    preference = NotificationPreference.objects.get(user=member)
    assert preference.email_frequency == "weekly" and preference.delivery == {"new_thread": "off"}


def test_unsubscribe_link(client, member):
    url = reverse("discussions:unsubscribe", args=[unsubscribe_token(member.pk)])
    assert client.get(url).status_code == 200
    assert not NotificationPreference.objects.filter(user=member).exists()  # GET changes nothing
    client.post(url)
    assert NotificationPreference.objects.get(user=member).email_frequency == "off"
    assert client.get(reverse("discussions:unsubscribe", args=["forged"])).status_code == 404


def test_moderation_page_for_facilitators_only(client, community, member, thread):
    client.force_login(member)
    assert client.get(reverse("discussions:moderation", args=[community.pk])).status_code == 404
    facilitator = member.__class__.objects.create_user(email="f2@example.nhs.uk")
    join(facilitator, community, role="facilitator")
    client.force_login(facilitator)
    response = client.post(reverse("discussions:moderation", args=[community.pk]), {"first_messages": "2"})
    assert response.status_code == 302
    assert community.discussion_settings.premoderate_first_messages == 2
