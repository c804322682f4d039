"""The demo loader makes lively threads in existing communities, once, and nothing without them."""

from __future__ import annotations

import pytest

from boost.demo.context import DemoContext
from discussions import demo
from discussions.models import Message, Reaction, Thread
from tests.factories.discussions import join, make_community

pytestmark = pytest.mark.django_db


def test_no_communities_no_threads():
    demo.load(DemoContext(password="x"))
    assert not Thread.objects.exists()


def test_lively_threads_idempotent(member, other_member, facilitator, user_factory):
    community = make_community(title="Living well with frailty")
    community.slug = "frailty"
    community.save()
    for person in (member, other_member, facilitator, user_factory(), user_factory()):
        join(person, community)
    demo.load(DemoContext(password="x"))
    counts = (Thread.objects.count(), Message.objects.count(), Reaction.objects.count())
    assert counts[0] >= 2 and counts[1] >= 8 and counts[2] >= 4
    assert Message.objects.filter(reply_to__isnull=False).exists()
    assert Message.objects.filter(mentions__isnull=False).exists()
    stamps = sorted(Message.objects.values_list("pk", "created_at"))
    demo.load(DemoContext(password="x"))
    assert (Thread.objects.count(), Message.objects.count(), Reaction.objects.count()) == counts
    assert sorted(Message.objects.values_list("pk", "created_at")) == stamps


def test_threads_belong_to_their_community_and_to_the_past(member, other_member, user_factory):
    """No community gets another's threads; messages carry past dates spread over weeks, not the load time."""
    from django.utils import timezone

    frailty = make_community(title="Frailty")
    frailty.slug = "frailty"
    frailty.save()
    elsewhere = make_community(title="Somewhere else")
    for community in (frailty, elsewhere):
        for person in (member, other_member, user_factory()):
            join(person, community)
    demo.load(DemoContext(password="x"))
    assert not Thread.objects.filter(community=elsewhere).exists()
    titles = [thread.title for thread in Thread.objects.all()]
    assert len(titles) == len(set(titles)) >= 2
    now = timezone.now()
    stamps = list(Message.objects.values_list("created_at", flat=True))
    assert all(stamp < now - timezone.timedelta(days=1) for stamp in stamps)
    assert (max(stamps) - min(stamps)).days >= 30
    for thread in Thread.objects.all():
        first = thread.messages.order_by("created_at").first()
        assert thread.created_at == first.created_at and thread.last_activity_at < now


def test_every_demo_title_is_its_own():
    titles = [spec.title for specs in demo.THREADS.values() for spec in specs]
    assert len(titles) == len(set(titles))
