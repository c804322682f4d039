"""URL converters shared by every app's ``urls.py``.

Django's ``int`` converter turns any run of digits into a Python int, and a value beyond the
database's 64-bit integers then fails inside the database driver (SQLite's ``OverflowError``,
PostgreSQL's "out of range"), which answered 500. ``id`` matches only the ids a row can have, so
an impossible id is simply a URL that does not exist: 404, before any view runs.
"""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404
from django.urls import register_converter

from boost.middleware import DualModeMiddleware

MAX_ID = 2**63 - 1  # a signed 64-bit primary key, on SQLite and PostgreSQL alike


class IdConverter:
    """A positive database id: 1 to 2⁶³−1, written in at most 19 digits."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if not 1 <= number <= MAX_ID:
            # ValueError tells the resolver "no match", so the request falls through to 404.
            raise ValueError(f"{value} is not a database id")
        return number

    def to_url(self, value: int) -> str:
        return str(int(value))


def parse_id(value: Any) -> int | None:
    """A database id from a form or query value (``"42"``), or None for anything that cannot be one
    (empty, not a number, zero, negative, beyond 64 bits). The same rule as the ``id`` converter,
    for the ids that come in a POST body or a query string instead of the path."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value if 1 <= value <= MAX_ID else None
    if not isinstance(value, str) or not value.isascii() or not value.isdigit() or len(value) > 19:
        return None
    number = int(value)
    return number if 1 <= number <= MAX_ID else None


def register() -> None:
    register_converter(IdConverter, "id")


# Path values named like ids (``pk``, ``id``, ``page_id``, ``revision_pk``…): every model on this
# site has an integer primary key, so a value that is not one cannot name a row.
_ID_NAME = re.compile(r"(?:^|_)(?:pk|id)$")


def is_impossible_id(name: str | None, value: Any) -> bool:
    """True when a resolved path value cannot be a database id though it must be (or looks like) one.

    Any value written only in digits counts as an id whatever its name, so a 20-digit "slug" is
    refused as well as a 20-digit ``pk``; a value named like an id must be a valid one.
    """
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not 0 <= value <= MAX_ID
    if not isinstance(value, str):
        return False
    if value.isascii() and value.isdigit():
        return int(value) > MAX_ID
    return name is not None and bool(_ID_NAME.search(name))


class PathIdMiddleware(DualModeMiddleware):
    """404 for an impossible id in any route, Wagtail's and allauth's included, before the view runs.

    Boost's own routes use the ``id`` converter above. Routes from Wagtail and Django use ``int``
    (any number of digits) or ``str`` (anything) for ids, and their views hand the value to the
    database, which failed with a 500 for an id beyond 64 bits (an overflow) or one that is not a
    number at all. This applies the same rule to every route the project resolves.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):
        if any(is_impossible_id(None, value) for value in view_args) or any(
            is_impossible_id(name, value) for name, value in view_kwargs.items()
        ):
            raise Http404("No such id")
        return None
