"""The people picker on the new-message page: a plain GET search whose results are only people the
sender may see and message; a refusing, blocked or hidden person is absent, like nobody at all."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import ProfileVisibility
from discussions import conversations
from discussions.models import Block, MessagesFrom, NotificationPreference, Thread
from tests.factories.discussions import cid, join, make_community

URL = reverse("discussions:new_conversation")


def _person(user_factory, name: str, community=None, **profile):
    first, last = name.split()
    person = user_factory(first_name=first, last_name=last, display_name=name)
    if profile:
        for field, value in profile.items():
            setattr(person.profile, field, value)
        person.profile.save()
    if community is not None:
        join(person, community)
    return person


@pytest.fixture
def circle(member, user_factory):
    """The sender (``member``) and a community they share with two people called Zephyr."""
    community = make_community(title="Falls prevention")
    join(member, community)
    ann = _person(user_factory, "Zephyr Ann", community, organisation="Leeds Teaching Hospitals")
    bea = _person(user_factory, "Zephyr Bea", community)
    return community, ann, bea


def _results(response) -> set[int]:
    """The ids offered as checkboxes (``add``): the picker's results."""
    return {int(pk) for pk in re.findall(r'name="add" value="(\d+)"', response.content.decode())}


def _chosen(response) -> list[int]:
    """The ids the message form will send to (its hidden ``to`` values)."""
    html = response.content.decode()
    post_form = html[html.index('<form method="post"') :]
    return [int(pk) for pk in re.findall(r'name="to" value="(\d+)"', post_form)]


def test_search_add_remove_and_send_to_a_group(client, member, circle):
    _community, ann, bea = circle
    client.force_login(member)
    response = client.get(URL, {"q": "zephyr"})
    assert response.status_code == 200 and _results(response) == {ann.pk, bea.pk}
    # The organisation is searchable and shown where its owner shows it.
    response = client.get(URL, {"q": "leeds teaching"})
    assert _results(response) == {ann.pk} and "Zephyr Ann, Leeds Teaching Hospitals" in response.content.decode()
    # Ticking both adds them: they become the message's hidden recipients and leave the results.
    response = client.get(URL, {"q": "zephyr", "add": [ann.pk, bea.pk]})
    assert response.status_code == 200 and _chosen(response) == [ann.pk, bea.pk] and _results(response) == set()
    html = response.content.decode()
    assert 'Remove<span class="nhsuk-u-visually-hidden"> Zephyr Ann</span>' in html
    # Each "Remove" is its own GET form carrying everyone else.
    remove_ann = html[html.index('<ul class="nhsuk-list boost-chosen-people"') :].split("</li>")[0]
    assert f'name="to" value="{bea.pk}"' in remove_ann and f'name="to" value="{ann.pk}"' not in remove_ann
    response = client.get(URL, {"to": [bea.pk], "q": "zephyr"})
    assert _chosen(response) == [bea.pk] and _results(response) == {ann.pk}
    # Sending from the page starts one conversation with all three.
    response = client.post(URL, {"to": [ann.pk, bea.pk], "body": "Shall we meet?", "client_id": cid()})
    assert response.status_code == 302
    thread = Thread.objects.get(is_direct=True)
    assert set(thread.participants.values_list("user_id", flat=True)) == {member.pk, ann.pk, bea.pk}


def test_the_group_size_limit_refuses_an_addition_and_changes_nothing(client, member, circle, settings, user_factory):
    community, ann, bea = circle
    cat = _person(user_factory, "Zephyr Cat", community)
    settings.DIRECT_MESSAGES_MAX_PARTICIPANTS = 3
    client.force_login(member)
    response = client.get(URL, {"to": [ann.pk], "q": "zephyr", "add": [bea.pk, cat.pk]})
    html = response.content.decode()
    assert response.status_code == 400
    assert "A conversation can have at most 3 people, you included. Remove someone before adding more." in html
    assert _chosen(response) == [ann.pk] and _results(response) == {bea.pk, cat.pk}
    # One more fits.
    response = client.get(URL, {"to": [ann.pk], "q": "zephyr", "add": [bea.pk]})
    assert response.status_code == 200 and _chosen(response) == [ann.pk, bea.pk]


def test_nobody_the_sender_may_not_message_or_see_is_ever_a_result(client, member, circle, user_factory):
    """Blocked either way, refusing all messages, "my communities" without a shared one, a private
    profile, a closed, suspended or hidden account: all absent, and the page reads exactly as for
    a name nobody has."""
    community, ann, bea = circle
    blocked_me = _person(user_factory, "Zephyr Blocker", community)
    Block.objects.create(blocker=blocked_me, blocked=member)
    i_blocked = _person(user_factory, "Zephyr Blocked", community)
    Block.objects.create(blocker=member, blocked=i_blocked)
    refuses = _person(user_factory, "Zephyr Closed", community)
    NotificationPreference.objects.create(user=refuses, messages_from=MessagesFrom.NOBODY)
    _person(user_factory, "Zephyr Stranger")  # the default: people in my communities; none shared
    _person(user_factory, "Zephyr Private", community, visibility=ProfileVisibility.PRIVATE)
    closed = _person(user_factory, "Zephyr Gone", community)
    closed.is_active = False
    closed.save()
    suspended = _person(user_factory, "Zephyr Suspended", community)
    suspended.suspended = True
    suspended.save()
    hidden = _person(user_factory, "Zephyr Hidden", community)
    hidden.content_hidden = True
    hidden.save()
    secret = _person(user_factory, "Zephyr Secret", community, organisation="Hidden Trust", show_organisation=False)
    client.force_login(member)
    assert _results(client.get(URL, {"q": "zephyr"})) == {ann.pk, bea.pk, secret.pk}
    # A hidden organisation is not matched (it would disclose where they work).
    assert _results(client.get(URL, {"q": "hidden trust"})) == set()

    def body(query):
        html = client.get(URL, {"q": query}).content.decode()
        return html[html.index("<main") :].replace(query, "QUERY")

    nobody = body("Zephyr Nobody")
    for name in ("Zephyr Blocker", "Zephyr Blocked", "Zephyr Closed", "Zephyr Stranger", "Zephyr Private"):
        assert re.sub(r'value="[^"]{20,}"', "", body(name)) == re.sub(r'value="[^"]{20,}"', "", nobody), name
    # Ticking a refusing person's id by hand is refused like any id that was not offered.
    response = client.get(URL, {"q": "zephyr", "add": [refuses.pk]})
    assert response.status_code == 400 and "Choose people from the list of results." in response.content.decode()
    assert _chosen(response) == []


def test_a_blocked_person_learns_nothing_about_the_blocker(client, member, circle):
    _community, ann, _bea = circle
    Block.objects.create(blocker=ann, blocked=member)
    client.force_login(member)
    response = client.get(URL, {"q": "Zephyr Ann"})
    assert _results(response) == set() and 'Nobody you can message matches "Zephyr Ann".' in response.content.decode()
    # And the blocker does not find the person they blocked either.
    client.force_login(ann)
    member.profile.display_name = "Member Person"
    member.profile.save()
    assert _results(client.get(URL, {"q": "member person"})) == set()


def test_an_outsider_is_sent_to_sign_in(client, circle):
    response = client.get(URL, {"q": "zephyr"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "Zephyr" not in response.content.decode()


def test_the_picker_reads_people_in_constant_queries(client, member, circle, user_factory):
    community, _ann, _bea = circle
    client.force_login(member)

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = client.get(URL, {"q": "zephyr"})
        return len(queries), len(_results(response))

    count()  # the first request also reads what the session caches
    few = count()
    for n in range(6):
        _person(user_factory, f"Zephyr Extra{n}", community)
    many = count()
    assert (few[1], many[1]) == (2, 8) and few[0] == many[0]


def test_send_uses_the_same_rule_as_the_picker(member, circle):
    """``may_message`` and the picker are one rule (``conversations.messageable``)."""
    _community, ann, _bea = circle
    assert conversations.may_message(member, ann)
    NotificationPreference.objects.create(user=ann, messages_from=MessagesFrom.NOBODY)
    assert not conversations.may_message(member, ann)
    assert conversations.pick_candidates(member, "zephyr ann") == []


def test_a_block_in_a_group_stops_both_writing_there_and_the_others_carry_on(member, circle):
    """The decided group-block rule: once Ann blocks Bea, neither writes in a group they share
    (nothing of Bea reaches Ann there, nor of Ann reaches Bea), the sender carries on, and Bea can
    start no new conversation that includes Ann."""
    from discussions.services import DiscussionError, post_message

    _community, ann, bea = circle
    group = conversations.start_conversation(
        sender=member, recipient_ids=[ann.pk, bea.pk], body="Welcome, both", client_id=cid()
    )
    Block.objects.create(blocker=ann, blocked=bea)
    for person in (ann, bea):
        with pytest.raises(DiscussionError) as refused:
            post_message(author=person, thread_id=group.pk, body="Hello?", client_id=cid())
        assert refused.value.code == "forbidden"
    assert post_message(author=member, thread_id=group.pk, body="Still here", client_id=cid()).created
    with pytest.raises(DiscussionError) as refused:
        conversations.start_conversation(sender=bea, recipient_ids=[ann.pk, member.pk], body="Hi", client_id=cid())
    assert refused.value.message == conversations.NOBODY
