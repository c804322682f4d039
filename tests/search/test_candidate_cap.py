"""The database backend ranks and facet-counts at most ``MAX_CANDIDATES`` matches (issue 6's
100k budget): exact below the cap, a lower-bound total and candidate-only counts above it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.db import connection

from search.backends import database
from search.backends.database import DatabaseBackend
from search.corpus import writeups
from search.documents import SearchDocument
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


def _writeup(n: int, *, title: str, summary: str = "", body: str = "", **facets) -> SearchDocument:
    return SearchDocument(
        doc_type="writeup",
        object_id=f"cap-{n}",
        title=title,
        url=f"/projects/cap-{n}/",
        summary=summary,
        body=body,
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        facets=facets,
    )


def test_above_the_cap_title_and_summary_matches_are_the_candidates(db, monkeypatch):
    monkeypatch.setattr(database, "MAX_CANDIDATES", CAP)
    # Twenty documents mention the word only in their body and are stored first; three have it in
    # the title or summary and are stored last, where "the first CAP matches" would never reach.
    documents = [_writeup(n, title=f"Ward round {n}", body="We tried a huddle on the ward.") for n in range(20)]
    documents += [
        _writeup(20, title="Huddle at the front door"),
        _writeup(21, title="Evening handover", summary="A short huddle before the night shift."),
        _writeup(22, title="Safety huddle", summary="Huddle every morning."),
    ]
    DatabaseBackend().index(documents)
    results = SearchQuery(text="huddle", per_page=CAP).run()
    assert results.total_is_lower_bound and results.total == CAP
    assert {hit.url for hit in results.hits[:3]} == {"/projects/cap-20/", "/projects/cap-21/", "/projects/cap-22/"}
    # Below the cap the same three still lead, now ranked among every match.
    monkeypatch.setattr(database, "MAX_CANDIDATES", 1000)
    exact = SearchQuery(text="huddle", per_page=50).run()
    assert exact.total == 23 and not exact.total_is_lower_bound
    assert {hit.url for hit in exact.hits[:3]} == {"/projects/cap-20/", "/projects/cap-21/", "/projects/cap-22/"}


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="boost bands are PostgreSQL's (SQLite would walk every match to band them: ~22 ms at 100k)",
)
@pytest.mark.parametrize("field", ["title", "body"])
def test_above_the_cap_the_best_boost_band_comes_first(db, monkeypatch, field):
    monkeypatch.setattr(database, "MAX_CANDIDATES", CAP)
    # Twenty stale matches are stored first; two recent, well-evidenced ones last, where "the first
    # CAP matches" would never reach.
    stale = [_writeup(n, title=f"Ward round {n}", body="Our huddle.") for n in range(20)]
    best = [_writeup(n, title=f"Front door {n}", body="Our huddle.") for n in (20, 21)]
    for document in stale:
        document.boost = 0.6
    for document in best:
        document.boost = 1.3
    if field == "title":
        for document in stale + best:
            document.title += " huddle"
    DatabaseBackend().index(stale + best)
    results = SearchQuery(text="huddle", per_page=CAP).run()
    assert results.total_is_lower_bound and results.total == CAP
    assert {hit.url for hit in results.hits[:2]} == {"/projects/cap-20/", "/projects/cap-21/"}


def test_the_bands_are_the_ones_the_partial_indexes_were_built_for():
    # PostgreSQL uses a partial index only when the query's condition implies the index's: a band
    # changed in code without a migration would silently fall back to a full bitmap.
    from importlib import import_module

    built = import_module("search.migrations.0007_candidate_bands").BANDS
    assert [f"e.{condition.replace(' AND boost', ' AND e.boost')}" for _, condition in built] == database.boost_bands()


def test_facet_counts_match_the_facet_filters(db):
    # A value repeated within one document counts once, and a value longer than 200 characters is
    # counted under the same 200-character value the facet filter matches.
    long_name = "Northshire " + "and district " * 30
    DatabaseBackend().index(
        [
            _writeup(1, title="Pharmacy huddle", organisation=[long_name, long_name, "Riverside Trust"]),
            _writeup(2, title="Huddle board", organisation=["Riverside Trust"], method=["PDSA", "PDSA"]),
        ]
    )
    results = SearchQuery(text="huddle").run()
    organisations = {v.value: v.count for v in results.facets["organisation"]}
    assert organisations == {long_name[:200]: 1, "Riverside Trust": 2}
    assert {v.value: v.count for v in results.facets["method"]} == {"PDSA": 1}
    filtered = SearchQuery(text="huddle", filters={"organisation": [long_name]}).run()
    assert [hit.url for hit in filtered.hits] == ["/projects/cap-1/"]


def _settings(*names: str) -> list[str]:
    with connection.cursor() as cursor:
        values = []
        for name in names:
            cursor.execute(f"SHOW {name}")
            values.append(cursor.fetchone()[0])
        return values


@pytest.mark.skipif(connection.vendor != "postgresql", reason="planner hints are PostgreSQL's (SQLite has none)")
@pytest.mark.parametrize("in_transaction", [True, False])
def test_planner_hints_never_outlive_the_search(request, in_transaction):
    # Inside a transaction (a test's, or ATOMIC_REQUESTS) and in autocommit mode alike, the hints
    # the search statement carries are gone once it has run: other queries plan as usual.
    request.getfixturevalue("db" if in_transaction else "transactional_db")
    DatabaseBackend().index(list(writeups(12)))
    before = _settings("enable_seqscan", "jit")
    results = SearchQuery(text="measured").run()
    assert results.total == sum(1 for d in writeups(12) if not d.is_private)
    assert _settings("enable_seqscan", "jit") == before
    assert before[0] == "on"
