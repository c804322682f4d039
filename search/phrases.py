"""Synonym phrases indexed as single tokens (PostgreSQL).

Why: a synonym clause such as "dom care" expands to phrases ("domiciliary care", "home care",
"care at home"). As tsquery phrases (``home <-> care``) PostgreSQL reads the posting list of
every word in them ("care" is in one write-up in six) and then checks word positions row by row
on the heap: 12.5 ms of a 100k-write-up search, against 5-9 ms for any other query
(``bench/search.py --per-query``). So every multi-word synonym phrase is also indexed as one
token: a ``BEFORE`` trigger (migration 0006) gives each entry a ``phrase_vector`` holding the
tokens of the phrases its title, summary or body contains (weighted A, B or C like that field),
and ``search_vector`` and ``search_vector_ab`` include it. A query asks for the token instead of
the phrase: one small posting list and no recheck.

Curators' edits (``sync_phrases``, run on every synonym save or delete): a new phrase is known to
the trigger at once, so entries indexed from then on carry its token, but entries indexed before
only get it when ``backfill`` recomputes them (a queued task). Until then the phrase is not
``ready`` and queries keep asking for the phrase itself, so no result goes missing in between.

SQLite's FTS5 answers phrases from its own position lists quickly enough, and does not use tokens.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable

from django.core.cache import cache
from django.db import connection, transaction

from search.text import tokens, words_of

logger = logging.getLogger(__name__)
PHRASE_MARK = "syn0"  # letters then a digit: PostgreSQL's parser keeps it whole, unstemmed
READY_CACHE_KEY = "search:phrase-tokens:v1"
BACKFILL_BATCH = 2000


def phrase_words(term: str) -> list[str]:
    """The words an engine sees in a synonym term (``A&E`` -> ``a``, ``e``)."""
    return [word for token in tokens(term) for word in words_of(token)]


def token_for(key: str) -> str:
    """The index token of a phrase: stable, so the trigger and every process agree on it."""
    return PHRASE_MARK + hashlib.blake2s(key.encode(), digest_size=6).hexdigest()


def phrases_from_terms(term_lists: Iterable[list[str]]) -> dict[str, str]:
    """Phrase key ("domiciliary care") -> ``to_tsquery`` input, for every multi-word term."""
    phrases: dict[str, str] = {}
    for terms in term_lists:
        for term in terms:
            words = phrase_words(term)
            if len(words) > 1:
                phrases[" ".join(words)] = " <-> ".join(words)
    return phrases


def sync_phrases() -> list[int]:
    """Make the phrase table match the curated synonyms; returns the ids of new phrases.

    On PostgreSQL the new ones wait (not ``ready``) for ``backfill``, queued after this
    transaction commits; elsewhere tokens are not used, so they are ready at once."""
    from search.models import SearchPhrase, SearchSynonym

    wanted = phrases_from_terms(s.term_list for s in SearchSynonym.objects.all())
    existing = set(SearchPhrase.objects.values_list("phrase", flat=True))
    SearchPhrase.objects.exclude(phrase__in=wanted).delete()
    ready = connection.vendor != "postgresql"
    created = SearchPhrase.objects.bulk_create(
        [
            SearchPhrase(phrase=key, token=token_for(key), query=query, ready=ready)
            for key, query in wanted.items()
            if key not in existing
        ]
    )
    clear_ready_cache()
    new_ids = [phrase.pk for phrase in created]
    if new_ids and not ready:
        transaction.on_commit(lambda: _enqueue_backfill(new_ids))
    return new_ids


def _enqueue_backfill(phrase_ids: list[int]) -> None:
    from search.tasks import backfill_phrase_tokens

    try:
        backfill_phrase_tokens.enqueue(phrase_ids)
    except Exception:
        # The phrases stay not ready (searched as phrases) until rebuild_search_index marks them.
        logger.exception("could not enqueue the phrase-token backfill for %s", phrase_ids)


def ready_tokens() -> dict[str, str]:
    """Phrase key -> token for phrases every entry carries (PostgreSQL; empty elsewhere).

    Only phrases of more than one lexeme get a token (the trigger skips the rest: "A&E" is
    ``a <-> e``, and "a" is a stop word), which only PostgreSQL can tell, so it answers here."""
    if connection.vendor != "postgresql":
        return {}
    ready = cache.get(READY_CACHE_KEY)
    if ready is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT phrase, token FROM search_searchphrase WHERE ready AND numnode(tsq) > 1")
            ready = dict(cursor.fetchall())
        cache.set(READY_CACHE_KEY, ready, 3600)
    return ready


def clear_ready_cache() -> None:
    cache.delete(READY_CACHE_KEY)


def backfill(phrase_ids: list[int], batch_size: int = BACKFILL_BATCH) -> int:
    """Recompute every entry's phrase tokens, then mark these phrases ready. Returns entries done.

    Batches of ``batch_size`` ids, each its own transaction, so searches and indexing carry on
    (an entry indexed meanwhile already has the tokens: the trigger knows every phrase)."""
    from search.models import SearchPhrase

    done = 0
    if connection.vendor == "postgresql":
        last = 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "WITH b AS (SELECT id FROM search_searchentry WHERE id > %s ORDER BY id LIMIT %s) "
                    "UPDATE search_searchentry e SET phrase_vector = search_phrase_vector(e.title, e.summary, e.body) "
                    "FROM b WHERE e.id = b.id RETURNING e.id",
                    [last, batch_size],
                )
                ids = [row[0] for row in cursor.fetchall()]
            if not ids:
                break
            done += len(ids)
            last = max(ids)
    SearchPhrase.objects.filter(pk__in=phrase_ids).update(ready=True)
    clear_ready_cache()
    return done
