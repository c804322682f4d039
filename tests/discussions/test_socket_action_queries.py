"""A socket post's database work: the rights re-check and the service's own checks read the
person's membership once between them (issue 19: server CPU per message under load)."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.db.backends.utils import CursorWrapper

from communities.models import Membership
from communities.permissions import is_active_member, remembered_memberships
from discussions.consumers import ThreadConsumer
from discussions.models import Message
from tests.factories.discussions import join, make_thread

pytestmark = pytest.mark.django_db(transaction=True)


def socket_for(user, thread) -> ThreadConsumer:
    consumer = ThreadConsumer()
    consumer.user, consumer.user_id, consumer.thread_id = user, user.pk, thread.pk
    return consumer


@pytest.fixture
def every_thread_sql(monkeypatch) -> list[str]:
    """SQL from every connection: on PostgreSQL the socket's work runs in the database pool's threads,
    each with its own connection, which CaptureQueriesContext (one connection) would not see."""
    seen: list[str] = []
    original = CursorWrapper._execute

    def recording(self, sql, params, *args):
        seen.append(sql)
        return original(self, sql, params, *args)

    monkeypatch.setattr(CursorWrapper, "_execute", recording)
    return seen


def test_a_socket_post_reads_the_membership_once(private_community, member, other_member, broadcasts, every_thread_sql):
    join(member, private_community)
    join(other_member, private_community)
    thread = make_thread(member, private_community)
    consumer = socket_for(other_member, thread)
    every_thread_sql.clear()
    reply = async_to_sync(consumer._run)(consumer._do_post, {"client_id": "q1", "body": "Hello"})
    sql = list(every_thread_sql)
    assert reply["type"] == "ack" and reply["created"] is True
    assert Message.objects.filter(client_id="q1").count() == 1
    assert sql, "no SQL seen: the recorder missed the socket's work"
    reads = [q for q in sql if 'FROM "communities_membership"' in q]
    assert len(reads) == 1, reads  # was 5: re-check, can_view_thread, can_post, is_active_member, moderation


def test_a_removed_member_is_refused_on_the_next_action(private_community, member, other_member, broadcasts):
    join(member, private_community)
    join(other_member, private_community)
    thread = make_thread(member, private_community)
    consumer = socket_for(other_member, thread)
    async_to_sync(consumer._run)(consumer._do_post, {"client_id": "q2", "body": "First"})
    Membership.objects.filter(user=other_member).delete()
    reply = async_to_sync(consumer._run)(consumer._do_post, {"client_id": "q3", "body": "Second"})
    assert reply is not None and not isinstance(reply, dict)  # revoked: nothing remembered between actions
    assert not Message.objects.filter(client_id="q3").exists()


def test_memberships_are_remembered_only_inside_the_block(private_community, member):
    assert not is_active_member(member, private_community)
    join(member, private_community)
    assert is_active_member(member, private_community)  # outside a block every check reads afresh
    with remembered_memberships():
        assert is_active_member(member, private_community)
        Membership.objects.filter(user=member).delete()
        assert is_active_member(member, private_community)  # read once inside the block
    assert not is_active_member(member, private_community)
