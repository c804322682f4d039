"""The database backend ranks and facet-counts at most ``MAX_CANDIDATES`` matches (issue 6's
100k budget): exact below the cap, a lower-bound total and candidate-only counts above it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from search.backends import database
from search.backends.database import DatabaseBackend
from search.corpus import writeups
from search.permissions import Viewer
from search.query import SearchQuery

CAP = 8


@pytest.fixture
def synthetic(db, monkeypatch):
    monkeypatch.setattr(database, "MAX_CANDIDATES", CAP)
    documents = list(writeups(30))
    # The newest document goes in last, so it sits outside the first CAP matches in index order.
    newest = documents[-1]
    newest.published_at = datetime(2026, 11, 20, tzinfo=UTC)
    for document in documents[:-1]:
        document.published_at = min(document.published_at, datetime(2026, 10, 1, tzinfo=UTC))
    DatabaseBackend().index(documents)
    return documents


def _public(documents, word: str) -> list:
    return [d for d in documents if not d.is_private and word in f"{d.title} {d.summary} {d.body}".lower()]


def test_above_the_cap_total_is_a_lower_bound_and_facets_count_the_candidates(synthetic):
    assert len(_public(synthetic, "measured")) > CAP  # every synthetic body says "We measured"
    results = SearchQuery(text="measured", per_page=3).run()
    assert results.total == CAP
    assert results.total_is_lower_bound
    assert results.as_json()["total_relation"] == "gte"
    assert results.num_pages == 3
    assert sum(v.count for v in results.facets["type"]) == CAP
    assert sum(v.count for v in results.facets["stage"]) == CAP
    scores = [hit.score for hit in results.hits]
    assert scores == sorted(scores, reverse=True)


def test_below_the_cap_everything_is_exact(synthetic, monkeypatch):
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1000)
    matching = _public(synthetic, "measured")
    results = SearchQuery(text="measured", per_page=50).run()
    assert results.total == len(matching)
    assert not results.total_is_lower_bound
    assert results.as_json()["total_relation"] == "eq"
    assert {hit.url for hit in results.hits} == {d.url for d in matching}


def test_newest_first_orders_every_match_not_only_the_candidates(synthetic):
    results = SearchQuery(text="measured", sort="newest").run()
    assert results.hits[0].url == synthetic[-1].url


def test_the_cap_counts_only_what_the_viewer_may_see(synthetic, monkeypatch):
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1000)
    private = [d for d in synthetic if d.is_private]
    everyone = SearchQuery(text="measured", viewer=Viewer(authenticated=True, sees_all=True), per_page=50).run()
    anonymous = SearchQuery(text="measured", per_page=50).run()
    assert everyone.total - anonymous.total == len(private)
