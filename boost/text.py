"""Which text may be stored: one rule for every form field and every socket action.

Two kinds of character are refused wherever text comes in:

- NUL (``\\x00``): PostgreSQL cannot store it in a text column at all, while SQLite stores it,
  so the same input would fail on one database and silently persist on the other;
- a lone surrogate (``\\ud800``–``\\udfff`` not part of a pair): not a character but half of one.
  It cannot be encoded as UTF-8, so it broke the sanitiser, the database and every page that
  showed it. JSON lets a client send one as an escape (``"\\ud800"``); a pair written as escapes
  is decoded into one real character by ``json.loads`` and never reaches this check.

Forms get the rule through :class:`boost.forms.StorableTextMixin`, sockets through
:func:`find_unstorable_text`; both use :func:`text_problem`, so the message is the same.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

UNSTORABLE_TEXT_MESSAGE = (
    "Remove the character that cannot be stored: this text contains a null character "
    "or half of an emoji (a lone surrogate)."
)
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def text_problem(value: str) -> str | None:
    """The error message for ``value`` if it holds a character that cannot be stored, else None."""
    return UNSTORABLE_TEXT_MESSAGE if _UNSTORABLE.search(value) else None


def validate_storable_text(value: Any) -> None:
    """Django validator form of :func:`text_problem`."""
    if isinstance(value, str) and (message := text_problem(value)):
        raise ValidationError(message, code="unstorable_text")


def find_unstorable_text(data: Any) -> str | None:
    """The error message if any string in decoded JSON (keys included) cannot be stored.

    Walked with an explicit stack, not recursion: the data comes from a client and may be nested
    as deeply as the JSON parser allowed.
    """
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if message := text_problem(item):
                return message
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
