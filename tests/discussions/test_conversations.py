"""Direct messages: who may write to whom, privacy on every path, block, report, limits, export."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.urls import reverse

from discussions import conversations
from discussions.models import (
    Block,
    Message,
    MessagesFrom,
    ModerationAction,
    Notification,
    NotificationPreference,
    Participant,
    Thread,
)
from discussions.services import DiscussionError, flag_message, post_message
from tests.factories.discussions import cid, join, make_community


@pytest.fixture
def neighbours(member, other_member):
    """Two members of one community (the default setting lets them write to each other)."""
    community = make_community(title="Frailty")
    join(member, community)
    join(other_member, community)
    return member, other_member


def _start(sender, recipient, body="Hello from down the road"):
    return conversations.start_conversation(sender=sender, recipient_ids=[recipient.pk], body=body, client_id=cid())


def _send_form(client, to, body="Hello"):
    return client.post(reverse("discussions:new_conversation"), {"to": [to], "body": body, "client_id": cid()})


def test_start_reply_and_reuse_one_conversation(neighbours):
    member, other = neighbours
    thread = _start(member, other)
    assert thread.is_direct and set(thread.participants.values_list("user_id", flat=True)) == {member.pk, other.pk}
    post_message(author=other, thread_id=thread.pk, body="Hello back", client_id=cid())
    # Writing to the same person again continues the same conversation.
    assert _start(member, other, "And again").pk == thread.pk
    assert Thread.objects.filter(is_direct=True).count() == 1
    assert Message.objects.filter(thread=thread).count() == 3
    # The recipient hears of each message (a "direct" notification: the header's unread count).
    assert Notification.objects.filter(recipient=other, kind=Notification.Kind.DIRECT).count() == 2


def test_a_retried_send_is_not_doubled(neighbours):
    member, other = neighbours
    client_id = cid()
    first = conversations.start_conversation(sender=member, recipient_ids=[other.pk], body="Hi", client_id=client_id)
    again = conversations.start_conversation(sender=member, recipient_ids=[other.pk], body="Hi", client_id=client_id)
    assert first.pk == again.pk and Message.objects.count() == 1


def test_who_may_message_follows_the_recipients_setting(member, other_member, user_factory):
    # No shared community: refused under the default ("people in my communities").
    with pytest.raises(DiscussionError) as refused:
        _start(member, other_member)
    assert refused.value.message == conversations.NOBODY
    NotificationPreference.objects.create(user=other_member, messages_from=MessagesFrom.ANYONE)
    assert _start(member, other_member).is_direct
    NotificationPreference.objects.filter(user=other_member).update(messages_from=MessagesFrom.NOBODY)
    stranger = user_factory()
    with pytest.raises(DiscussionError):
        _start(stranger, other_member)


def test_refusals_read_exactly_like_a_person_who_does_not_exist(client, neighbours, user_factory):
    """Not accepting, blocked, and nobody at all: the same status and the same words, nothing stored."""
    member, other = neighbours
    closed = user_factory()
    NotificationPreference.objects.create(user=closed, messages_from=MessagesFrom.NOBODY)
    Block.objects.create(blocker=other, blocked=member)
    client.force_login(member)
    answers = []
    for to in (other.pk, closed.pk, 999_999, "not-a-number"):
        response = _send_form(client, to)
        answers.append((response.status_code, conversations.NOBODY in response.content.decode()))
    assert answers == [(400, True)] * 4
    assert not Thread.objects.filter(is_direct=True).exists() and not Message.objects.exists()


def test_bad_input_changes_nothing(client, neighbours, settings):
    member, other = neighbours
    client.force_login(member)
    response = _send_form(client, other.pk, body="   ")
    assert response.status_code == 400 and "Write a message." in response.content.decode()
    response = _send_form(client, other.pk, body="<script>alert(1)</script>")
    assert response.status_code == 400 and "cannot contain HTML" in response.content.decode()
    response = _send_form(client, member.pk)
    assert "other than yourself" in response.content.decode()
    settings.DIRECT_MESSAGES_MAX_PARTICIPANTS = 2
    with pytest.raises(DiscussionError, match="at most 2 people"):
        conversations.start_conversation(sender=member, recipient_ids=[other.pk, 12345], body="Hi", client_id=cid())
    assert not Thread.objects.filter(is_direct=True).exists()


def test_first_contact_limit(neighbours, user_factory, settings):
    member, _other = neighbours
    settings.DIRECT_MESSAGES_FIRST_CONTACT_LIMIT = 2
    strangers = [user_factory() for _ in range(3)]
    for person in strangers:
        NotificationPreference.objects.create(user=person, messages_from=MessagesFrom.ANYONE)
    first = _start(member, strangers[0])
    _start(member, strangers[1])
    with pytest.raises(DiscussionError) as refused:
        _start(member, strangers[2])
    assert refused.value.code == "first_contact" and Thread.objects.filter(is_direct=True).count() == 2
    # A reply makes that conversation no longer a cold contact, so one more may start.
    post_message(author=strangers[0], thread_id=first.pk, body="Happy to help", client_id=cid())
    assert _start(member, strangers[2]).is_direct


def test_conversation_page_is_private(client, neighbours, user_factory):
    member, other = neighbours
    thread = _start(member, other, "About your zero-day list")
    url = reverse("discussions:thread", args=[thread.pk])
    assert client.get(url).status_code == 404  # signed out
    client.force_login(user_factory())
    assert client.get(url).status_code == 404  # a non-participant
    assert (
        client.post(reverse("discussions:reply", args=[thread.pk]), {"body": "x", "client_id": cid()}).status_code
        == 404
    )
    client.force_login(other)
    page = client.get(url)
    assert page.status_code == 200 and "About your zero-day list" in page.content.decode()
    assert f"Conversation with {member.display_name}" in page.content.decode()
    # Opening it reads its message notifications.
    assert not Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


def test_reply_without_javascript_and_block(client, neighbours):
    member, other = neighbours
    thread = _start(member, other)
    client.force_login(other)
    response = client.post(
        reverse("discussions:reply", args=[thread.pk]), {"body": "Yes, come over", "client_id": cid()}
    )
    assert response.status_code == 302
    assert Message.objects.filter(thread=thread, author=other).count() == 1
    response = client.post(reverse("discussions:block"), {"person": member.pk}, follow=True)
    assert f"You have blocked {member.display_name}" in response.content.decode()
    # The blocked person can still read their history, but cannot write, nor start again.
    client.force_login(member)
    assert client.get(reverse("discussions:thread", args=[thread.pk])).status_code == 200
    response = client.post(reverse("discussions:reply", args=[thread.pk]), {"body": "Hello?", "client_id": cid()})
    assert response.status_code == 400 and "You cannot send messages in this conversation." in response.content.decode()
    assert _send_form(client, other.pk).status_code == 400
    assert Message.objects.filter(thread=thread).count() == 2
    # Unblocking lets them write again.
    client.force_login(other)
    client.post(reverse("discussions:unblock"), {"person": member.pk})
    assert not Block.objects.exists()


def test_block_of_nobody_is_refused(client, member):
    client.force_login(member)
    response = client.post(reverse("discussions:block"), {"person": 999_999}, follow=True)
    assert "nobody with that name" in response.content.decode() and not Block.objects.exists()


def test_a_report_lets_curators_read_that_conversation_only_and_is_audited(client, neighbours, curator):
    member, other = neighbours
    reported = _start(member, other, "Something unpleasant")
    other_conversation = _start(other, member, "Something else")  # same people: same conversation
    assert other_conversation.pk == reported.pk
    client.force_login(curator)
    url = reverse("discussions:thread", args=[reported.pk])
    assert client.get(url).status_code == 404  # not reported yet
    message = Message.objects.filter(thread=reported).first()
    flag_message(user=other, message_id=message.pk, reason="Rude")
    assert Notification.objects.filter(recipient=curator, kind=Notification.Kind.FLAG).exists()
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    reads = ModerationAction.objects.filter(actor=curator, thread=reported, action="read_reported")
    assert reads.count() == 2
    # Participants reading it are not logged; curators reading it cannot write in it.
    client.force_login(member)
    client.get(url)
    assert ModerationAction.objects.filter(action="read_reported").count() == 2
    with pytest.raises(DiscussionError):
        post_message(author=curator, thread_id=reported.pk, body="Hello", client_id=cid())


def test_never_indexed_nor_in_the_feed(neighbours):
    from people.models import FeedEvent
    from search.documents import ThreadDocument

    member, other = neighbours
    thread = _start(member, other)
    assert ThreadDocument().should_index(thread) is False
    assert not FeedEvent.objects.filter(thread=thread).exists()


def test_in_the_data_export_and_erased(neighbours):
    from discussions.data_export import _erase_conversations
    from privacy.export import build_archive
    from privacy.registry import ErasureOptions

    member, other = neighbours
    thread = _start(member, other, "First")
    post_message(author=other, thread_id=thread.pk, body="Second", client_id=cid())
    Block.objects.create(blocker=member, blocked=other)
    archive = zipfile.ZipFile(io.BytesIO(build_archive(member)))
    rows = json.loads(archive.read("conversations.json"))
    assert [(row["from"], row["text"]) for row in rows] == [
        (member.display_name, "First"),
        (other.display_name, "Second"),
    ]
    assert json.loads(archive.read("blocks.json"))[0]["blocked"] == other.display_name
    assert _erase_conversations(member, ErasureOptions()) == {"deleted": 1}
    assert not Participant.objects.filter(user=member).exists()


def test_header_shows_unread_messages(client, neighbours):
    member, other = neighbours
    _start(member, other)
    client.force_login(other)
    page = client.get(reverse("discussions:notifications")).content.decode()
    assert 'href="/messages/">Messages <span class="boost-bell__count">1' in page


@pytest.mark.parametrize("count", [2, 12])
def test_inbox_queries_are_constant(client, member, user_factory, count, django_assert_num_queries):
    for _ in range(count):
        person = user_factory()
        NotificationPreference.objects.create(user=person, messages_from=MessagesFrom.ANYONE)
        thread = conversations.start_conversation(sender=member, recipient_ids=[person.pk], body="Hi", client_id=cid())
        post_message(author=person, thread_id=thread.pk, body="Hello", client_id=cid())
    client.force_login(member)
    client.get(reverse("discussions:inbox"))
    # Session, user, the count, the conversations (read marker and last message in it), their
    # people, blocks, the header's counts, the site root (breadcrumbs).
    with django_assert_num_queries(8):
        response = client.get(reverse("discussions:inbox"))
    assert response.content.decode().count("boost-bell__count") >= 1
    assert response.content.decode().count("nhsuk-tag--blue") == count


@pytest.mark.parametrize("count", [3, 30])
def test_conversation_page_queries_are_constant(client, neighbours, count, django_assert_num_queries):
    member, other = neighbours
    thread = _start(member, other)
    for n in range(count):
        post_message(author=other if n % 2 else member, thread_id=thread.pk, body=f"Message {n}", client_id=cid())
    client.force_login(other)
    url = reverse("discussions:thread", args=[thread.pk])
    client.get(url)
    with django_assert_num_queries(15):  # 16 before the user's groups came with the user
        response = client.get(url)
    assert response.status_code == 200
