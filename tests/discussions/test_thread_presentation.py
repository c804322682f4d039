"""What a first-time reader sees on a thread: plain-text quotes, drawn reaction icons, a way in.

Issue 12, items 2, 3, 6 and 11: reply quotes without markdown markers, reactions as SVG icons with
words (counts, not dead buttons, for readers who cannot react), the join or request action for a
signed-in non-member, and no unread counts for anonymous visitors.
"""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from communities.models import Access, Membership
from discussions import events, services
from discussions.rendering import plain_text, quote_excerpt
from tests.factories.communities import make_community
from tests.factories.discussions import join, make_thread, post

pytestmark = pytest.mark.django_db

MARKDOWN_REPLY = "Our **PDSA** cycle ran *one* ward at a time, as @[Fatima Rahman] suggested."
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf]")


def test_plain_text_drops_markdown_and_mention_brackets():
    assert plain_text(MARKDOWN_REPLY) == "Our PDSA cycle ran one ward at a time, as @Fatima Rahman suggested."
    assert plain_text("> quoted `code`\n\n- a [link](https://example.org)") == "quoted code a link"
    # A lone asterisk is arithmetic, not emphasis.
    assert plain_text("3 * 4 = 12") == "3 * 4 = 12"
    assert quote_excerpt("word " * 100).endswith("…") and len(quote_excerpt("word " * 100)) <= 140


def test_reply_quote_is_plain_text_on_the_page_and_in_the_live_event(client, member, other_member):
    community = make_community("Quotes")
    join(member, community)
    join(other_member, community)
    other_member.profile.display_name = "Fatima Rahman"
    other_member.profile.save()
    thread = make_thread(member, community, body=MARKDOWN_REPLY)
    first = thread.messages.get()
    reply = post(member, thread, "Agreed.", reply_to_id=first.pk)

    client.force_login(member)
    page = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    quote = re.search(r'<blockquote class="boost-message__quote"[^>]*>(.*?)</blockquote>', page, re.S).group(1)
    assert "Our PDSA cycle ran one ward at a time, as @Fatima Rahman suggested." in quote
    assert "**" not in quote and "*one*" not in quote and "@[" not in quote

    payload = events.message_payload(reply)
    assert payload["reply_to"]["excerpt"] == "Our PDSA cycle ran one ward at a time, as @Fatima Rahman suggested."


def test_reactions_are_svg_icons_with_words_never_emoji(client, member, other_member):
    community = make_community("Reactions")
    join(member, community)
    thread = make_thread(member, community)
    services.toggle_reaction(user=member, message_id=thread.messages.get().pk, kind="thanks")

    client.force_login(member)
    page = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    messages = page[: page.index('<template id="message-template">')]
    buttons = re.findall(r'<button class="boost-reaction[^"]*"[^>]*>.*?</button>', messages, re.S)
    assert len(buttons) == 5
    for button in buttons:
        assert '<svg class="boost-reaction__icon"' in button and 'aria-hidden="true"' in button
        assert not EMOJI.search(button)
    assert '<span class="boost-reaction__word">Thanks</span>' in page
    # The live template (thread.js) draws the same icons.
    template = page[page.index('<template id="message-template">') :]
    assert template.count('<svg class="boost-reaction__icon"') == 5 and not EMOJI.search(template)


def test_anonymous_readers_see_reaction_counts_not_disabled_buttons(client, member):
    community = make_community("Public reactions")
    join(member, community)
    thread = make_thread(member, community)
    services.toggle_reaction(user=member, message_id=thread.messages.get().pk, kind="agree")

    page = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    assert "disabled" not in page
    assert 'class="boost-reaction"' not in page and 'name="kind"' not in page
    counts = re.search(r'<ul class="boost-reactions boost-reactions--counts"[^>]*>(.*?)</ul>', page, re.S).group(0)
    assert 'data-kind="agree">' in counts and '<span class="boost-reaction__count" data-count>1</span>' in counts
    assert 'data-kind="thanks" hidden>' in counts


@pytest.mark.parametrize(
    ("access", "control"),
    [(Access.OPEN, "Join Open huddles</button>"), (Access.REQUEST, "Ask to join Open huddles</a>")],
)
def test_signed_in_non_member_is_offered_the_way_in(client, member, other_member, access, control):
    community = make_community("Open huddles", access=access)
    join(member, community)
    thread = make_thread(member, community)
    client.force_login(other_member)
    page = client.get(reverse("discussions:thread", args=[thread.pk])).content.decode()
    assert "Join the community to take part in this discussion." in page
    assert control in page
    # Reacting is taking part: counts only, no buttons the server would refuse.
    assert 'name="kind"' not in page
    # Flagging stays open to every signed-in reader (it asks moderators to look; it posts nothing).
    assert "Flag<span" in page


def test_joining_from_a_thread_comes_back_to_it(client, member, other_member):
    community = make_community("Come back", access=Access.OPEN)
    join(member, community)
    thread = make_thread(member, community)
    thread_url = reverse("discussions:thread", args=[thread.pk])
    client.force_login(other_member)
    response = client.post(reverse("communities:join", args=[community.slug]), {"next": thread_url})
    assert response.status_code == 302 and response.url == thread_url
    assert Membership.objects.filter(user=other_member, community=community, state="active").exists()
    assert 'id="reply-form"' in client.get(thread_url).content.decode()
    # An outside address in next is ignored: back to the community.
    client.post(reverse("communities:leave", args=[community.slug]))
    response = client.post(reverse("communities:join", args=[community.slug]), {"next": "https://evil.example/"})
    assert response.url == community.url


def test_request_to_join_from_a_thread_comes_back_to_it(client, member, other_member):
    community = make_community("Ask first", access=Access.REQUEST)
    join(member, community)
    thread = make_thread(member, community)
    thread_url = reverse("discussions:thread", args=[thread.pk])
    client.force_login(other_member)
    request_url = reverse("communities:request", args=[community.slug]) + f"?next={thread_url}"
    response = client.post(request_url, {"message": "I run huddles on ward 7."})
    assert response.status_code == 302 and response.url == thread_url
    assert Membership.objects.get(user=other_member, community=community).state == Membership.State.PENDING
    assert "Request sent" in client.get(thread_url).content.decode()


def test_anonymous_visitors_hear_no_unread_counts(client, member):
    community = make_community("Ward huddles")
    join(member, community)
    make_thread(member, community)
    page = client.get(community.url).content.decode()
    assert "How do you run a huddle?" in page
    assert "unread" not in page.lower()
