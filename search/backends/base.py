"""The interface both backends implement: one behaviour, two engines."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from search.documents import SearchDocument
    from search.query import SearchQuery, SearchResults, Suggestion, SuggestQuery


class SearchBackend(Protocol):
    name: str

    def index(self, documents: list[SearchDocument]) -> None:
        """Add or replace these documents."""

    def delete(self, keys: list[str]) -> None:
        """Remove documents by key (``doc_type:object_id``); missing keys are fine."""

    def search(self, query: SearchQuery) -> SearchResults: ...

    def suggest(self, query: SuggestQuery) -> list[Suggestion]: ...

    def update_synonyms(self) -> None:
        """Apply the curated synonyms after an edit (raise ``SearchUnavailable`` if the engine is down)."""

    def rebuild(self, documents: Iterable[SearchDocument]) -> int:
        """Replace the whole index with ``documents`` without a window of empty results."""

    def health(self) -> dict[str, Any]:
        """Raise when the engine cannot answer; else a small dict starting with "backend"."""
