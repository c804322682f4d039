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
    community = make_community(title="Frailty network")
    for person in (member, other_member, facilitator, user_factory()):
        join(person, community)
    demo.load(DemoContext(password="x"))
    counts = (Thread.objects.count(), Message.objects.count(), Reaction.objects.count())
    assert counts[0] >= 2 and counts[1] >= 8 and counts[2] >= 4
    assert Message.objects.filter(reply_to__isnull=False).exists()
    assert Message.objects.filter(mentions__isnull=False).exists()
    demo.load(DemoContext(password="x"))
    assert (Thread.objects.count(), Message.objects.count(), Reaction.objects.count()) == counts
