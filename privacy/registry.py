"""What Boost holds about a person, section by section, each owned by the app that holds it.

An app describes its data in a ``data_export.py`` module (found by ``PrivacyConfig.ready``) and
registers one :class:`DataSection` per kind of record. The export writes each section as
``<name>.json`` and ``<name>.csv`` and explains it in the README; an erasure calls each section's
``erase``. A new feature (direct messages, say) plugs in by adding its own module: nothing here
changes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Row = dict[str, Any]


@dataclass(frozen=True)
class ErasureOptions:
    """What the person (or the admin answering their request) chose for the erasure."""

    delete_messages: bool = False
    # The name other people knew them by (their display name before the erasure), for sections that
    # must take it out of other people's records, such as @mentions.
    former_name: str = ""


@dataclass(frozen=True)
class DataSection:
    """One kind of record about a person.

    ``rows(user)`` returns plain dicts (one per record; values JSON-serialisable or dates); a section
    with ``rows=None`` only takes part in erasure.
    ``erase(user, options)`` erases or anonymises those records and returns a count per action,
    e.g. ``{"deleted": 3}``; it runs inside the erasure's transaction and must fire the ordinary
    model signals (``save()``/``delete()``, not bulk ``update()``) where search indexes the model.
    ``order`` sorts sections in the archive and fixes the erasure order (lower first).
    """

    name: str
    title: str
    description: str
    rows: Callable[[Any], list[Row]] | None
    erase: Callable[[Any, ErasureOptions], dict[str, int]] | None = None
    fields: dict[str, str] = field(default_factory=dict)
    order: int = 100


_sections: dict[str, DataSection] = {}


def register(section: DataSection) -> DataSection:
    """Add ``section`` (idempotent by name: re-registering replaces it)."""
    _sections[section.name] = section
    return section


def sections() -> list[DataSection]:
    return sorted(_sections.values(), key=lambda section: (section.order, section.name))
