"""Query objects: what a search asks for (dataclasses) and what it gets back.

``SearchQuery(...).run()`` and ``SuggestQuery(...).run()`` hand themselves to the configured
backend; views never talk to a backend directly.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils.safestring import SafeString

from search.permissions import Viewer
from search.text import MAX_QUERY_CHARS, ParsedQuery, parse_query

# Facet name -> heading. Order is display order. Values are stored as display strings.
FACETS: dict[str, str] = {
    "type": "Type",
    "priority": "Priority",
    "community": "Community",
    "care_area": "Care area",
    "care_setting": "Care setting",
    "stage": "Stage",
    "organisation": "Organisation",
    "method": "Method",
    "year": "Year",
}
SORTS = ("relevance", "newest")
PER_PAGE = 10
MAX_FACET_VALUES = 200
MAX_PAGE = 1000


class SearchUnavailable(Exception):
    """The search engine cannot answer right now (the rest of the site carries on)."""


@dataclass
class Hit:
    doc_type: str
    type_label: str
    title: str
    url: str
    snippet: SafeString
    key_facts: list[str]
    published_at: datetime | None
    score: float = 0.0

    def as_json(self) -> dict[str, Any]:
        return {
            "type": self.doc_type,
            "type_label": self.type_label,
            "title": self.title,
            "url": self.url,
            "snippet_html": str(self.snippet),
            "key_facts": self.key_facts,
            "published_at": self.published_at.isoformat() if self.published_at else None,
        }


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False
    name: str = ""

    @property
    def label(self) -> str:
        if self.name == "type":
            from search import registry

            return registry.label(self.value)
        return self.value


@dataclass
class SearchResults:
    query: SearchQuery
    hits: list[Hit]
    total: int
    facets: dict[str, list[FacetValue]]
    did_you_mean: str | None = None
    # True when ``total`` is a floor ("more than N"): the database backend stops counting at its
    # candidate cap (search/backends/database.py explains the trade-off).
    total_is_lower_bound: bool = False

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.query.per_page))

    @property
    def page(self) -> int:
        return self.query.page

    def as_json(self) -> dict[str, Any]:
        return {
            "query": self.query.text,
            "sort": self.query.sort,
            "filters": self.query.filters,
            "page": self.page,
            "num_pages": self.num_pages,
            "total": self.total,
            "total_relation": "gte" if self.total_is_lower_bound else "eq",
            "did_you_mean": self.did_you_mean,
            "results": [hit.as_json() for hit in self.hits],
            "facets": {
                name: [{"value": v.value, "count": v.count, "selected": v.selected} for v in values]
                for name, values in self.facets.items()
            },
        }


def clean_filters(raw: dict[str, list[str]]) -> dict[str, list[str]]:
    """Known facet names only, de-duplicated, bounded. Unknown values simply match nothing."""
    cleaned: dict[str, list[str]] = {}
    for name, values in raw.items():
        if name not in FACETS:
            continue
        kept = list(dict.fromkeys(v.strip()[:200] for v in values if v and v.strip()))[:20]
        if kept:
            cleaned[name] = kept
    return cleaned


@dataclass
class SearchQuery:
    """A full-text search with facet filters, sort and page, as one viewer sees it."""

    text: str = ""
    viewer: Viewer = field(default_factory=Viewer.anonymous)
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = PER_PAGE
    page_clamped: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.text = (self.text or "")[:MAX_QUERY_CHARS]
        self.filters = clean_filters(self.filters)
        if self.sort not in SORTS:
            self.sort = "relevance"
        self.page = max(1, min(int(self.page or 1), MAX_PAGE))

    @property
    def parsed(self) -> ParsedQuery:
        if not hasattr(self, "_parsed"):
            self._parsed = parse_query(self.text)
        return self._parsed

    @property
    def is_blank(self) -> bool:
        return self.parsed.is_empty and not self.filters

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page

    def run(self) -> SearchResults:
        from search.backends import get_backend

        if self.is_blank:
            return SearchResults(query=self, hits=[], total=0, facets={})
        return get_backend().search(self)


@dataclass
class Suggestion:
    title: str
    url: str
    doc_type: str
    type_label: str

    def as_json(self) -> dict[str, str]:
        return {"title": self.title, "url": self.url, "type": self.doc_type, "type_label": self.type_label}


@dataclass
class SuggestQuery:
    """Titles that start like what the person is typing, among documents they may see."""

    text: str = ""
    viewer: Viewer = field(default_factory=Viewer.anonymous)
    limit: int = 8

    def __post_init__(self) -> None:
        self.text = (self.text or "")[:100]
        self.limit = max(1, min(self.limit, 10))

    def run(self) -> list[Suggestion]:
        from search.backends import get_backend

        if len(self.text.strip()) < 2 or not parse_query(self.text, expand_synonyms=False).clauses:
            return []
        return get_backend().suggest(self)
