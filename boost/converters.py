"""URL converters shared by every app's ``urls.py``.

Django's ``int`` converter turns any run of digits into a Python int, and a value beyond the
database's 64-bit integers then fails inside the database driver (SQLite's ``OverflowError``,
PostgreSQL's "out of range"), which answered 500. ``id`` matches only the ids a row can have, so
an impossible id is simply a URL that does not exist: 404, before any view runs.
"""

from __future__ import annotations

from django.urls import register_converter

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


def register() -> None:
    register_converter(IdConverter, "id")
