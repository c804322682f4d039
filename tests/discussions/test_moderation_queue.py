"""Flags reach a moderator wherever they are raised: questions under a write-up (no community) go
to the curators' site-wide queue, community threads to that community's facilitators; moderators
hear of each new flag in the bell and by email at their chosen frequency."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discussions import services
from discussions.models import Flag, ModerationAction, Notification, NotificationPreference
from discussions.services import DiscussionError
from discussions.tasks import send_digests
from tests.factories.accounts import user_with_role
from tests.factories.discussions import join, make_community, make_standard_page, make_thread

pytestmark = pytest.mark.django_db

QUEUE = "/moderation/"


@pytest.fixture
def write_up_question(member):
    page = make_standard_page("Discharge before noon")
    return make_thread(member, page=page, title="How did you measure it?", body="Which data did you use?")


def _flag(user, message, reason="Rude"):
    return services.flag_message(user=user, message_id=message.pk, reason=reason)


def test_flag_on_a_write_up_question_reaches_curators_live_and_in_their_queue(
    client,
    write_up_question,
    member,
    other_member,
    curator,
    facilitator,
    broadcasts,
    django_capture_on_commit_callbacks,
):
    message = write_up_question.messages.get()
    with django_capture_on_commit_callbacks(execute=True):
        _flag(other_member, message, reason="Off topic")

    notification = Notification.objects.get(recipient=curator)
    assert notification.kind == Notification.Kind.FLAG and notification.message == message
    assert not Notification.objects.filter(recipient=facilitator).exists()
    assert not Notification.objects.filter(recipient__in=[member, other_member], kind="flag").exists()
    bell = [event for group, event in broadcasts if group == f"user.{curator.pk}"]
    assert bell and bell[0]["type"] == "notification.created" and bell[0]["notification"]["url"] == QUEUE
    assert "flagged a message" in bell[0]["notification"]["text"]

    client.force_login(curator)
    response = client.get(QUEUE)
    assert response.status_code == 200
    body = response.content.decode()
    assert "How did you measure it?" in body and "Off topic" in body and "Which data did you use?" in body
    assert "A question on Discharge before noon" in body


def test_flag_in_a_community_goes_to_its_facilitators(
    client, community, member, other_member, facilitator, curator, django_capture_on_commit_callbacks
):
    join(member, community)
    join(facilitator, community, role="facilitator")
    thread = make_thread(member, community, title="Huddles")
    elsewhere = make_community(title="Elsewhere")
    outsider_facilitator = user_with_role("Facilitator")
    join(outsider_facilitator, elsewhere, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        _flag(other_member, thread.messages.get())

    assert Notification.objects.filter(recipient=facilitator, kind="flag").count() == 1
    assert not Notification.objects.filter(recipient=outsider_facilitator).exists()

    client.force_login(facilitator)
    assert "Huddles" in client.get(QUEUE).content.decode()
    # A facilitator of another community has a queue, but not this flag in it.
    client.force_login(outsider_facilitator)
    response = client.get(QUEUE)
    assert response.status_code == 200 and "Huddles" not in response.content.decode()
    # Curators see every flag on the site.
    client.force_login(curator)
    assert "Huddles" in client.get(QUEUE).content.decode()


def test_facilitator_does_not_see_write_up_flags(client, write_up_question, other_member, facilitator, community):
    join(facilitator, community, role="facilitator")
    _flag(other_member, write_up_question.messages.get())
    client.force_login(facilitator)
    assert "How did you measure it?" not in client.get(QUEUE).content.decode()


def test_queue_is_404_for_outsiders_and_members(client, write_up_question, other_member, member):
    _flag(other_member, write_up_question.messages.get())
    response = client.get(QUEUE)
    assert response.status_code == 302 and "login" in response.url
    for person in (member, other_member):
        client.force_login(person)
        assert client.get(QUEUE).status_code == 404
    # A facilitator who was removed from their community loses the queue too.
    facilitator = user_with_role("Facilitator")
    client.force_login(facilitator)
    assert client.get(QUEUE).status_code == 404


def test_hide_from_the_queue_resolves_the_flags(client, write_up_question, other_member, curator):
    message = write_up_question.messages.get()
    _flag(other_member, message)
    client.force_login(curator)
    response = client.post(
        reverse("discussions:moderate", args=[message.pk, "hide"]), {"reason": "Abusive", "next": "queue"}
    )
    assert response.status_code == 302 and response.url == QUEUE
    message.refresh_from_db()
    assert message.is_hidden
    assert not Flag.objects.open().exists()
    assert ModerationAction.objects.get(action="hide").reason == "Abusive"
    assert "How did you measure it?" not in client.get(QUEUE).content.decode()


def test_dismiss_closes_flags_keeps_the_message_and_logs_it(client, write_up_question, other_member, curator):
    message = write_up_question.messages.get()
    _flag(other_member, message)
    client.force_login(curator)
    response = client.post(reverse("discussions:moderate", args=[message.pk, "dismiss"]), {"next": "queue"})
    assert response.status_code == 302 and response.url == QUEUE
    message.refresh_from_db()
    assert not message.is_hidden
    assert Flag.objects.get().resolved_at is not None
    assert ModerationAction.objects.filter(action="dismiss", message=message, actor=curator).exists()


def test_members_cannot_dismiss_or_hide(client, write_up_question, other_member, member):
    message = write_up_question.messages.get()
    _flag(other_member, message)
    with pytest.raises(DiscussionError):
        services.dismiss_flags(actor=other_member, message_id=message.pk)
    client.force_login(other_member)
    client.post(reverse("discussions:moderate", args=[message.pk, "dismiss"]), {"next": "queue"})
    assert Flag.objects.open().count() == 1
    assert not ModerationAction.objects.exists()


def test_flag_email_follows_the_moderators_frequency(
    write_up_question, other_member, curator, admin_user, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(user=curator, email_frequency="immediate")
    NotificationPreference.objects.create(user=admin_user, email_frequency="weekly")
    with django_capture_on_commit_callbacks(execute=True):
        _flag(other_member, write_up_question.messages.get())
    assert [m.to for m in mail.outbox] == [[curator.email]]
    assert "flagged a message" in mail.outbox[0].subject
    assert "/moderation/" in mail.outbox[0].body
    mail.outbox.clear()
    assert send_digests.call("weekly") == 1
    assert mail.outbox[0].to == [admin_user.email]


def test_a_second_flag_on_the_same_message_does_not_notify_again(
    write_up_question, other_member, curator, django_capture_on_commit_callbacks
):
    message = write_up_question.messages.get()
    third = user_with_role("Member")
    with django_capture_on_commit_callbacks(execute=True):
        _flag(other_member, message)
        _flag(third, message)
        _flag(third, message)  # the same person twice is one flag
    assert Flag.objects.filter(message=message).count() == 2
    assert Notification.objects.filter(recipient=curator).count() == 1


def test_opening_a_flag_notification_goes_to_the_queue(client, write_up_question, other_member, curator):
    _flag(other_member, write_up_question.messages.get())
    notification = Notification.objects.get(recipient=curator)
    client.force_login(curator)
    response = client.get(reverse("discussions:open_notification", args=[notification.pk]))
    assert response.status_code == 302 and response.url == QUEUE
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_queue_page_queries_do_not_grow_with_flags(client, curator, member, settings, django_assert_num_queries):
    settings.DISCUSSIONS_RATE_LIMIT = (0, 60)
    community = make_community(title="Wards")
    join(member, community)
    page = make_standard_page("Falls")
    flaggers = [user_with_role("Member") for _ in range(3)]

    def add_flags(n: int) -> None:
        for i in range(n):
            thread = make_thread(member, community if i % 2 else None, page=None if i % 2 else page, title=f"T{i}")
            message = thread.messages.get()
            for flagger in flaggers:
                Flag.objects.create(message=message, user=flagger, reason=f"r{i}")

    add_flags(2)
    client.force_login(curator)
    client.get(QUEUE)  # warm caches
    with CaptureQueriesContext(connection) as small:
        client.get(QUEUE)
    add_flags(20)
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(QUEUE)
    assert response.content.decode().count('class="nhsuk-card"') == 22


def test_moderators_find_the_queue_on_their_dashboard(client, write_up_question, other_member, curator, member):
    _flag(other_member, write_up_question.messages.get())
    client.force_login(curator)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "1 flagged message waiting" in page and f'href="{QUEUE}"' in page
    assert reverse("accounts:suspensions") in page
    client.force_login(member)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert f'href="{QUEUE}"' not in page
