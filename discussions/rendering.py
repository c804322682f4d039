"""Markdown to safe HTML for messages, and @mention parsing.

markdown-it-py runs with raw HTML switched off (so ``<script>`` is shown as text, never parsed), its
link validator accepts only http, https and mailto, and nh3 sanitises the result again with an
allow-list, adding ``rel="nofollow noopener"`` to every link. Belt and braces: either layer alone
would stop script, but the second one also stops whatever the first gets wrong one day.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlsplit

import nh3
from django.utils.text import Truncator
from markdown_it import MarkdownIt

ALLOWED_SCHEMES = {"http", "https", "mailto"}
ALLOWED_TAGS = {
    "p", "br", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li", "a", "hr", "span",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "span": {"class"}, "ol": {"start"}}
# @[Display Name] — square brackets because display names have spaces; one line, at most 80 characters.
MENTION_RE = re.compile(r"@\[([^\]\n]{1,80})\]")


def _validate_link(url: str) -> bool:
    scheme = urlsplit(url.strip()).scheme.lower()
    return scheme in ALLOWED_SCHEMES


_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("strikethrough")
# Headings and images do not belong in a chat message; they render as their plain text.
_md.disable(["heading", "lheading", "image"])
_md.validateLink = _validate_link


def find_mentions(body: str) -> list[str]:
    """The distinct names written as ``@[Name]`` in ``body``, in order."""
    seen: dict[str, None] = {}
    for name in MENTION_RE.findall(body):
        seen.setdefault(" ".join(name.split()), None)
    return list(seen)


_HTML_TAG_RE = re.compile(r"</?([a-zA-Z][a-zA-Z0-9-]*)(?:\s[^<>]*)?/?\s*>")
_SCHEME_RE = re.compile(r"\b(?:javascript|vbscript|data|file)\s*:", re.IGNORECASE)


def has_html(body: str) -> bool:
    """True when ``body`` holds something that looks like an HTML tag (autolinks are not tags)."""
    for match in _HTML_TAG_RE.finditer(body):
        inner = match.group(0)[1:-1].strip()
        if not re.match(r"(?:https?://|mailto:)|[^\s@]+@[^\s@]+$", inner, re.IGNORECASE):
            return True
    return False


def has_unsafe_link(body: str) -> bool:
    """True when a link in the markdown uses a scheme other than http, https or mailto."""
    for token in _md.parse(body):
        for child in token.children or []:
            if child.type == "link_open" and not _validate_link(child.attrGet("href") or ""):
                return True
    # The parser drops links it refuses, so look for the refused schemes in link targets too.
    return any(_SCHEME_RE.match(target.strip().lstrip("<")) for target in re.findall(r"\]\(([^)]*)\)", body)) or bool(
        re.search(r"<\s*(?:javascript|vbscript|data|file)\s*:", body, re.IGNORECASE)
    )


def render_markdown(body: str, mentioned_names: set[str] | None = None) -> str:
    """Render ``body`` to sanitised HTML; ``@[Name]`` for a resolved name becomes a mention span."""
    rendered = _md.render(body)
    if mentioned_names:
        lowered = {name.casefold() for name in mentioned_names}

        def _mention(match: re.Match) -> str:
            name = " ".join(html.unescape(match.group(1)).split())
            if name.casefold() not in lowered:
                return match.group(0)
            return f'<span class="boost-mention">@{html.escape(name)}</span>'

        rendered = MENTION_RE.sub(_mention, rendered)
    return nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="nofollow noopener",
        strip_comments=True,
    ).strip()


def plain_text(body: str) -> str:
    """``body`` as one line of plain text: markdown formatting dropped, ``@[Name]`` shown as ``@Name``.

    For places that show a message as text rather than HTML (reply quotes, live or server-drawn).
    The markdown is parsed, not pattern-matched, so ``**PDSA**`` and ``*one*`` lose their markers
    while a lone asterisk in ``3 * 4`` stays.
    """
    parts: list[str] = []
    for token in _md.parse(body):
        if token.type == "inline":
            for child in token.children or []:
                if child.type in ("text", "code_inline"):
                    parts.append(child.content)
                elif child.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            parts.append(" ")
        elif token.type in ("code_block", "fence"):
            parts.append(f"{token.content} ")
    text = MENTION_RE.sub(lambda match: "@" + " ".join(match.group(1).split()), "".join(parts))
    return " ".join(text.split())


def quote_excerpt(body: str, limit: int = 140) -> str:
    """The start of ``body`` as plain text, at most ``limit`` characters (with an ellipsis when cut)."""
    return Truncator(plain_text(body)).chars(limit)
