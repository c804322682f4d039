# ruff: noqa: S608 - SQL here is assembled from constant fragments; every value is a bound parameter.
"""The database backend: SQLite FTS5 on the embedded default, PostgreSQL full text otherwise.

Ranking: SQLite ``bm25(search_fts, 10, 4, 1)`` (title > summary > body); PostgreSQL
``ts_rank`` over the A/B/C-weighted ``search_vector``. Both multiply by the document's
``boost`` (freshness and evidence). Every statement carries the viewer's permission filter.

A results page is one statement (``_page_statement``): it picks the candidates off the
full-text index once, and returns the facet counts, the candidate count (the total) and the
page of hits together. Only a page number beyond the last (answered with the last page) costs a
second statement, and only an empty result the "did you mean" look-ups. On PostgreSQL the
statement runs in its own transaction with two ``SET LOCAL`` planner hints (see ``search``).
Nothing on the read path writes.

Capped candidates (the 100k-write-up budget, issue 6): counting facets over, and ranking, every
match made a common word cost hundreds of milliseconds on PostgreSQL (a query such as
"discharge" matches ~8,000 synthetic write-ups; grouping their ~80,000 facet rows took ~200 ms,
``ts_rank`` over all of them ~80 ms). So a page ranks and facet-counts at most
``MAX_CANDIDATES`` permitted matches, taken off the full-text index with a ``LIMIT`` *before*
anything is ranked or grouped. Below the cap nothing changes: every match is ranked and counted
exactly. Above it, the trade-off is:

* ``total`` is ``MAX_CANDIDATES`` and ``SearchResults.total_is_lower_bound`` is set (the JSON
  says ``"total_relation": "gte"``, as Elasticsearch does), so there are at most
  ``MAX_CANDIDATES / per_page`` pages;
* facet counts are counts within those candidates, not across every match;
* relevance order ranks those candidates. They are chosen in two tiers: first documents whose
  title and summary alone match the query (PostgreSQL: the smaller ``search_vector_ab`` GIN
  index of migration 0004; SQLite: an FTS5 ``{title summary}`` column filter), then, only if
  fewer than the cap did, the other matches (some words only in the body). Title and summary
  carry weight A/B (10/4 in bm25) against the body's C (1), so the best-ranked documents are
  usually in the first tier.
  On PostgreSQL each tier is taken **band by band of** ``boost`` (``BOOST_BANDS``: >= 1.2,
  1.0-1.2, 0.8-1.0, < 0.8; one partial GIN index per band and vector, migration 0007), so the
  recent, well-evidenced documents that ``boost`` puts first are the candidates before stale
  ones. At 100k synthetic write-ups the capped top 10 shares 94% with a ranking of every match,
  against 20% when candidates came in storage order (``bench/search.py --exactness``). Within a
  band candidates are still in storage order, so the misses are documents later in their band, or
  in a lower band with a stronger text match (a title hit against a summary hit), that would have
  outranked some candidates.
  SQLite (the embedded default, for small sites) keeps storage order within each tier: banding
  there means walking every title match (~22 ms for a common word at 100k, against ~4 ms).
  Sorting by newest, and a facets-only browse (no words), still order every match exactly (the
  ``published_at`` index makes that cheap): only the counts are capped there.

Where the time goes on PostgreSQL at 100k (EXPLAIN (ANALYZE, BUFFERS), server CPU per page):
the GIN bitmaps of the bands read (it cannot stop early, but a band's is a fraction of the whole:
~0.1-0.6 ms, against ~2-4 ms for one index over every title), visiting ~500 heap rows (~2 ms),
``ts_rank`` on them (~0.5 ms now that ``search_vector`` is stored in the row; long discussion
threads cost more, ~12 µs a row, their many positions making its proximity scoring dearer), facet
counts from the candidates' generated ``facet_keys`` (~1 ms), planning (~1 ms for the eight branches).
Synonym phrases are single index tokens (search/phrases.py), so "dom care" no longer reads every
"care" and rechecks positions.
"""

from __future__ import annotations

import difflib
import json
import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import DatabaseError, connection, transaction

from search import registry
from search.documents import SearchDocument
from search.models import SearchEntry, SearchFacet, SearchPhrase, SearchTerm
from search.permissions import Viewer
from search.phrases import clear_ready_cache, ready_tokens
from search.query import (
    FACETS,
    MAX_FACET_VALUES,
    FacetValue,
    Hit,
    SearchQuery,
    SearchResults,
    SearchUnavailable,
    Suggestion,
    SuggestQuery,
)
from search.text import STOPWORDS, Clause, ParsedQuery, highlight, parse_query, words_of

SQLITE_WEIGHTS = "10.0, 4.0, 1.0"
VOCAB_RE = re.compile(r"[^\W\d_]{3,30}", re.UNICODE)
MAX_TERMS_PER_DOCUMENT = 400
# At most this many permitted matches are ranked and facet-counted (see the module docstring).
MAX_CANDIDATES = 500
# Title/summary candidates are taken band by band, highest ``boost`` first (see the module
# docstring). 1.0 is a write-up published today without evidence; 1.2 is, e.g., under a year old
# and well evidenced; 0.8 about two years old. Migration 0007's partial indexes repeat these
# numbers literally: PostgreSQL uses a partial index only for a query whose condition implies its.
BOOST_BANDS = (1.2, 1.0, 0.8)


def audience_tsquery(viewer: Viewer) -> str | None:
    """The audience tokens (migration 0008) of what this viewer may see, as a ``to_tsquery``
    expression; None for someone who sees everything. The same rule as ``Viewer.may_see``, and
    only a narrowing for the index: the SQL permission filter still decides."""
    if viewer.sees_all:
        return None
    if not viewer.authenticated:
        return "aud0anyone"
    return " | ".join(["aud0signedin", *(f"aud0c{int(pk)}" for pk in sorted(viewer.community_ids))])


def boost_bands() -> list[str]:
    """SQL conditions, one per band, best first: ``e.boost >= 1.2``, ``e.boost >= 1.0 AND
    e.boost < 1.2``, ... and ``e.boost < 0.8``. Constants, written as migration 0007 wrote them."""
    conditions = []
    upper = None
    for lower in BOOST_BANDS:
        conditions.append(f"e.boost >= {lower}" + (f" AND e.boost < {upper}" if upper else ""))
        upper = lower
    conditions.append(f"e.boost < {upper}")
    return conditions


def fts5_expression(clauses: list[Clause], *, prefix_last: bool = False, column: str | None = None) -> str:
    """An FTS5 MATCH expression built only from word tokens (never from raw input)."""
    parts = []
    for n, clause in enumerate(clauses):
        alternatives = []
        for alternative in clause.alternatives:
            words = [w for token in alternative for w in words_of(token)]
            if not words:
                continue
            phrase = '"' + " ".join(words) + '"'
            if prefix_last and n == len(clauses) - 1 and len(clause.alternatives) == 1:
                phrase += "*"
            alternatives.append(phrase)
        if alternatives:
            parts.append("(" + " OR ".join(alternatives) + ")")
    expression = " AND ".join(parts)
    if column and expression:
        expression = f"{column} : ({expression})"
    return expression


def tsquery_expression(
    clauses: list[Clause], *, prefix_last: bool = False, weight: str = "", phrase_tokens: dict[str, str] | None = None
) -> str:
    """A ``to_tsquery`` expression built only from word tokens: phrases with ``<->``,
    synonyms with ``|``, clauses with ``&``. (Synonym OR-groups are why this is built rather
    than passed to ``websearch_to_tsquery``.) A phrase in ``phrase_tokens`` is asked for by
    its index token instead (search/phrases.py)."""
    parts = []
    for n, clause in enumerate(clauses):
        alternatives = []
        for alternative in clause.alternatives:
            words = [w for token in alternative for w in words_of(token)]
            if not words:
                continue
            suffix = weight and f":{weight}"
            token = phrase_tokens.get(" ".join(words)) if phrase_tokens and len(words) > 1 else None
            if token and not prefix_last:
                alternatives.append(f"{token}{suffix}")
                continue
            if prefix_last and n == len(clauses) - 1 and len(clause.alternatives) == 1:
                words[-1] = f"{words[-1]}:*{weight}"
                words[:-1] = [f"{w}{suffix}" for w in words[:-1]]
            else:
                words = [f"{w}{suffix}" for w in words]
            alternatives.append("(" + " <-> ".join(words) + ")")
        if alternatives:
            parts.append("(" + " | ".join(alternatives) + ")")
    return " & ".join(parts)


class DatabaseBackend:
    """Search over the ``search_searchentry`` table with the database's own full-text engine."""

    name = "database"

    @property
    def vendor(self) -> str:
        return connection.vendor

    # --- writing -------------------------------------------------------------------------
    def index(self, documents: list[SearchDocument]) -> None:
        if not documents:
            return
        with transaction.atomic():
            keys = [d.key for d in documents]
            SearchFacet.objects.filter(entry__key__in=keys).delete()
            SearchEntry.objects.filter(key__in=keys).delete()
            entries = SearchEntry.objects.bulk_create(
                [
                    SearchEntry(
                        key=d.key,
                        doc_type=d.doc_type,
                        object_id=d.object_id,
                        title=d.title[:300],
                        summary=d.summary,
                        body=d.body,
                        url=d.url,
                        community_id=d.community_id,
                        is_private=d.is_private,
                        members_only=d.members_only,
                        published_at=d.published_at,
                        boost=d.boost,
                        key_facts=d.key_facts,
                        facets=d.all_facets(),
                    )
                    for d in documents
                ],
                batch_size=500,
            )
            SearchFacet.objects.bulk_create(
                [
                    SearchFacet(entry_id=entry.pk, name=name, value=value[:200])
                    for entry, d in zip(entries, documents, strict=True)
                    for name, values in d.all_facets().items()
                    for value in dict.fromkeys(values)
                ],
                batch_size=2000,
            )
            self._add_terms(documents)

    def _add_terms(self, documents: list[SearchDocument]) -> None:
        terms: set[str] = set()
        for d in documents:
            words = VOCAB_RE.findall(f"{d.title} {d.summary} {d.body}".lower())
            terms.update(list(dict.fromkeys(words))[:MAX_TERMS_PER_DOCUMENT])
        SearchTerm.objects.bulk_create(
            [SearchTerm(term=t, length=len(t)) for t in terms], ignore_conflicts=True, batch_size=2000
        )

    def update_synonyms(self) -> None:
        """Nothing to push: queries read the synonyms (and search.phrases their index tokens)."""

    def delete(self, keys: list[str]) -> None:
        with transaction.atomic():
            SearchFacet.objects.filter(entry__key__in=keys).delete()
            SearchEntry.objects.filter(key__in=keys).delete()

    def rebuild(self, documents: Iterable[SearchDocument], batch_size: int = 500) -> int:
        """One transaction: readers keep seeing the old index until the new one commits."""
        count = 0
        # Every entry is written again, by the trigger that knows these phrases: they are ready after.
        phrase_ids = list(SearchPhrase.objects.filter(ready=False).values_list("pk", flat=True))
        with transaction.atomic():
            SearchFacet.objects.all().delete()
            SearchEntry.objects.all().delete()
            SearchTerm.objects.all().delete()
            batch: list[SearchDocument] = []
            for document in documents:
                batch.append(document)
                if len(batch) >= batch_size:
                    self.index(batch)
                    count += len(batch)
                    batch = []
            self.index(batch)
            count += len(batch)
            SearchPhrase.objects.filter(pk__in=phrase_ids).update(ready=True)
        clear_ready_cache()
        return count

    # --- reading -------------------------------------------------------------------------
    @staticmethod
    def _pg_source(tsquery: str, viewer: Viewer) -> tuple[str, list[Any], str]:
        """PostgreSQL's FROM clause for a match: the entries, the query ``q`` (what ``ts_rank``
        scores) and the expression to match the index with: ``q`` and, unless the viewer sees
        everything, their audience tokens (migration 0008)."""
        source = "search_searchentry e CROSS JOIN to_tsquery('english', %s) q"
        # Only for anonymous readers, to whom members-only and private entries (most discussion)
        # can be most of a match. What a signed-in person may not see is other communities'
        # private entries, a minority: measured at 100k write-ups, with and without a million
        # messages, ORing their audience tokens into the match cost 0.5-0.9 ms more at p50/p95
        # than letting the SQL filter drop those rows.
        audience = None if viewer.authenticated else audience_tsquery(viewer)
        if audience is None:
            return source, [tsquery], "q"
        return f"{source} CROSS JOIN to_tsquery('simple', %s) a", [tsquery, audience], "(q && a)"

    def _match(self, parsed: ParsedQuery, viewer: Viewer) -> tuple[str, list[Any], str, list[Any], str]:
        """FROM clause and params, match condition and params, score expression."""
        if parsed.is_empty:
            return "search_searchentry e", [], "1 = 1", [], "e.boost"
        if self.vendor == "postgresql":
            source, params, matched = self._pg_source(
                tsquery_expression(parsed.clauses, phrase_tokens=ready_tokens()), viewer
            )
            return source, params, f"e.search_vector @@ {matched}", [], "ts_rank(e.search_vector, q) * e.boost"
        return (
            "search_fts JOIN search_searchentry e ON e.id = search_fts.rowid",
            [],
            "search_fts MATCH %s",
            [fts5_expression(parsed.clauses)],
            f"(-bm25(search_fts, {SQLITE_WEIGHTS})) * e.boost",
        )

    def _permission(self, viewer: Viewer) -> tuple[str, list[Any]]:
        # On SQLite a unary "+" keeps the planner from driving the query off the is_private
        # index (scanning every public row, then testing MATCH on each): FTS5 must lead.
        plus = "+" if self.vendor == "sqlite" else ""
        parts: list[str] = []
        params: list[Any] = []
        if not viewer.authenticated:
            parts.append(f"{plus}e.members_only = %s")
            params.append(False)
        if not viewer.sees_all:
            if viewer.community_ids:
                ids = sorted(viewer.community_ids)
                parts.append(f"({plus}e.is_private = %s OR e.community_id IN ({', '.join(['%s'] * len(ids))}))")
                params.extend([False, *ids])
            else:
                parts.append(f"{plus}e.is_private = %s")
                params.append(False)
        return " AND ".join(parts) or "1 = 1", params

    @staticmethod
    def _facet_filters(filters: dict[str, list[str]]) -> tuple[str, list[Any]]:
        parts: list[str] = []
        params: list[Any] = []
        for name, values in filters.items():
            placeholders = ", ".join(["%s"] * len(values))
            parts.append(
                f"e.id IN (SELECT entry_id FROM search_searchfacet WHERE name = %s AND value IN ({placeholders}))"
            )
            params.extend([name, *values])
        return " AND ".join(parts) or "1 = 1", params

    def _base(self, parsed: ParsedQuery, viewer: Viewer, filters: dict[str, list[str]]):
        from_sql, from_params, match_sql, match_params, score = self._match(parsed, viewer)
        perm_sql, perm_params = self._permission(viewer)
        facet_sql, facet_params = self._facet_filters(filters)
        where = f"{match_sql} AND {perm_sql} AND {facet_sql}"
        return from_sql, where, [*from_params, *match_params, *perm_params, *facet_params], score

    def _candidates(self, parsed: ParsedQuery, viewer: Viewer, filters: dict[str, list[str]]) -> tuple[str, list[Any]]:
        """``SELECT id, score`` of at most ``MAX_CANDIDATES + 1`` permitted matches, title/summary
        matches first: one branch per tier, the body-only branch runs only if the first one leaves
        room (both engines stop a ``UNION ALL`` under a ``LIMIT`` as soon as it is filled)."""
        perm_sql, perm_params = self._permission(viewer)
        facet_sql, facet_params = self._facet_filters(filters)
        rest, rest_params = f"{perm_sql} AND {facet_sql}", [*perm_params, *facet_params]
        limit = MAX_CANDIDATES + 1
        # PostgreSQL counts facets from the candidate rows themselves (migration 0004's facet_keys).
        keys = ", e.facet_keys" if self.vendor == "postgresql" else ""
        if parsed.is_empty:
            sql = f"SELECT e.id, e.boost AS score{keys} FROM search_searchentry e WHERE {rest} LIMIT %s"
            return sql, [*rest_params, limit]
        if self.vendor == "postgresql":
            source, source_params, matched = self._pg_source(
                tsquery_expression(parsed.clauses, phrase_tokens=ready_tokens()), viewer
            )
            head = f"SELECT e.id, ts_rank(e.search_vector, q) * e.boost AS score{keys} FROM {source} WHERE"
            # Title/summary matches band by band, best boost first, then body-only matches the same
            # way (each band of each vector has its own partial GIN index, migration 0007).
            branches = [
                f"({head} e.search_vector_ab @@ {matched} AND {band} AND {rest} LIMIT %s)" for band in boost_bands()
            ]
            body_only = "NOT (e.search_vector_ab @@ q)"
            branches += [
                f"({head} e.search_vector @@ {matched} AND {band} AND {body_only} AND {rest} LIMIT %s)"
                for band in boost_bands()
            ]
            sql = f"SELECT * FROM ({' UNION ALL '.join(branches)}) t LIMIT %s"
            return sql, [*[*source_params, *rest_params, limit] * len(branches), limit]
        full = fts5_expression(parsed.clauses)
        title_summary = fts5_expression(parsed.clauses, column="{title summary}")
        head = (
            f"SELECT e.id, (-bm25(search_fts, {SQLITE_WEIGHTS})) * e.boost AS score "
            "FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid WHERE search_fts MATCH %s AND"
        )
        # bm25() scores a row only in the FTS5 cursor whose MATCH found it, so the title/summary
        # candidates (``a``: the first permitted ones in rowid order, found with the cheap column
        # filter) are scored by a full-expression cursor. FTS5 walks matches in rowid order and
        # honours a rowid bound, so that cursor stops at the last candidate instead of walking
        # every match (an IN on search_fts.rowid would re-run the query, and bm25's statistics,
        # once per candidate; the unary "+" keeps the IN a plain filter).
        sql = (
            "SELECT * FROM (WITH a AS MATERIALIZED (SELECT e.id FROM search_fts JOIN search_searchentry e "
            f"ON e.id = search_fts.rowid WHERE search_fts MATCH %s AND {rest} LIMIT %s) "
            f"SELECT * FROM ({head} search_fts.rowid <= (SELECT max(id) FROM a) AND +e.id IN (SELECT id FROM a)) "
            f"UNION ALL SELECT * FROM ({head} e.id NOT IN (SELECT rowid FROM search_fts WHERE search_fts MATCH %s) "
            f"AND {rest} LIMIT %s)) LIMIT %s"
        )
        return sql, [title_summary, *rest_params, limit, full, full, title_summary, *rest_params, limit, limit]

    def _page_statement(self, query: SearchQuery) -> tuple[str, list[Any]]:
        """One statement for the whole results page: the candidates (one pass over the full-text
        index), their facet counts, how many there are (up to one more than the cap, so "more
        than the cap" can be told from "exactly the cap"), and the page of hits.

        Rows say what they are in ``row_kind``: ``hit`` rows carry an entry, ``facet`` rows a
        name, value and count, the one ``candidates`` row the candidate count."""
        parsed = query.parsed
        cand_sql, cand_params = self._candidates(parsed, query.viewer, query.filters)
        if query.sort == "relevance" and not parsed.is_empty:
            # Rank only the capped candidates.
            page_sql = "SELECT id, score FROM k ORDER BY score DESC, id LIMIT %s OFFSET %s"
            page_params: list[Any] = [query.per_page, query.offset]
        else:
            # Newest first (and a browse without words) orders every match, not only the
            # candidates: the ``published_at`` index makes that cheap.
            from_sql, where, params, score = self._base(parsed, query.viewer, query.filters)
            page_sql = (
                f"SELECT e.id, {score} AS score FROM {from_sql} WHERE {where} "
                "ORDER BY e.published_at DESC NULLS LAST, e.id DESC LIMIT %s OFFSET %s"
            )
            page_params = [*params, query.per_page, query.offset]
        if self.vendor == "postgresql":
            keys = ", facet_keys"
            facet_counts = (
                "SELECT split_part(u.facet_key, '=', 1), substr(u.facet_key, strpos(u.facet_key, '=') + 1), COUNT(*) "
                "FROM (SELECT unnest(facet_keys) AS facet_key FROM k) u GROUP BY u.facet_key"
            )
        else:
            keys = ""
            facet_counts = (
                "SELECT f.name, f.value, COUNT(*) FROM search_searchfacet f "
                "WHERE f.entry_id IN (SELECT id FROM k) GROUP BY f.name, f.value"
            )
        sql = (
            f"WITH c AS MATERIALIZED (SELECT t.*, row_number() OVER () AS rn FROM ({cand_sql}) t), "
            f"k AS MATERIALIZED (SELECT id, score{keys} FROM c WHERE rn <= %s), "
            f"p AS MATERIALIZED ({page_sql}) "
            "SELECT 'hit' AS row_kind, e.id, e.doc_type, e.title, e.url, e.summary, e.body, e.key_facts, "
            "e.published_at, p.score, NULL AS facet_name, NULL AS facet_value, NULL AS facet_count "
            "FROM p JOIN search_searchentry e ON e.id = p.id "
            "UNION ALL SELECT 'facet', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, fc.* "
            f"FROM ({facet_counts}) fc "
            "UNION ALL SELECT 'candidates', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, COUNT(*) "
            "FROM c"
        )
        return sql, [*cand_params, MAX_CANDIDATES, *page_params]

    def search(self, query: SearchQuery) -> SearchResults:
        try:
            return self._search(query)
        except DatabaseError as exc:
            raise SearchUnavailable(f"database search failed: {exc.__class__.__name__}") from exc

    def _read(self, sql: str, params: list[Any]) -> list[tuple]:
        """Rows of one read-only statement; on PostgreSQL with two planner hints.

        With a LIMIT the planner prefers a sequential scan that evaluates ``@@`` on row after row
        (57 ms to find 500 "discharge" matches at 100k) over the GIN bitmap (a few ms), and JIT
        compilation, which a plan's inflated cost can trigger, costs ~20 ms for a statement that
        runs in a few. ``SET LOCAL`` keeps both to this statement: sent with it in one message,
        they share its implicit transaction (one round trip, no BEGIN/COMMIT). Inside a caller's
        transaction SET LOCAL would last until that commits, so there the read runs in a
        savepoint that is rolled back afterwards, which undoes the hints (nothing was written).
        """
        if self.vendor != "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        hinted = f"SET LOCAL enable_seqscan = off; SET LOCAL jit = off; {sql}"
        if connection.get_autocommit():
            return self._read_hinted(hinted, params)
        savepoint = transaction.savepoint_create()
        try:
            return self._read_hinted(hinted, params)
        finally:
            transaction.savepoint_rollback(savepoint)

    @staticmethod
    def _read_hinted(sql: str, params: list[Any]) -> list[tuple]:
        with connection.cursor() as cursor:
            # Several statements in one execute need Django's default client-side binding (the
            # project does not set the server_side_binding option, which would refuse them).
            cursor.execute(sql, params)
            cursor.nextset()  # past the two SETs
            cursor.nextset()
            return cursor.fetchall()

    def _search(self, query: SearchQuery) -> SearchResults:
        parsed = query.parsed
        rows, counts, candidates = self._run_page(query)
        capped = candidates > MAX_CANDIDATES
        total = MAX_CANDIDATES if capped else candidates
        num_pages = max(1, -(-total // query.per_page))
        if query.page > num_pages:
            # Out of range: show the last page, and say so in the view. Only this rare path
            # costs a second statement (the first one learnt the total).
            query.page = num_pages
            query.page_clamped = True
            rows, counts, candidates = self._run_page(query)
        facets = self._facet_values(counts, query.filters)
        words = parsed.all_words
        hits = [
            Hit(
                doc_type=doc_type,
                type_label=registry.label(doc_type),
                title=title,
                url=url,
                snippet=_snippet(summary, body, words),
                key_facts=list(key_facts or []),
                published_at=published_at,
                score=float(score or 0),
            )
            for _, doc_type, title, url, summary, body, key_facts, published_at, score in rows
        ]
        did_you_mean = None
        if total == 0 and not parsed.is_empty:
            did_you_mean = self._did_you_mean(query)
        return SearchResults(
            query=query,
            hits=hits,
            total=total,
            facets=facets,
            did_you_mean=did_you_mean,
            total_is_lower_bound=capped,
        )

    def _run_page(self, query: SearchQuery) -> tuple[list[tuple], dict[str, dict[str, int]], int]:
        """The page's hit rows in order (id, doc_type, title, url, summary, body, key_facts,
        published_at, score), the facet counts, and the candidate count."""
        sql, params = self._page_statement(query)
        hits: list[tuple] = []
        counts: dict[str, dict[str, int]] = defaultdict(dict)
        candidates = 0
        for kind, *hit, facet_name, facet_value, count in self._read(sql, params):
            if kind == "hit":
                hit_id, doc_type, title, url, summary, body, key_facts, published_at, score = hit
                if isinstance(key_facts, str):  # JSON arrives as text (SQLite; Django's psycopg loader)
                    key_facts = json.loads(key_facts)
                if isinstance(published_at, str):  # SQLite
                    published_at = connection.ops.convert_datetimefield_value(published_at, None, connection)
                hits.append((hit_id, doc_type, title, url, summary, body, key_facts, published_at, score))
            elif kind == "facet":
                counts[facet_name][facet_value] = count
            else:
                candidates = count
        # A UNION has no order of its own: put the hits back in the order the page asked for.
        if query.sort == "relevance" and not query.parsed.is_empty:
            hits.sort(key=lambda h: (-h[8], h[0]))
        else:
            hits.sort(key=lambda h: (h[7] is None, -(h[7].timestamp() if h[7] else 0), -h[0]))
        return hits, counts, candidates

    @staticmethod
    def _facet_values(counts: dict[str, dict[str, int]], filters: dict[str, list[str]]) -> dict[str, list[FacetValue]]:
        facets: dict[str, list[FacetValue]] = {}
        for name in FACETS:
            values = dict(counts.get(name, {}))
            for selected in filters.get(name, []):
                values.setdefault(selected, 0)
            if not values:
                continue
            ordered = sorted(values.items(), key=lambda kv: (-int(kv[0]) if name == "year" else -kv[1], kv[0]))
            facets[name] = [
                FacetValue(value=value, count=count, selected=value in filters.get(name, []), name=name)
                for value, count in ordered[:MAX_FACET_VALUES]
            ]
        return facets

    def _count(self, parsed: ParsedQuery, viewer: Viewer, filters: dict[str, list[str]]) -> int:
        from_sql, where, params, _ = self._base(parsed, viewer, filters)
        return self._read(f"SELECT COUNT(*) FROM (SELECT 1 FROM {from_sql} WHERE {where} LIMIT 1) hit", params)[0][0]

    def _did_you_mean(self, query: SearchQuery) -> str | None:
        """Closest indexed words for unknown query words, offered only if the corrected query
        finds something this viewer may see (so private vocabulary is never revealed)."""
        words = [
            w
            for w in dict.fromkeys(parse_query(query.text, expand_synonyms=False).all_words)
            if w.isalpha() and len(w) >= 3 and w not in STOPWORDS
        ]
        if not words:
            return None
        known = set(SearchTerm.objects.filter(term__in=words).values_list("term", flat=True))
        unknown = [w for w in words if w not in known][:4]
        if not unknown:
            return None
        lengths = [len(w) for w in unknown]
        first_letters = sorted({w[0] for w in unknown})
        candidates = list(
            SearchTerm.objects.filter(
                term__regex=r"^[" + "".join(re.escape(c) for c in first_letters) + "]",
                length__gte=min(lengths) - 2,
                length__lte=max(lengths) + 2,
            ).values_list("term", flat=True)[:20000]
        )
        corrected = query.text.lower()
        changed = False
        for word in unknown:
            pool = [c for c in candidates if c[0] == word[0] and abs(len(c) - len(word)) <= 2]
            match = difflib.get_close_matches(word, pool, n=1, cutoff=0.75)
            if match:
                corrected = re.sub(rf"\b{re.escape(word)}\b", match[0], corrected)
                changed = True
        if not changed:
            return None
        if self._count(parse_query(corrected), query.viewer, query.filters) == 0:
            return None
        return corrected

    def suggest(self, query: SuggestQuery) -> list[Suggestion]:
        parsed = parse_query(query.text, expand_synonyms=False)
        perm_sql, perm_params = self._permission(query.viewer)
        if self.vendor == "postgresql":
            source, source_params, matched = self._pg_source(
                tsquery_expression(parsed.clauses, prefix_last=True, weight="A"), query.viewer
            )
            sql = (
                "SELECT e.id, e.title, e.url, e.doc_type, ts_rank(e.search_vector, q) * e.boost AS score "
                f"FROM {source} WHERE e.search_vector @@ {matched} AND {perm_sql} ORDER BY score DESC, e.id LIMIT %s"
            )
            params = [*source_params, *perm_params, query.limit]
        else:
            sql = (
                f"SELECT e.id, e.title, e.url, e.doc_type, (-bm25(search_fts, {SQLITE_WEIGHTS})) * e.boost AS score "
                "FROM search_fts JOIN search_searchentry e ON e.id = search_fts.rowid "
                f"WHERE search_fts MATCH %s AND {perm_sql} ORDER BY score DESC, e.id LIMIT %s"
            )
            params = [fts5_expression(parsed.clauses, prefix_last=True, column="title"), *perm_params, query.limit]
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
        except DatabaseError as exc:
            raise SearchUnavailable("database suggestions failed") from exc
        return [
            Suggestion(title=title, url=url, doc_type=doc_type, type_label=registry.label(doc_type))
            for _, title, url, doc_type, _ in rows
        ]

    def health(self) -> dict[str, Any]:
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                cursor.execute(
                    "SELECT 1 FROM search_searchentry WHERE search_vector @@ to_tsquery('english', 'health') LIMIT 1"
                )
                engine = "postgresql-fts"
            else:
                cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH '\"health\"' LIMIT 1")
                engine = "sqlite-fts5"
            cursor.fetchall()
        return {"backend": self.name, "engine": engine}


def _snippet(summary: str, body: str, words: list[str]):
    """The summary, unless only the body mentions the query words (then the matching part of it)."""
    if words and body and not _contains_any(summary, words) and _contains_any(body, words):
        return highlight(body, words)
    return highlight(summary or body, words)


def _contains_any(text: str, words: list[str]) -> bool:
    from search.text import crude_stem

    lowered = (text or "").lower()
    return any(crude_stem(w) in lowered for w in words if w not in STOPWORDS)
