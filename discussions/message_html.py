"""The HTML of one message in a thread page, built in Python rather than a Django template.

Why not a template: the thread page shows up to ``PAGE_SIZE`` messages, and rendering
``includes/message.html`` once per message (five ``{% url %}`` tags, two CSRF inputs, a loop of
reaction buttons, date filters) cost about 0.4 ms a message, so the first page of a long thread took
1.8× as long as a ten-message thread (``bench/thread_render.py``; issue 5 asks for at most 1.2×).
Everything that is the same for every message on the page (URL shapes, the CSRF input, the
viewer's rights, the reaction labels) is worked out once in :class:`MessageRenderer`; each message
then costs string joins and ``escape()`` calls. Every value from the database goes through
``escape()`` except ``body_html``, which ``rendering.render_markdown`` sanitised with nh3 when the
message was saved.

The markup is the one ``thread.js`` reads and ``includes/message_template.html`` mirrors for
messages that arrive live: keep the three in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from discussions.models import Message, Thread
from discussions.reactions import BY_KIND
from discussions.rendering import quote_excerpt
from discussions.thread_page import MessageRow

_PLACEHOLDER = 987654321  # an id no URL pattern will ever hold twice; replaced per message


def _url_shape(name: str, *args: Any) -> str:
    return escape(reverse(name, args=[_PLACEHOLDER, *args]))


@dataclass
class MessageRenderer:
    """Renders the messages of one thread page for one viewer."""

    request: Any
    thread: Thread
    can_post: bool
    is_moderator: bool
    first_unread: int | None = None
    _shapes: dict[str, str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        user = self.request.user
        self.user_id = user.pk if user.is_authenticated else None
        self.signed_in = user.is_authenticated
        self.can_reply = self.can_post and not self.thread.is_locked
        csrf = escape(get_token(self.request))
        self.csrf_input = f'<input type="hidden" name="csrfmiddlewaretoken" value="{csrf}">'
        self._shapes = {
            "react": _url_shape("discussions:react"),
            "edit": _url_shape("discussions:edit"),
            "delete": _url_shape("discussions:delete"),
            "flag": _url_shape("discussions:flag"),
            "hide": _url_shape("discussions:moderate", "hide"),
        }
        self.months = {n: str(MONTHS_3[n]).title() for n in range(1, 13)}
        # Reacting is taking part: the same right as posting (services.toggle_reaction checks it too).
        self.can_react = self.can_post

    def _url(self, name: str, pk: int) -> str:
        return self._shapes[name].replace(str(_PLACEHOLDER), str(pk))

    def render_all(self, messages: list[MessageRow]) -> list[SafeString]:
        return [self.render(message) for message in messages]

    def render(self, message: MessageRow) -> SafeString:
        pk = message.pk
        author_name = escape(message.author_name)
        created = timezone.localtime(message.created_at)
        mine = self.user_id is not None and message.author_id == self.user_id
        hide_edited = not message.edited_at or message.is_deleted or message.is_hidden
        parts = [
            f'<li class="boost-messages__item" id="message-{pk}" data-message-id="{pk}" '
            f'data-version="{message.version}" data-author-id="{message.author_id}">'
        ]
        if self.first_unread == pk:
            parts.append(
                '<p class="boost-unread-divider"><strong class="nhsuk-tag nhsuk-tag--blue">'
                "New since you last looked</strong></p>"
            )
        parts.append(
            f'<article class="boost-message{" boost-message--mine" if mine else ""}">'
            f'<p class="boost-message__meta"><strong class="boost-message__author">{author_name}</strong> '
            f'<time datetime="{created:%Y-%m-%dT%H:%M:%S%z}">'
            f"{created.day} {self.months[created.month]} {created.year}, {created:%H:%M}</time> "
            f'<span class="boost-message__edited"{" hidden" if hide_edited else ""}>(edited)</span></p>'
        )
        if message.is_hidden:
            parts.append('<p class="boost-message__removed" data-body>This message was hidden by a moderator.</p>')
        elif message.is_deleted:
            parts.append('<p class="boost-message__removed" data-body>This message was deleted.</p>')
        else:
            self._content(parts, message, author_name, mine)
        parts.append("</article></li>")
        return mark_safe("".join(parts))  # noqa: S308 - every database value above is escaped; body_html is sanitised

    def _content(self, parts: list[str], message: MessageRow, author_name: str, mine: bool) -> None:
        pk = message.pk
        if message.state == Message.State.HELD:
            parts.append('<p><strong class="nhsuk-tag nhsuk-tag--yellow">Awaiting approval</strong></p>')
        if message.reply_to is not None:
            quoted = message.reply_to
            excerpt = f": {escape(quote_excerpt(quoted.body))}" if quoted.is_visible else ""
            quoted_name = escape(quoted.author_name)
            parts.append(
                f'<blockquote class="boost-message__quote" data-quote>Replying to '
                f'<a href="#message-{message.reply_to_id}">{quoted_name}</a>{excerpt}</blockquote>'
            )
        parts.append(f'<div class="boost-message__body boost-prose" data-body>{message.body_html}</div>')
        if message.state != Message.State.PUBLISHED:
            return
        if self.can_react:
            parts.append(
                f'<form class="boost-reactions" method="post" action="{self._url("react", pk)}" '
                f'data-socket-action="react">{self.csrf_input}'
            )
            for reaction in message.reaction_list:
                style = BY_KIND[reaction["kind"]]
                pressed = "true" if reaction["mine"] else "false"
                parts.append(
                    f'<button class="boost-reaction{" boost-reaction--mine" if reaction["mine"] else ""}" '
                    f'type="submit" name="kind" value="{style.kind}" aria-pressed="{pressed}">{style.icon}'
                    f'<span class="boost-reaction__word">{style.word}</span> '
                    f'<span class="boost-reaction__count" data-count>{reaction["count"]}</span></button>'
                )
            parts.append("</form>")
        else:
            # Readers who cannot react see what others said, as counts rather than dead buttons. Every
            # kind is there (hidden at nought) so thread.js can show a count that arrives live.
            none_given = not any(reaction["count"] for reaction in message.reaction_list)
            parts.append(
                '<ul class="boost-reactions boost-reactions--counts" aria-label="Reactions" data-reaction-counts'
                f"{' hidden' if none_given else ''}>"
            )
            for reaction in message.reaction_list:
                style = BY_KIND[reaction["kind"]]
                hidden = "" if reaction["count"] else " hidden"
                parts.append(
                    f'<li class="boost-reaction-count" data-kind="{style.kind}"{hidden}>'
                    f'{style.icon}<span class="boost-reaction__word">{style.word}</span> '
                    f'<span class="boost-reaction__count" data-count>{reaction["count"]}</span></li>'
                )
            parts.append("</ul>")
        parts.append('<ul class="boost-message__actions">')
        if self.can_reply:
            parts.append(
                f'<li><a href="?reply_to={pk}#reply">Reply<span class="nhsuk-u-visually-hidden"> to {author_name}'
                f'</span></a></li><li><a href="?quote={pk}#reply">Quote<span class="nhsuk-u-visually-hidden"> '
                f"{author_name}</span></a></li>"
            )
        if mine:
            parts.append(
                f'<li><a href="{self._url("edit", pk)}">Edit<span class="nhsuk-u-visually-hidden"> your message'
                f'</span></a></li><li><a href="{self._url("delete", pk)}" data-socket-delete="{pk}">Delete'
                '<span class="nhsuk-u-visually-hidden"> your message</span></a></li>'
            )
        elif self.signed_in:
            parts.append(
                f'<li><a href="{self._url("flag", pk)}">Flag<span class="nhsuk-u-visually-hidden"> this message to '
                "moderators</span></a></li>"
            )
        if self.is_moderator:
            parts.append(
                f'<li><form method="post" action="{self._url("hide", pk)}" data-socket-action="hide">'
                f'{self.csrf_input}<button class="boost-link-button" type="submit">Hide<span '
                'class="nhsuk-u-visually-hidden"> this message</span></button></form></li>'
            )
        parts.append("</ul>")
