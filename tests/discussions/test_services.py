"""The discussion verbs: persisted first, broadcast on commit, refusals change nothing."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction

from discussions import services
from discussions.models import Flag, Message, ModerationAction, Notification, NotificationPreference, Reaction, Thread
from discussions.services import DiscussionError
from tests.factories.discussions import cid, join, make_standard_page, make_thread, post

pytestmark = pytest.mark.django_db


def test_post_message_stores_then_broadcasts_on_commit(thread, member, django_capture_on_commit_callbacks, broadcasts):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message = post(member, thread, "Hello **all**")
    assert Message.objects.filter(pk=message.pk).exists()
    assert broadcasts == []  # nothing before commit
    for callback in callbacks:
        callback()
    groups = [group for group, _ in broadcasts]
    assert f"thread.{thread.pk}" in groups
    created = next(event for group, event in broadcasts if event["type"] == "message.created")
    assert created["message"]["html"] == "<p>Hello <strong>all</strong></p>"
    assert created["message"]["version"] == message.version == Thread.objects.get(pk=thread.pk).version


def test_a_bell_push_lost_to_a_database_outage_is_one_warning_line(
    thread, member, other_member, community, monkeypatch, caplog, django_capture_on_commit_callbacks, broadcasts
):
    """The database going away just after a reply committed: the thread's author's notification is
    stored; its push to the bell is skipped with one line, no traceback."""
    from django.db import OperationalError

    join(other_member, community)

    def down(ids):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(services, "_deliver_notifications", down)
    with caplog.at_level("WARNING", logger="discussions.services"), django_capture_on_commit_callbacks(execute=True):
        post(other_member, thread, "A reply")
    assert Notification.objects.filter(recipient=member, kind=Notification.Kind.REPLY).count() == 1
    lines = [record for record in caplog.records if "bell push" in record.getMessage()]
    assert len(lines) == 1 and lines[0].exc_info is None


def test_nothing_is_broadcast_for_a_rolled_back_transaction(
    thread, member, django_capture_on_commit_callbacks, broadcasts
):
    with django_capture_on_commit_callbacks(execute=True):
        try:
            with transaction.atomic():
                post(member, thread, "Soon undone")
                raise RuntimeError("roll back")
        except RuntimeError:
            pass
    assert broadcasts == []
    assert not Message.objects.filter(body="Soon undone").exists()


def test_same_client_id_never_duplicates(thread, member):
    client_id = cid()
    first = services.post_message(author=member, thread_id=thread.pk, body="Once", client_id=client_id)
    again = services.post_message(author=member, thread_id=thread.pk, body="Once", client_id=client_id)
    assert first.created and not again.created
    assert again.message.pk == first.message.pk
    assert Message.objects.filter(client_id=client_id).count() == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("x" * 5001, "too_long"),
        ("<script>alert(1)</script>", "html"),
        ('<img src=x onerror="alert(1)">', "html"),
        ("[click](javascript:alert(1))", "unsafe_link"),
        ("[click](data:text/html;base64,xx)", "unsafe_link"),
        ("Hi @[Nobody Here]", "mention"),
    ],
)
def test_bad_bodies_are_refused_and_nothing_stored(thread, member, body, code):
    before = Message.objects.count()
    with pytest.raises(DiscussionError) as error:
        post(member, thread, body)
    assert error.value.code == code
    assert error.value.message
    assert Message.objects.count() == before


def test_markdown_is_rendered_safely(thread, member):
    message = post(member, thread, "- one\n- two\n\n`code` [NHS](https://www.nhs.uk) and a < b")
    assert "<ul>" in message.body_html and "<code>code</code>" in message.body_html
    assert 'href="https://www.nhs.uk" rel="nofollow noopener"' in message.body_html
    assert "a &lt; b" in message.body_html


def test_mentions_only_people_who_can_see_the_thread(private_community, member, other_member, user_factory):
    join(member, private_community)
    outsider = user_factory(display_name="Olive Outsider")
    join(other_member, private_community)
    thread = make_thread(member, private_community)
    with pytest.raises(DiscussionError, match="cannot see this discussion"):
        post(member, thread, "Hey @[Olive Outsider]")
    message = post(member, thread, f"Hey @[{other_member.display_name}]")
    assert list(message.mentions.all()) == [other_member]
    assert '<span class="boost-mention">' in message.body_html
    assert Notification.objects.filter(recipient=other_member, kind="mention").exists()
    assert not Notification.objects.filter(recipient=outsider).exists()


def test_locked_and_hidden_threads_refuse_posts(thread, member, curator):
    services.set_thread_flag(actor=curator, thread_id=thread.pk, locked=True)
    with pytest.raises(DiscussionError) as error:
        post(member, thread, "Still here?")
    assert error.value.code == "locked"
    Thread.objects.filter(pk=thread.pk).update(is_locked=False, is_hidden=True)
    with pytest.raises(DiscussionError) as error:
        post(member, thread, "Still here?")
    assert error.value.code == "not_found"


def test_non_members_cannot_post_in_a_community_thread(thread, other_member):
    with pytest.raises(DiscussionError) as error:
        post(other_member, thread)
    assert error.value.code == "forbidden"


def test_private_thread_is_invisible_to_outsiders(private_community, member, other_member):
    join(member, private_community)
    thread = make_thread(member, private_community)
    with pytest.raises(DiscussionError) as error:
        post(other_member, thread)
    assert error.value.code == "not_found"


def test_edit_own_only_and_marked_edited(thread, member, other_member, community):
    join(other_member, community)
    message = post(member, thread, "First go")
    with pytest.raises(DiscussionError) as error:
        services.edit_message(actor=other_member, message_id=message.pk, body="Hijack")
    assert error.value.code == "not_yours"
    edited = services.edit_message(actor=member, message_id=message.pk, body="Second go")
    assert edited.edited_at is not None and edited.body == "Second go"
    assert Message.objects.get(pk=message.pk).body == "Second go"


def test_delete_own_shows_as_deleted(thread, member, other_member, community):
    join(other_member, community)
    message = post(member, thread, "Oops")
    with pytest.raises(DiscussionError):
        services.delete_message(actor=other_member, message_id=message.pk)
    services.delete_message(actor=member, message_id=message.pk)
    message.refresh_from_db()
    assert message.is_deleted


def test_reactions_toggle(thread, member):
    message = thread.messages.get()
    assert services.toggle_reaction(user=member, message_id=message.pk, kind="thanks") is True
    assert Reaction.objects.filter(message=message).count() == 1
    assert services.toggle_reaction(user=member, message_id=message.pk, kind="thanks") is False
    assert Reaction.objects.filter(message=message).count() == 0
    with pytest.raises(DiscussionError):
        services.toggle_reaction(user=member, message_id=message.pk, kind="<script>")


def test_flag_then_hide_is_audited(
    thread, member, other_member, community, broadcasts, django_capture_on_commit_callbacks
):
    join(other_member, community)
    message = post(other_member, thread, "Something unkind")
    services.flag_message(user=member, message_id=message.pk, reason="Unkind")
    with pytest.raises(DiscussionError) as error:
        services.hide_message(actor=member, message_id=message.pk)
    assert error.value.code == "forbidden"
    facilitator = other_member.__class__.objects.create_user(email="fac@example.nhs.uk")
    join(facilitator, community, role="facilitator")
    with django_capture_on_commit_callbacks(execute=True):
        services.hide_message(actor=facilitator, message_id=message.pk, reason="Not kind")
    assert Message.objects.get(pk=message.pk).is_hidden
    assert Flag.objects.get(message=message).resolved_at is not None
    entry = ModerationAction.objects.get()
    assert (entry.actor, entry.action, entry.reason) == (facilitator, "hide", "Not kind")
    assert any(event["type"] == "message.hidden" for _, event in broadcasts)


def test_premoderation_holds_first_messages(thread, community, other_member, curator):
    services.set_premoderation(actor=curator, community=community, first_messages=1)
    join(other_member, community)
    held = post(other_member, thread, "My first message")
    assert held.state == Message.State.HELD and held.version == 0
    services.review_held_message(actor=curator, message_id=held.pk, approve=True)
    held.refresh_from_db()
    assert held.state == Message.State.PUBLISHED and held.version > 0
    second = post(other_member, thread, "My second")
    assert second.state == Message.State.PUBLISHED


def test_rate_limit(thread, member, settings):
    settings.DISCUSSIONS_RATE_LIMIT = (2, 60)
    post(member, thread)
    with pytest.raises(DiscussionError) as error:
        post(member, thread)
    assert error.value.code == "rate_limited"


def test_question_on_a_page(member, other_member):
    page = make_standard_page()
    thread = make_thread(member, page=page, title="What did you measure?")
    assert thread.page_id == page.pk and thread.community_id is None
    post(other_member, thread, "Waiting times")
    assert Notification.objects.filter(recipient=member, kind="reply").exists()


def test_question_on_an_unpublished_page_is_refused(member):
    page = make_standard_page()
    page.unpublish()
    with pytest.raises(DiscussionError) as error:
        make_thread(member, page=page)
    assert error.value.code == "not_found"


def test_new_thread_notifies_members_and_emails_immediately_exactly_once(
    community, member, other_member, django_capture_on_commit_callbacks
):
    join(member, community)
    join(other_member, community)
    services.set_notification_preferences(user=other_member, email_frequency="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        thread = make_thread(member, community, title="Discharge before noon")
    notification = Notification.objects.get(recipient=other_member, kind="new_thread")
    assert notification.thread == thread
    assert len(mail.outbox) == 1
    assert "Discharge before noon" in mail.outbox[0].body
    assert "/notifications/unsubscribe/" in mail.outbox[0].body
    from discussions.tasks import send_notification_email

    send_notification_email.call(notification.pk)
    assert len(mail.outbox) == 1


def test_daily_digest_sends_once_with_unsubscribe(thread, member, other_member, community):
    join(other_member, community)
    NotificationPreference.objects.create(user=member, email_frequency="daily")
    post(other_member, thread, "Reply one")
    post(other_member, thread, "Reply two")
    from discussions.tasks import send_digests

    assert send_digests.call("daily") == 1
    assert send_digests.call("daily") == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [member.email]
    assert "List-Unsubscribe" in mail.outbox[0].extra_headers


def test_messages_since_returns_changes(thread, member):
    start = Thread.objects.get(pk=thread.pk).version
    first = post(member, thread, "one")
    post(member, thread, "two")
    services.edit_message(actor=member, message_id=first.pk, body="one, edited")
    payloads, complete = services.messages_since(user=member, thread_id=thread.pk, since_version=start)
    assert complete
    assert [p["body"] for p in payloads] == ["two", "one, edited"]


def test_changed_messages_reads_nothing_when_up_to_date_and_keeps_the_order(thread, member, django_assert_num_queries):
    """A resuming socket that is up to date costs no query; a few versions behind, the window is
    read unordered and sorted; more than the limit, the oldest come first and it says incomplete."""
    start = Thread.objects.get(pk=thread.pk).version
    first = post(member, thread, "one")
    post(member, thread, "two")
    post(member, thread, "three")
    services.edit_message(actor=member, message_id=first.pk, body="one, edited")
    version = Thread.objects.get(pk=thread.pk).version
    with django_assert_num_queries(0):
        assert services.changed_messages(thread.pk, version, version, 500) == ([], True)
    changed, complete = services.changed_messages(thread.pk, start, version, 500)
    assert complete and [m.body for m in changed] == ["two", "three", "one, edited"]
    changed, complete = services.changed_messages(thread.pk, start, version, 2)
    assert not complete and [m.body for m in changed] == ["two", "three"]
    changed, complete = services.changed_messages(thread.pk, start + 1, version, 3)
    assert complete and [m.body for m in changed] == ["two", "three", "one, edited"]


def test_question_on_a_page_under_a_private_community_is_private(private_community, member, other_member):
    from boost.models import StandardPage

    join(member, private_community)
    page = private_community.add_child(instance=StandardPage(title="Members' write-up", slug="members-write-up"))
    thread = make_thread(member, page=page, title="Can we see your data?")
    assert thread.community_id == private_community.pk
    with pytest.raises(DiscussionError) as error:
        post(other_member, thread, "Let me in")
    assert error.value.code == "not_found"
    with pytest.raises(DiscussionError):
        services.start_thread(author=other_member, page=page, title="Me too", body="?", client_id=cid())
