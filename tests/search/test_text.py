"""Query parsing: safe tokens only, synonyms both ways, bounded length; snippets escaped."""

from __future__ import annotations

import pytest

from search.backends.database import fts5_expression, tsquery_expression
from search.text import MAX_QUERY_CHARS, highlight, parse_query


@pytest.mark.django_db
def test_synonym_groups_expand_both_ways():
    by_acronym = parse_query("A&E handover")
    by_words = parse_query("emergency department handover")
    assert by_acronym.clauses == by_words.clauses
    assert ("a&e",) in by_acronym.clauses[0].alternatives
    assert ("emergency", "department") in by_acronym.clauses[0].alternatives


@pytest.mark.django_db
def test_expressions_contain_only_quoted_word_tokens():
    parsed = parse_query('dom care "home first" NOT (x OR y* ^ : {a} NEAR/2 "')
    expression = fts5_expression(parsed.clauses)
    assert '("dom care" OR "domiciliary care"' in expression
    assert '("not")' in expression  # operators typed by the user become plain quoted words
    assert '"home first"' in expression
    for forbidden in ("^", ":", "{", "*", "NEAR/"):
        assert forbidden not in expression
    ts = tsquery_expression(parsed.clauses)
    assert "(dom <-> care)" in ts and " & " in ts


@pytest.mark.django_db
def test_long_input_is_cut_and_stopwords_dropped():
    parsed = parse_query("discharge " * 5000)
    assert len(parsed.text) <= MAX_QUERY_CHARS
    assert len(parsed.clauses) <= 12
    assert [c.alternatives for c in parse_query("the frailty of it").clauses] == [(("frailty",),)]
    assert parse_query("the").clauses  # only stop words: keep them rather than search for nothing


def test_highlight_escapes_before_marking():
    snippet = str(highlight('<img src=x onerror="alert(1)"> discharge & home', ["discharge"]))
    assert "<img" not in snippet and '"' not in snippet
    assert "onerror=&quot;alert(1)&quot;&gt;" in snippet
    assert "<mark>discharge</mark>" in snippet
    assert "&amp;" in snippet
