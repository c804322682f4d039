"""The thread page's message markup (discussions/message_html.py): escaping, states and who sees what."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import Profile
from communities.models import Membership
from discussions import services
from discussions.models import Message
from tests.factories.discussions import join, post

pytestmark = pytest.mark.django_db


def _item(html: str, message: Message) -> str:
    """The ``<li>`` of one message, cut out of the page."""
    start = html.index(f'<li class="boost-messages__item" id="message-{message.pk}"')
    return html[start : html.index("</article></li>", start)]


def _page(client, thread) -> str:
    response = client.get(reverse("discussions:thread", args=[thread.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_names_are_escaped_and_bodies_are_the_sanitised_markdown(client, thread, member, other_member, community):
    join(other_member, community)
    Profile.objects.update_or_create(user=other_member, defaults={"display_name": '<b>Ann "A&E" Smith</b>'})
    message = post(other_member, thread, body="Hello **there**, see [the guide](https://example.org/a?b=1&c=2)")
    client.force_login(member)
    item = _item(_page(client, thread), message)
    assert "&lt;b&gt;Ann &quot;A&amp;E&quot; Smith&lt;/b&gt;" in item
    assert "<strong>there</strong>" in item
    assert '<a href="https://example.org/a?b=1&amp;c=2" rel="nofollow noopener">the guide</a>' in item


def test_author_sees_edit_and_delete_others_see_reply_quote_and_flag(client, thread, member, other_member, community):
    join(other_member, community)
    mine = post(member, thread, body="Mine")
    theirs = post(other_member, thread, body="Theirs")
    client.force_login(member)
    page = _page(client, thread)
    own, other = _item(page, mine), _item(page, theirs)
    assert "boost-message--mine" in own and "boost-message--mine" not in other
    assert reverse("discussions:edit", args=[mine.pk]) in own
    assert f'data-socket-delete="{mine.pk}"' in own
    assert reverse("discussions:flag", args=[mine.pk]) not in own
    assert reverse("discussions:flag", args=[theirs.pk]) in other
    assert reverse("discussions:edit", args=[theirs.pk]) not in other
    assert f'href="?reply_to={theirs.pk}#reply"' in other and f'href="?quote={theirs.pk}#reply"' in other
    # Members are not moderators: no hide form.
    assert reverse("discussions:moderate", args=[theirs.pk, "hide"]) not in page


def test_moderator_gets_a_hide_form_with_its_own_csrf_token(client, thread, member, other_member, community):
    join(other_member, community, role=Membership.Role.FACILITATOR)
    message = post(member, thread, body="Please hide")
    client.force_login(other_member)
    item = _item(_page(client, thread), message)
    hide = re.search(r'<form method="post" action="([^"]+)" data-socket-action="hide">(.*?)</form>', item)
    assert hide is not None and hide[1] == reverse("discussions:moderate", args=[message.pk, "hide"])
    assert 'name="csrfmiddlewaretoken" value="' in hide[2]


def test_locked_thread_offers_no_reply_or_quote(client, thread, member, other_member, community):
    join(other_member, community, role=Membership.Role.FACILITATOR)
    message = post(member, thread, body="Before the lock")
    services.set_thread_flag(actor=other_member, thread_id=thread.pk, locked=True)
    client.force_login(member)
    item = _item(_page(client, thread), message)
    assert "?reply_to=" not in item and "?quote=" not in item
    assert reverse("discussions:edit", args=[message.pk]) in item


def test_deleted_and_hidden_messages_keep_their_place_without_content(client, thread, member, other_member, community):
    join(other_member, community, role=Membership.Role.FACILITATOR)
    gone = post(member, thread, body="Regret this")
    hidden = post(member, thread, body="Off topic")
    services.delete_message(actor=member, message_id=gone.pk)
    services.hide_message(actor=other_member, message_id=hidden.pk, reason="Off topic")
    client.force_login(member)
    page = _page(client, thread)
    deleted_item, hidden_item = _item(page, gone), _item(page, hidden)
    assert "This message was deleted." in deleted_item and "Regret this" not in deleted_item
    assert "This message was hidden by a moderator." in hidden_item and "Off topic" not in hidden_item
    for item in (deleted_item, hidden_item):
        assert "boost-reactions" not in item and "boost-message__actions" not in item
        assert '<span class="boost-message__edited" hidden>' in item


def test_reply_quotes_the_visible_original_only(client, thread, member, other_member, community):
    join(other_member, community)
    original = post(other_member, thread, body="x" * 200)
    reply = post(member, thread, body="Agreed", reply_to_id=original.pk)
    client.force_login(member)
    item = _item(_page(client, thread), reply)
    assert f'Replying to <a href="#message-{original.pk}">' in item
    assert ": " + "x" * 139 + "…" in item
    services.delete_message(actor=other_member, message_id=original.pk)
    item = _item(_page(client, thread), reply)
    assert f'Replying to <a href="#message-{original.pk}">' in item and "xxx" not in item


def test_reactions_show_counts_and_the_viewers_own(client, thread, member, other_member, community):
    join(other_member, community)
    message = post(other_member, thread, body="Useful")
    services.toggle_reaction(user=member, message_id=message.pk, kind="thanks")
    services.toggle_reaction(user=other_member, message_id=message.pk, kind="thanks")
    services.toggle_reaction(user=other_member, message_id=message.pk, kind="idea")
    client.force_login(member)
    item = _item(_page(client, thread), message)
    thanks = re.search(r'<button class="([^"]+)" type="submit" name="kind" value="thanks" aria-pressed="(\w+)">', item)
    idea = re.search(r'<button class="([^"]+)" type="submit" name="kind" value="idea" aria-pressed="(\w+)">', item)
    assert thanks[1] == "boost-reaction boost-reaction--mine" and thanks[2] == "true"
    assert idea[1] == "boost-reaction" and idea[2] == "false"
    count_re = r'value="(\w+)" aria-pressed="\w+">.*?<span class="boost-reaction__count" data-count>(\d+)</span>'
    counts = dict(re.findall(count_re, item))
    assert counts == {"thanks": "2", "agree": "0", "idea": "1", "celebrate": "0", "same": "0"}


def test_held_message_is_marked_for_its_author_and_has_no_actions(client, thread, member):
    message = post(member, thread, body="Waiting")
    Message.objects.filter(pk=message.pk).update(state=Message.State.HELD)
    client.force_login(member)
    item = _item(_page(client, thread), message)
    assert "Awaiting approval" in item and "Waiting" in item
    assert "boost-reactions" not in item and "boost-message__actions" not in item


def test_time_is_a_valid_datetime_in_uk_time(client, thread, member):
    message = post(member, thread, body="Summer")
    Message.objects.filter(pk=message.pk).update(created_at="2026-07-01T12:05:00+00:00")
    client.force_login(member)
    item = _item(_page(client, thread), message)
    assert '<time datetime="2026-07-01T13:05:00+0100">1 Jul 2026, 13:05</time>' in item


def test_unread_divider_marks_the_first_new_message(client, thread, member, other_member, community):
    join(other_member, community)
    seen = post(other_member, thread, body="Seen")
    client.force_login(member)
    _page(client, thread)  # reads up to "Seen"
    new = post(other_member, thread, body="New")
    page = _page(client, thread)
    assert "New since you last looked" in _item(page, new)
    assert "New since you last looked" not in _item(page, seen)
