"""The relevance set over the fixed corpus (database backend). bench/relevance.py prints the figure."""

from __future__ import annotations

import os

import pytest

from search.permissions import Viewer
from search.query import SearchQuery
from tests.search.corpus import RELEVANCE_SET
from tests.search.demo_relevance import DEMO_RELEVANCE_SET, demo_success_at_3
from tests.search.relevance import success_at_3

# The floor this backend honestly reaches on the set (see the report); raise it, never lower it.
SUCCESS_AT_3_FLOOR = 0.95


def test_relevance_set_is_big_enough():
    assert len(RELEVANCE_SET) >= 30


def test_success_at_3_meets_the_floor(corpus):
    score, misses = success_at_3()
    assert score >= SUCCESS_AT_3_FLOOR, f"success@3 {score:.2f}; misses: {misses}"


def test_recent_measured_write_up_beats_stale_idea_with_the_same_words(corpus):
    hits = SearchQuery(text="medicines reconciliation discharge").run().hits
    urls = [hit.url for hit in hits]
    assert urls.index("/projects/16/") < urls.index("/projects/17/")


def test_title_outranks_body(corpus):
    # "Delirium" is in write-up 14's title and only in the person's body text.
    hits = SearchQuery(text="delirium", viewer=Viewer(authenticated=True)).run().hits
    urls = [hit.url for hit in hits]
    assert urls.index("/projects/14/") < urls.index("/people/501/")


def test_synonyms_match_both_ways(corpus):
    by_acronym = {h.url for h in SearchQuery(text="COPD").run().hits}
    by_words = {h.url for h in SearchQuery(text="chronic obstructive pulmonary disease").run().hits}
    assert "/projects/8/" in by_acronym
    assert by_acronym == by_words


def test_stemming(corpus):
    assert "/projects/15/" in {h.url for h in SearchQuery(text="ulcer").run().hits}


@pytest.fixture
def demo(db, django_capture_on_commit_callbacks):
    """The demo content, indexed the way it is in real life: by the on-commit signal handlers."""
    from django.core.management import call_command

    with django_capture_on_commit_callbacks(execute=True), open(os.devnull, "w") as quiet:
        call_command("load_demo", stdout=quiet)


def test_demo_relevance_set_is_big_enough():
    assert len(RELEVANCE_SET) + len(DEMO_RELEVANCE_SET) >= 50
    assert len(DEMO_RELEVANCE_SET) >= 20


# "2WW skin" misses: the skin cancer story never says "two week wait", and every query word must match.
DEMO_SUCCESS_AT_3_FLOOR = 0.96


def test_demo_success_at_3_meets_the_floor(demo):
    score, misses = demo_success_at_3()
    assert score >= DEMO_SUCCESS_AT_3_FLOOR, f"success@3 {score:.2f}; misses: {misses}"
