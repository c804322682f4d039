"""Multi-word synonym phrases as index tokens (search/phrases.py): the same results as phrase
queries, asked for by one token on PostgreSQL, and never a gap while a new phrase is back-filled."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from search.backends.database import DatabaseBackend, tsquery_expression
from search.documents import SearchDocument
from search.models import SearchPhrase, SearchSynonym
from search.phrases import phrases_from_terms, ready_tokens, token_for
from search.query import SearchQuery
from search.text import parse_query

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="phrase tokens are PostgreSQL's (SQLite's FTS5 matches phrases itself)"
)


def _doc(pk: str, title: str, summary: str = "", body: str = "") -> SearchDocument:
    return SearchDocument(
        doc_type="writeup", object_id=pk, title=title, url=f"/projects/{pk}/", summary=summary, body=body
    )


def _phrase_vector(pk: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT phrase_vector::text FROM search_searchentry WHERE key = %s", [f"writeup:{pk}"])
        return cursor.fetchone()[0]


def _search_sql(text: str) -> tuple[list[str], str]:
    with CaptureQueriesContext(connection) as captured:
        urls = [hit.url for hit in SearchQuery(text=text).run().hits]
    return sorted(urls), next((q["sql"] for q in captured.captured_queries if "search_vector" in q["sql"]), "")


def test_phrases_are_the_multi_word_terms_in_engine_words():
    phrases = phrases_from_terms([["dom care", "Domiciliary care", "care at home"], ["GP"], ["A&E", "ED"]])
    assert phrases == {
        "dom care": "dom <-> care",
        "domiciliary care": "domiciliary <-> care",
        "care at home": "care <-> at <-> home",
        "a e": "a <-> e",
    }
    assert token_for("dom care") == token_for("dom care") != token_for("home care")
    assert token_for("dom care").startswith("syn0") and len(token_for("dom care")) == 16


@pytest.mark.django_db
def test_tsquery_asks_for_tokens_of_ready_phrases_and_keeps_every_other_phrase():
    clauses = parse_query('dom care "patient flow" frailty').clauses
    tokens = {"domiciliary care": "syn0aaaaaaaaaaaa", "dom care": "syn0bbbbbbbbbbbb"}
    expression = tsquery_expression(clauses, phrase_tokens=tokens)
    assert "syn0aaaaaaaaaaaa" in expression and "syn0bbbbbbbbbbbb" in expression
    assert "(domiciliary <-> care)" not in expression
    assert "(home <-> care)" in expression  # not ready: still a phrase
    assert "(patient <-> flow)" in expression and "(frailty)" in expression
    assert tsquery_expression(clauses) == tsquery_expression(clauses, phrase_tokens={})


@pytest.mark.django_db
def test_curated_synonyms_keep_the_phrase_table_in_step(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        synonym = SearchSynonym.objects.create(terms="zebra crossing, pedestrian crossing, crossing")
    phrase = SearchPhrase.objects.get(phrase="zebra crossing")
    assert phrase.token == token_for("zebra crossing") and phrase.ready
    assert SearchPhrase.objects.filter(phrase="pedestrian crossing", ready=True).exists()
    assert not SearchPhrase.objects.filter(phrase="crossing").exists()  # one word needs no token
    synonym.terms = "zebra crossing, crossing"
    synonym.save()
    assert not SearchPhrase.objects.filter(phrase="pedestrian crossing").exists()
    synonym.delete()
    assert not SearchPhrase.objects.filter(phrase="zebra crossing").exists()


@pytest.mark.django_db
def test_synonym_phrases_find_every_variant_in_every_field():
    DatabaseBackend().index(
        [
            _doc("title", "Domiciliary care rota", "Fewer missed visits."),
            _doc("summary", "Rota", "Home care visits were late."),
            _doc("body", "Rota", "Visits.", "We moved care at home to a shared rota."),
            _doc("apart", "Rota", "Care for people at their home.", "Care was at risk at home."),
        ]
    )
    urls, _ = _search_sql("dom care")
    assert urls == ["/projects/body/", "/projects/summary/", "/projects/title/"]


@postgres_only
@pytest.mark.django_db
def test_entries_carry_weighted_tokens_and_queries_ask_for_them():
    DatabaseBackend().index(
        [
            _doc("title", "Domiciliary care rota"),
            _doc("body", "Rota", "Visits.", "We moved care at home to a shared rota."),
            _doc("apart", "Rota", "Care for people at their home."),
        ]
    )
    assert _phrase_vector("title") == f"'{token_for('domiciliary care')}':1A"
    assert _phrase_vector("body") == f"'{token_for('care at home')}':1C"
    assert _phrase_vector("apart") == ""
    assert "a e" not in ready_tokens()  # "a" is a stop word: one lexeme, no token
    urls, sql = _search_sql("dom care")
    assert urls == ["/projects/body/", "/projects/title/"]
    assert token_for("domiciliary care") in sql and "<->" not in sql


@postgres_only
@pytest.mark.django_db
def test_a_new_phrase_is_searched_as_a_phrase_until_every_entry_has_its_token(django_capture_on_commit_callbacks):
    DatabaseBackend().index([_doc("old", "Pedestrian crossing audit", "Safer school runs.")])
    with django_capture_on_commit_callbacks(execute=False) as backfills:
        SearchSynonym.objects.create(terms="zebra crossing, pedestrian crossing")
    DatabaseBackend().index([_doc("new", "Zebra crossing lights")])
    assert _phrase_vector("old") == ""  # indexed before the phrase existed
    assert _phrase_vector("new") == f"'{token_for('zebra crossing')}':1A"  # the trigger knows it at once
    urls, sql = _search_sql("zebra crossing")
    assert urls == ["/projects/new/", "/projects/old/"]
    assert "pedestrian <-> crossing" in sql  # not ready: asked for as a phrase

    for callback in backfills:  # the queued backfill task (the immediate backend runs it here)
        callback()
    assert _phrase_vector("old") == f"'{token_for('pedestrian crossing')}':1A"
    urls, sql = _search_sql("zebra crossing")
    assert urls == ["/projects/new/", "/projects/old/"]
    assert token_for("pedestrian crossing") in sql and "<->" not in sql
