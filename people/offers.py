"""What an "I can help with" offer may hold: plain words, **bold**, *italic* and links to
http(s) or mailto, nothing else. Rendered with discussions' markdown (raw HTML off, safe link
schemes only) and cleaned again by nh3 to that smaller allow-list, so an offer on a profile can
never carry a heading, an image, a list or a script. Anything beyond the subset is refused with a
message saying what is allowed, and nothing is stored."""

from __future__ import annotations

import re

import nh3

from discussions.rendering import has_html, has_unsafe_link, render_markdown

MAX_OFFER_CHARS = 300
OFFER_TAGS = {"p", "strong", "em", "a"}
SAFE_SUBSET = "plain words, **bold**, *italic* and [a link](https://…)"
# Markdown that would render as something beyond the subset (headings, lists, quotes, code, images).
_BEYOND = re.compile(r"(^\s{0,3}(#{1,6}\s|[-*+]\s|\d+[.)]\s|>|```|~~~)|!\[|`)", re.MULTILINE)


class OfferRefused(ValueError):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def clean_offer(text: str) -> tuple[str, str]:
    """(source, safe HTML) of one offer, or :class:`OfferRefused` with a precise message."""
    text = " ".join(text.split())
    if len(text) > MAX_OFFER_CHARS:
        raise OfferRefused(f"An offer can be at most {MAX_OFFER_CHARS} characters (this one has {len(text)}).")
    if has_html(text):
        raise OfferRefused(f"Offers cannot contain HTML. Use {SAFE_SUBSET}.")
    if has_unsafe_link(text):
        raise OfferRefused("Links in an offer must start with https://, http:// or mailto:.")
    if _BEYOND.search(text):
        raise OfferRefused(f"Offers can hold only {SAFE_SUBSET}: no headings, lists, quotes, code or images.")
    html = nh3.clean(
        render_markdown(text),
        tags=OFFER_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="nofollow noopener",
    )
    return text, html
