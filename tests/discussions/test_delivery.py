"""Per kind of notification: bell and email (default), bell only, or nothing."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.core import mail
from django.urls import reverse

from discussions import conversations, services
from discussions.models import Notification, NotificationPreference
from discussions.tasks import send_digests
from tests.factories.discussions import cid, join, make_community


def _neighbours(member, other_member):
    community = make_community(title="Frailty")
    join(member, community)
    join(other_member, community)


def _write(sender, recipient, body="Hello"):
    return conversations.start_conversation(sender=sender, recipient_ids=[recipient.pk], body=body, client_id=cid())


def test_nothing_stores_no_notification_for_that_kind_only(member, other_member):
    _neighbours(member, other_member)
    NotificationPreference.objects.create(user=other_member, delivery={"direct": "off"})
    thread = _write(member, other_member)
    assert not Notification.objects.filter(recipient=other_member).exists()
    # Other kinds still arrive: a mention of Bob in a community discussion.
    community = make_community(title="Discharge")
    join(member, community)
    join(other_member, community)
    discussion = services.start_thread(
        author=member, community=community, title="Board rounds", body="Hi", client_id=cid()
    )
    services.post_message(
        author=member, thread_id=discussion.pk, body=f"@[{other_member.display_name}] ?", client_id=cid()
    )
    assert Notification.objects.filter(recipient=other_member, kind="mention").count() == 1
    assert thread.is_direct


def test_bell_only_is_never_emailed(member, other_member, django_capture_on_commit_callbacks, broadcasts):
    _neighbours(member, other_member)
    NotificationPreference.objects.create(user=other_member, email_frequency="immediate", delivery={"direct": "bell"})
    with django_capture_on_commit_callbacks(execute=True):
        _write(member, other_member)
    assert Notification.objects.filter(recipient=other_member, kind="direct").count() == 1
    assert any(event["type"] == "notification.created" for _, event in broadcasts)  # the bell, live
    assert mail.outbox == []
    NotificationPreference.objects.filter(user=other_member).update(email_frequency="daily")
    assert send_digests.call("daily") == 0 and mail.outbox == []
    # Back to the default: the digest carries it.
    NotificationPreference.objects.filter(user=other_member).update(delivery={})
    assert send_digests.call("daily") == 1 and len(mail.outbox) == 1


def test_settings_page_saves_each_kind_and_refuses_unknown_choices(client, member):
    client.force_login(member)
    url = reverse("discussions:notification_settings")
    page = client.get(url).content.decode()
    assert "Private messages" in page and "Only in the bell" in page
    response = client.post(url, {"email_frequency": "daily", "delivery_direct": "bell", "delivery_mention": "off"})
    assert response.status_code == 302
    assert NotificationPreference.objects.get(user=member).delivery == {"direct": "bell", "mention": "off"}
    # A kind not sent keeps its choice; a made-up choice is refused and changes nothing.
    client.post(url, {"email_frequency": "weekly", "delivery_mention": "email"})
    assert NotificationPreference.objects.get(user=member).delivery == {"direct": "bell"}
    response = client.post(url, {"email_frequency": "weekly", "delivery_direct": "loud"})
    assert response.status_code == 400 and "Select a valid choice" in response.content.decode()
    assert NotificationPreference.objects.get(user=member).delivery == {"direct": "bell"}


def _new_discussion(author, community):
    return services.start_thread(author=author, community=community, title="Board rounds", body="Hi", client_id=cid())


def test_new_discussions_have_the_same_three_choices(
    member, other_member, user_factory, django_capture_on_commit_callbacks
):
    """Bell and email (the default), bell only (never emailed), nothing (not stored)."""
    community = make_community(title="Frailty")
    bell, off, default = other_member, user_factory(), user_factory()
    for person in (member, bell, off, default):
        join(person, community)
    NotificationPreference.objects.create(user=bell, email_frequency="immediate", delivery={"new_thread": "bell"})
    NotificationPreference.objects.create(user=off, email_frequency="immediate", delivery={"new_thread": "off"})
    NotificationPreference.objects.create(user=default, email_frequency="immediate")
    with django_capture_on_commit_callbacks(execute=True):
        _new_discussion(member, community)
    told = set(Notification.objects.filter(kind="new_thread").values_list("recipient_id", flat=True))
    assert told == {bell.pk, default.pk}
    assert [message.to for message in mail.outbox] == [[default.email]]


def test_settings_page_offers_new_discussions_among_the_kinds(client, member):
    client.force_login(member)
    url = reverse("discussions:notification_settings")
    page = client.get(url).content.decode()
    assert "New discussions in communities you belong to" in page and 'name="new_threads"' not in page
    client.post(url, {"email_frequency": "daily", "delivery_new_thread": "bell"})
    assert NotificationPreference.objects.get(user=member).delivery == {"new_thread": "bell"}


class _Rows:
    """Just enough of a historical model's manager for the data migration's functions."""

    def __init__(self, rows):
        self.rows = rows

    def filter(self, **where):
        return _Rows([row for row in self.rows if all(getattr(row, k) == v for k, v in where.items())])

    def iterator(self):
        return iter(self.rows)


def _row(**fields):
    row = SimpleNamespace(saved=None, **fields)
    row.save = lambda update_fields: setattr(row, "saved", sorted(update_fields))
    return row


def test_the_old_switch_maps_onto_the_delivery_choice():
    migration = importlib.import_module("discussions.migrations.0008_new_threads_delivery")
    on = _row(new_threads=True, delivery={})
    off = _row(new_threads=False, delivery={"direct": "bell"})
    model = SimpleNamespace(objects=_Rows([on, off]))
    apps = SimpleNamespace(get_model=lambda app, name: model)
    migration.switch_to_delivery(apps, None)
    # On is the default (bell and email): nothing stored. Off is "nothing"; other kinds are kept.
    assert (on.delivery, on.saved) == ({}, None)
    assert off.delivery == {"direct": "bell", "new_thread": "off"}
    # And back: "nothing" is the switch off, bell only (no old equivalent) is on.
    bell = _row(new_threads=True, delivery={"new_thread": "bell"})
    model.objects = _Rows([on, off, bell])
    migration.delivery_to_switch(apps, None)
    assert (off.new_threads, off.delivery) == (False, {"direct": "bell"})
    assert (bell.new_threads, bell.delivery) == (True, {})
