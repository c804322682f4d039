"""How each reaction is shown: a drawn icon and a word, never an emoji.

Emoji depend on the reader's fonts (a machine without an emoji font shows an empty box), so every
reaction is an inline SVG drawn in ``currentColor`` beside its word. The icon is decoration
(``aria-hidden``); the word and the count are what a screen reader hears. Kinds and their stored
values stay in ``Reaction.Kind``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from discussions.models import Reaction

_SVG = (
    '<svg class="boost-reaction__icon" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="18" '
    'height="18" aria-hidden="true" focusable="false" fill="currentColor">{}</svg>'
)

# 24 × 24 outlines drawn for Boost (no icon font, no third-party artwork).
_PATHS = {
    Reaction.Kind.THANKS: '<path d="M12 20.5S3.5 15.4 3.5 9.3C3.5 6.6 5.6 4.5 8.2 4.5c1.6 0 3 .8 3.8 2 .8-1.2 2.2-2 '
    '3.8-2 2.6 0 4.7 2.1 4.7 4.8 0 6.1-8.5 11.2-8.5 11.2Z"/>',
    Reaction.Kind.AGREE: '<path d="M2.5 10h3.5v10.5H2.5zM7.5 20.5V9.8l4.4-6.1c.5-.7 1.5-.8 2.2-.2.4.4.6 1 .5 1.6L13.9 '
    '9h5.4c1.3 0 2.3 1.2 2 2.5l-1.6 7.3c-.2.9-1 1.7-2 1.7Z"/>',
    Reaction.Kind.IDEA: '<path d="M12 2.5a6.8 6.8 0 0 0-4 12.3V17c0 .6.4 1 1 1h6c.6 0 1-.4 1-1v-2.2a6.8 6.8 0 0 0-4-'
    '12.3ZM9 19.5h6V21c0 .6-.4 1-1 1h-4c-.6 0-1-.4-1-1Z"/>',
    Reaction.Kind.CELEBRATE: '<path d="m12 2.5 2.9 6 6.6.9-4.8 4.6 1.2 6.5L12 17.4l-5.9 3.1 1.2-6.5-4.8-4.6 6.6-.9Z"/>',
    Reaction.Kind.SAME: '<path fill-rule="evenodd" d="M12 5.5c-5 0-8.7 3.9-10 6.5 1.3 2.6 5 6.5 10 6.5s8.7-3.9 10-6.5'
    "c-1.3-2.6-5-6.5-10-6.5Zm0 10.3a3.8 3.8 0 1 1 0-7.6 3.8 3.8 0 0 1 0 7.6Zm0-2a1.8 1.8 0 1 0 0-3.6 1.8 1.8 0 0 "
    '0 0 3.6Z"/>',
}

_WORDS = {
    Reaction.Kind.THANKS: "Thanks",
    Reaction.Kind.AGREE: "Agree",
    Reaction.Kind.IDEA: "Useful idea",
    Reaction.Kind.CELEBRATE: "Celebrate",
    Reaction.Kind.SAME: "Same here",
}


@dataclass(frozen=True)
class ReactionStyle:
    kind: str
    word: str
    icon: SafeString


REACTIONS: list[ReactionStyle] = [
    ReactionStyle(kind.value, _WORDS[kind], mark_safe(_SVG.format(_PATHS[kind])))  # noqa: S308 - constant markup
    for kind in Reaction.Kind
]
BY_KIND: dict[str, ReactionStyle] = {style.kind: style for style in REACTIONS}
